"""Test-run scenarios: small JSON documents a designer runs a process version against.

A scenario names its start (the complaint's category, area, channel and any intake field), its
steps (complete an open task with form data, let time pass, send a message, run the sweeps)
and what it expects (the path of element ids completed, in order, and the final status). The
format is documented in processes/scenarios/README.md; `check` is its one reader and refuses
anything else with a message in Thai and English naming the field. Scenarios are kept by name
on a draft (`ProcessDraft.scenarios`) and on a version (`ProcessDefinition.scenarios`); the
shipped ones are processes/scenarios/<process id>/*.json. Running one: engine/cases/trial.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine import journal
from engine.access.checks import check_may_design
from engine.access.rules import Actor
from engine.errors import NotFound, ValidationFailed
from engine.models import ProcessDraft
from engine.statuses import STATUSES
from engine.workflow import definitions

SCENARIOS_DIR = definitions.PROCESSES_DIR / "scenarios"
MAX_BYTES = 64 * 1024  # one scenario as UTF-8 JSON
MAX_STEPS = 100
MAX_SCENARIOS = 50  # kept on one draft or version
MAX_DAYS = 400  # one `advance`
MAX_TITLE = 200
NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
ELEMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,99}")
CODE = re.compile(r"[A-Za-z0-9_.-]{1,64}")
DURATION = re.compile(r"P(\d{1,3})D")
MESSAGES = ("info_provided", "withdraw", "reopen", "sla_breached")
KINDS = ("complete", "advance", "message", "sweep")
START_KEYS = {"category", "area_code", "channel", "data"}
TOP_KEYS = {"name", "title_th", "title_en", "start", "steps", "expect"}


def _bad(field: str, th: str, en: str) -> ValidationFailed:
    return ValidationFailed.one(field, th, en)


def parse(text: object) -> dict:
    """A scenario from JSON text, checked (see `check`)."""
    if not isinstance(text, str | bytes) or len(text) > MAX_BYTES:
        raise _bad(
            "scenario",
            f"สถานการณ์ทดสอบต้องเป็นข้อความ JSON ไม่เกิน {MAX_BYTES // 1024} KB",
            f"A scenario is JSON text of {MAX_BYTES // 1024} KB at most.",
        )
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as exc:
        detail = str(exc)[:120]
        raise _bad(
            "scenario",
            f"สถานการณ์ทดสอบไม่ใช่ JSON ที่ถูกต้อง: {detail}",
            f"The scenario is not valid JSON: {detail}",
        ) from None
    return check(document)


def check(document: object) -> dict:
    """The scenario in its one normal form, or ValidationFailed naming the first wrong field."""
    if not isinstance(document, Mapping):
        raise _bad("scenario", "สถานการณ์ทดสอบต้องเป็นออบเจ็กต์ JSON", "A scenario is a JSON object.")
    size = len(json.dumps(document, ensure_ascii=False, default=str).encode())
    if size > MAX_BYTES:
        raise _bad(
            "scenario",
            f"สถานการณ์ทดสอบใหญ่เกินไป ({size // 1024} KB) ได้ไม่เกิน {MAX_BYTES // 1024} KB",
            f"The scenario is too large ({size // 1024} KB); {MAX_BYTES // 1024} KB at most.",
        )
    unknown = sorted(set(document) - TOP_KEYS, key=str)
    if unknown:
        shown = str(unknown[0])[:40]
        raise _bad(shown, f"ไม่รู้จักช่อง «{shown}»", f"Unknown field «{shown}».")
    out: dict = {"name": _name(document.get("name"))}
    for key in ("title_th", "title_en"):
        title = document.get(key, "")
        if not isinstance(title, str) or len(title) > MAX_TITLE:
            raise _bad(
                key,
                f"«{key}» ต้องเป็นข้อความไม่เกิน {MAX_TITLE} ตัวอักษร",
                f"«{key}» is text of {MAX_TITLE} characters at most.",
            )
        out[key] = title.strip()
    out["start"] = _start(document.get("start", {}))
    steps = document.get("steps", [])
    if not isinstance(steps, list) or len(steps) > MAX_STEPS:
        raise _bad(
            "steps",
            f"«steps» ต้องเป็นรายการขั้นตอน ไม่เกิน {MAX_STEPS} ขั้น",
            f"«steps» is a list of {MAX_STEPS} steps at most.",
        )
    out["steps"] = [check_step(step, i) for i, step in enumerate(steps)]
    out["expect"] = _expect(document.get("expect", {}))
    return out


def _name(name: object) -> str:
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise _bad(
            "name",
            "ชื่อสถานการณ์ใช้ได้เฉพาะ a-z 0-9 _ - ขึ้นต้นด้วยตัวอักษรหรือตัวเลข ไม่เกิน 64 ตัว",
            "A scenario name has only a-z 0-9 _ - and starts with a letter or digit (64 at most).",
        )
    return name


def _start(start: object) -> dict:
    if not isinstance(start, Mapping) or set(start) - START_KEYS:
        raise _bad(
            "start",
            "«start» มีได้เฉพาะ category, area_code, channel และ data",
            "«start» may hold only category, area_code, channel and data.",
        )
    out: dict = {}
    for key in ("category", "area_code", "channel"):
        value = start.get(key)
        if value is not None:
            if not isinstance(value, str) or not CODE.fullmatch(value):
                raise _bad(
                    f"start.{key}",
                    f"«start.{key}» ต้องเป็นรหัส (A-Z a-z 0-9 _ . - ไม่เกิน 64 ตัว)",
                    f"«start.{key}» is a code (A-Z a-z 0-9 _ . -, 64 at most).",
                )
            out[key] = value
    data = start.get("data", {})
    if not isinstance(data, Mapping):
        raise _bad("start.data", "«start.data» ต้องเป็นออบเจ็กต์", "«start.data» is an object.")
    out["data"] = dict(data)
    return out


def check_step(step: object, index: int) -> dict:
    """One step in its normal form: {"complete": id, "data": {…}}, {"advance": {"days"|
    "working_days": n}}, {"message": name} or {"sweep": true}."""
    where = f"steps[{index}]"
    kinds = [k for k in KINDS if isinstance(step, Mapping) and k in step]
    if not isinstance(step, Mapping) or len(kinds) != 1:
        raise _bad(
            where,
            f"ขั้นที่ {index + 1} ต้องมีอย่างใดอย่างหนึ่งเท่านั้น: complete, advance, message หรือ sweep",
            f"Step {index + 1} has exactly one of complete, advance, message or sweep.",
        )
    kind = kinds[0]
    allowed = {"complete": {"complete", "data"}}.get(kind, {kind})
    extra = sorted(set(step) - allowed, key=str)
    if extra:
        shown = str(extra[0])[:40]
        raise _bad(
            f"{where}.{shown}",
            f"ขั้นที่ {index + 1} มีช่อง «{shown}» ที่ไม่รู้จัก",
            f"Step {index + 1} has an unknown field «{shown}».",
        )
    value = step[kind]
    if kind == "complete":
        data = step.get("data", {})
        if not isinstance(value, str) or not ELEMENT.fullmatch(value):
            raise _bad(
                f"{where}.complete",
                f"ขั้นที่ {index + 1}: «complete» ต้องเป็นรหัสงาน (element id) ในแผนภาพ",
                f"Step {index + 1}: «complete» is a task's element id in the diagram.",
            )
        if not isinstance(data, Mapping):
            raise _bad(
                f"{where}.data",
                f"ขั้นที่ {index + 1}: «data» ต้องเป็นออบเจ็กต์ข้อมูลแบบฟอร์ม",
                f"Step {index + 1}: «data» is an object of form data.",
            )
        return {"complete": value, "data": dict(data)}
    if kind == "advance":
        return {"advance": _advance(value, where, index)}
    if kind == "message":
        if value not in MESSAGES:
            raise _bad(
                f"{where}.message",
                f"ขั้นที่ {index + 1}: ข้อความต้องเป็น {', '.join(MESSAGES)}",
                f"Step {index + 1}: the message is one of {', '.join(MESSAGES)}.",
            )
        return {"message": value}
    if value is not True:
        raise _bad(
            f"{where}.sweep",
            f"ขั้นที่ {index + 1}: เขียน «sweep»: true",
            f"Step {index + 1}: write «sweep»: true.",
        )
    return {"sweep": True}


def _advance(value: object, where: str, index: int) -> dict:
    if isinstance(value, str) and (match := DURATION.fullmatch(value)):
        value = {"days": int(match[1])}
    ok = (
        isinstance(value, Mapping)
        and len(value) == 1
        and next(iter(value)) in ("days", "working_days")
    )
    amount = next(iter(value.values())) if ok else None  # type: ignore[union-attr]
    if not ok or not isinstance(amount, int) or isinstance(amount, bool):
        raise _bad(
            f"{where}.advance",
            f'ขั้นที่ {index + 1}: «advance» เขียนเป็น {{"days": n}}, {{"working_days": n}} หรือ "PnD"',
            f'Step {index + 1}: «advance» is {{"days": n}}, {{"working_days": n}} or "PnD".',
        )
    if not 1 <= amount <= MAX_DAYS:
        raise _bad(
            f"{where}.advance",
            f"ขั้นที่ {index + 1}: เลื่อนเวลาได้ 1 ถึง {MAX_DAYS} วัน",
            f"Step {index + 1}: time moves by 1 to {MAX_DAYS} days.",
        )
    return dict(value)  # type: ignore[arg-type]


def _expect(expect: object) -> dict:
    if not isinstance(expect, Mapping) or set(expect) - {"path", "status"}:
        raise _bad(
            "expect",
            "«expect» มีได้เฉพาะ path (รายการรหัสขั้นตอน) และ status",
            "«expect» may hold only path (a list of element ids) and status.",
        )
    out: dict = {}
    path = expect.get("path")
    if path is not None:
        if not isinstance(path, list) or len(path) > 2000:
            raise _bad("expect.path", "«expect.path» ต้องเป็นรายการ", "«expect.path» is a list.")
        for i, element in enumerate(path):
            if not isinstance(element, str) or not ELEMENT.fullmatch(element):
                raise _bad(
                    f"expect.path[{i}]",
                    f"«expect.path» ลำดับที่ {i + 1} ไม่ใช่รหัสขั้นตอน (element id)",
                    f"«expect.path» item {i + 1} is not an element id.",
                )
        out["path"] = list(path)
    status = expect.get("status")
    if status is not None:
        if status not in STATUSES:
            raise _bad(
                "expect.status",
                f"«expect.status» ต้องเป็นสถานะหนึ่งใน {', '.join(STATUSES)}",
                f"«expect.status» is one of {', '.join(STATUSES)}.",
            )
        out["status"] = status
    return out


def compare(expect: Mapping, path: list[str], status: str | None) -> list[tuple[str, str]]:
    """What differs from the expectation, as (Thai, English) sentences; empty when it holds."""
    problems = []
    if "path" in expect and list(expect["path"]) != path:
        i = next(
            (n for n, (a, b) in enumerate(zip(expect["path"], path, strict=False)) if a != b),
            min(len(expect["path"]), len(path)),
        )
        want = expect["path"][i] if i < len(expect["path"]) else "(จบ / end)"
        got = path[i] if i < len(path) else "(จบ / end)"
        problems.append(
            (
                f"เส้นทางต่างจากที่คาดที่ลำดับ {i + 1}: คาด {want} แต่ได้ {got}",
                f"The path differs at position {i + 1}: expected {want}, got {got}.",
            )
        )
    if "status" in expect and expect["status"] != status:
        problems.append(
            (
                f"สถานะสุดท้ายคาดว่า {expect['status']} แต่ได้ {status}",
                f"The final status was expected to be {expect['status']}, got {status}.",
            )
        )
    return problems


def read_shipped(process_id: str, directory: Path = SCENARIOS_DIR) -> dict[str, dict]:
    """The shipped scenarios of a process (processes/scenarios/<process id>/*.json), checked."""
    out = {}
    for path in sorted((directory / process_id).glob("*.json")):
        document = parse(path.read_text(encoding="utf-8"))
        out[document["name"]] = document
    return out


def shipped_files(directory: Path = SCENARIOS_DIR) -> list[tuple[str, Path]]:
    """(process id, file) of every shipped scenario."""
    return [(p.parent.name, p) for p in sorted(directory.glob("*/*.json"))]


def store(session: Session, now: datetime, actor: Actor, draft_id: int, document: object) -> dict:
    """Keep a scenario on a draft under its name (replacing one of the same name); audited.

    The draft's lock stays: an open modeler saves on without a conflict."""
    check_may_design(actor)
    checked = check(document)
    draft = _locked_draft(session, draft_id)
    kept = dict(draft.scenarios or {})
    if checked["name"] not in kept and len(kept) >= MAX_SCENARIOS:
        raise _bad(
            "name",
            f"ร่างหนึ่งเก็บสถานการณ์ทดสอบได้ไม่เกิน {MAX_SCENARIOS} เรื่อง",
            f"A draft keeps {MAX_SCENARIOS} scenarios at most.",
        )
    kept[checked["name"]] = checked
    _write(session, draft, kept)
    journal.record(
        session,
        None,
        actor,
        "process_scenario_saved",
        now,
        detail={"draft_id": draft_id, "process_id": draft.process_id, "name": checked["name"]},
    )
    return checked


def remove(session: Session, now: datetime, actor: Actor, draft_id: int, name: str) -> None:
    """Delete a scenario from a draft; audited."""
    check_may_design(actor)
    draft = _locked_draft(session, draft_id)
    kept = dict(draft.scenarios or {})
    if name not in kept:
        raise NotFound(
            f"The draft has no scenario «{name[:64]}».", f"ร่างนี้ไม่มีสถานการณ์ «{name[:64]}»"
        )
    del kept[name]
    _write(session, draft, kept)
    journal.record(
        session,
        None,
        actor,
        "process_scenario_deleted",
        now,
        detail={"draft_id": draft_id, "process_id": draft.process_id, "name": name},
    )


def _locked_draft(session: Session, draft_id: int) -> ProcessDraft:
    draft = session.scalar(
        select(ProcessDraft)
        .where(ProcessDraft.id == draft_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if draft is None:
        raise NotFound(f"No draft {draft_id}.", f"ไม่พบร่างกระบวนงานหมายเลข {draft_id}")
    return draft


def _write(session: Session, draft: ProcessDraft, kept: dict) -> None:
    # A Core UPDATE: the ORM would raise the draft's lock, and the modeler's next save would be
    # refused as stale although its files did not change.
    session.execute(
        update(ProcessDraft)
        .where(ProcessDraft.id == draft.id)
        .values(scenarios=kept)
        .execution_options(synchronize_session=False)
    )
    session.expire(draft, ["scenarios"])
