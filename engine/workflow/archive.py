"""A process version (or a draft) as a zip for review in git, and such a zip read back as a draft.

The archive: `process.json` (process id, version, note, who deployed it and when, the versions
it calls by number, the content hash), the BPMN/DMN files at the root, `forms/<name>.json` and
`scenarios/<name>.json` pretty-printed with sorted keys. The bytes are deterministic (fixed
entry times, sorted entries), so exporting twice gives the same zip and git diffs read well.

Reading is for hostile uploads: engine/workflow/safezip.py reads the zip (paths, links, nested
zips, counts and sizes as they really unpack, deep JSON, UTF-8); `read` then refuses names
outside the layout and a manifest that does not match the diagrams.
"""

from __future__ import annotations

import io
import json
import re
import stat
import zipfile
from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import journal
from engine.access.checks import check_may_design
from engine.access.rules import Actor
from engine.models import ProcessDefinition, ProcessDraft
from engine.workflow import definitions, drafts, safezip, spiff, versions
from engine.workflow.safezip import (
    json_of,
    read_zip,
    refused,
    text_of,
)

FORMAT = "damrong-process-archive"
FORMAT_VERSION = 1
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the zip format's first instant: the same bytes every time
_LAYOUT = re.compile(
    r"(?P<manifest>process\.json)"
    r"|(?:diagrams/)?(?P<diagram>[^/]+\.(?:bpmn|dmn))"
    r"|forms/(?P<form>[A-Za-z0-9_-]{1,64})\.json"
    r"|scenarios/(?P<scenario>[A-Za-z0-9_-]{1,64})\.json"
    r"|(?P<folder>(?:diagrams|forms|scenarios)/)"
)


@dataclass
class Archive:
    """What an archive holds: its manifest, diagrams, forms and scenarios."""

    process_id: str
    manifest: dict
    files: dict[str, str] = field(default_factory=dict)
    forms: dict[str, dict] = field(default_factory=dict)
    scenarios: dict[str, dict] = field(default_factory=dict)


def pretty(value: object) -> str:
    """JSON as stored in an archive: indented, keys sorted, Thai readable, a final newline."""
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def build(
    manifest: dict,
    files: dict[str, str],
    forms: dict[str, dict],
    scenarios: dict[str, dict] | None = None,
) -> bytes:
    """The zip's bytes: the same content always gives the same bytes."""
    entries = {"process.json": pretty(manifest)}
    entries |= {name: text for name, text in files.items()}
    entries |= {f"forms/{name}.json": pretty(schema) for name, schema in forms.items()}
    entries |= {f"scenarios/{n}.json": pretty(s) for n, s in (scenarios or {}).items()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix: the mode below means what it says
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(info, entries[name].encode("utf-8"))
    return buffer.getvalue()


def version_manifest(definition: ProcessDefinition, pins: dict[str, int]) -> dict:
    """process.json of a stored version (`pins`: called process id -> version number)."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "process_id": definition.process_id,
        "version": definition.version,
        "note": definition.note or "",
        "deployed_by": definition.deployed_by,
        "deployed_at": definition.deployed_at.isoformat(),
        "pins": dict(sorted(pins.items())),
        "content_hash": definition.content_hash,
    }


def draft_manifest(draft: ProcessDraft) -> dict:
    """process.json of a draft: no version number or hash yet."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "process_id": draft.process_id,
        "version": None,
        "draft_id": draft.id,
        "base_version": draft.base_version,
        "note": draft.note or "",
        "updated_by": draft.updated_by,
        "updated_at": draft.updated_at.isoformat(),
        "pins": {},
        "content_hash": None,
    }


def read(raw: bytes, process_id: str | None = None) -> Archive:
    """An exported archive read back (checked), or ValidationFailed saying what is wrong.

    `process_id`: the process the archive must be of (importing into that process)."""
    entries = read_zip(raw)
    out = Archive("", {})
    for name, data in entries.items():
        match = _LAYOUT.fullmatch(name)
        if match is None:
            raise refused(
                f"«{safezip.shown(name)}» ไม่ใช่ไฟล์ที่รับ (รับเฉพาะ process.json ไฟล์ .bpmn/.dmn "
                "forms/<ชื่อ>.json และ scenarios/<ชื่อ>.json)",
                f"«{safezip.shown(name)}» is not expected (only process.json, .bpmn/.dmn files, "
                "forms/<name>.json and scenarios/<name>.json).",
            )
        if match["manifest"]:
            out.manifest = json_of(name, data)
        elif match["diagram"]:
            _put_diagram(out, match["diagram"], text_of(name, data))
        elif match["form"]:
            out.forms[match["form"]] = json_of(name, data)
        elif match["scenario"]:
            out.scenarios[match["scenario"]] = json_of(name, data)
    out.process_id = _manifest_process(out.manifest)
    if process_id is not None and out.process_id != process_id:
        theirs, ours = safezip.shown(out.process_id), safezip.shown(process_id)
        raise refused(
            f"ไฟล์นี้เป็นของกระบวนงาน «{theirs}» ไม่ใช่ «{ours}»",
            f"The archive is of the process «{theirs}», not «{ours}».",
        )
    _check_diagrams(out)
    return out


def _put_diagram(out: Archive, name: str, text: str) -> None:
    if not drafts.FILE_NAME.fullmatch(name) or name in out.files:
        raise refused(
            f"ชื่อไฟล์ «{safezip.shown(name)}» ใช้ไม่ได้หรือซ้ำกัน",
            f"The file name «{safezip.shown(name)}» is not allowed or appears twice.",
        )
    out.files[name] = text


def _manifest_process(manifest: dict) -> str:
    if not manifest:
        raise refused(
            "ไม่มี process.json ในไฟล์ zip (ไฟล์ที่ส่งออกจาก Damrong มีเสมอ)",
            "The zip has no process.json (every archive Damrong exports has one).",
        )
    pid = manifest.get("process_id")
    if not isinstance(pid, str) or not drafts.PROCESS_ID.fullmatch(pid):
        raise refused(
            "process.json ไม่มีรหัสกระบวนงาน (process_id) ที่ถูกต้อง",
            "process.json has no valid «process_id».",
        )
    return pid


def _check_diagrams(out: Archive) -> None:
    """At least one BPMN file, and one of them defines the archive's process."""
    defined: set[str] = set()
    for name, text in out.files.items():
        try:
            root = spiff.xml(text)
        except (etree.XMLSyntaxError, ValueError) as exc:
            raise refused(
                f"«{safezip.shown(name)}» ไม่ใช่ XML ที่อ่านได้",
                f"«{safezip.shown(name)}» is not readable XML.",
            ) from exc
        if name.endswith(".bpmn"):
            defined |= {p.get("id") for p in root.iter(f"{definitions.BPMN}process")}
    if out.process_id not in defined:
        raise refused(
            f"ไม่มีไฟล์ BPMN ใดในไฟล์ zip ที่กำหนดกระบวนงาน «{out.process_id}» ตาม process.json",
            f"No BPMN file in the zip defines the process «{out.process_id}» named in "
            "process.json.",
        )


def pins_by_number(session: Session, pins: dict[str, int]) -> dict[str, int]:
    """A version's pins (called process -> definition id) as version numbers."""
    if not pins:
        return {}
    rows = session.execute(
        select(ProcessDefinition.id, ProcessDefinition.version).where(
            ProcessDefinition.id.in_(list(pins.values()))
        )
    )
    numbers = dict(rows.all())
    return {pid: numbers.get(i, 0) for pid, i in pins.items()}


def export_version(
    session: Session, now: datetime, actor: Actor, process_id: str, version: int
) -> tuple[str, bytes]:
    """(file name, zip bytes) of a stored version; the export is audited."""
    check_may_design(actor)
    definition = versions.find(session, process_id, version)
    manifest = version_manifest(definition, pins_by_number(session, dict(definition.pins or {})))
    data = build(
        manifest,
        dict(definition.files or {}),
        dict(definition.forms or {}),
        dict(definition.scenarios or {}),
    )
    detail = {"process_id": process_id, "version": version, "bytes": len(data)}
    journal.record(session, None, actor, "process_exported", now, detail=detail)
    return f"{process_id}-v{version}.zip", data


def export_draft(session: Session, now: datetime, actor: Actor, draft_id: int) -> tuple[str, bytes]:
    """(file name, zip bytes) of a draft; the export is audited."""
    draft = drafts.get(session, actor, draft_id)
    data = build(
        draft_manifest(draft),
        dict(draft.files or {}),
        dict(draft.forms or {}),
        dict(draft.scenarios or {}),
    )
    detail = {"process_id": draft.process_id, "draft_id": draft.id, "bytes": len(data)}
    journal.record(session, None, actor, "process_draft_exported", now, detail=detail)
    return f"{draft.process_id}-draft{draft.id}.zip", data


def import_archive(
    session: Session, now: datetime, actor: Actor, raw: bytes, process_id: str | None = None
) -> ProcessDraft:
    """A new draft from an uploaded archive (of `process_id` when given); audited. A refused
    archive stores nothing."""
    check_may_design(actor)
    read_back = read(raw, process_id)
    # The draft's own checks: the names, the kinds of content and its size.
    files = drafts._files(read_back.files)  # noqa: SLF001
    forms = drafts._forms(read_back.forms)  # noqa: SLF001
    drafts._bounded(files, {"forms": forms, "scenarios": read_back.scenarios})  # noqa: SLF001
    note = read_back.manifest.get("note")
    draft = drafts.create(
        session, now, actor, read_back.process_id, note=note if isinstance(note, str) else ""
    )
    draft.files, draft.forms, draft.scenarios = files, forms, read_back.scenarios
    session.flush()
    journal.record(
        session,
        None,
        actor,
        "process_imported",
        now,
        detail={
            "draft_id": draft.id,
            "process_id": draft.process_id,
            "from_version": read_back.manifest.get("version")
            if isinstance(read_back.manifest.get("version"), int)
            else None,
            "content_hash": str(read_back.manifest.get("content_hash") or "")[:64],
            "files": sorted(files),
            "forms": sorted(forms),
            "scenarios": sorted(read_back.scenarios),
        },
    )
    return draft
