"""Process versions as a product: deploy (checked first), activate, roll back, retire.

A deploy stores a new version of one process: its BPMN and DMN files, the task forms they name,
the settings of each user task, and the versions of the processes it calls (pinned to their live
version at deploy time). It is live at once or a draft; `activate` moves a process's live
pointer to any stored version, which is how a rollback is done. A deploy with an error finding
changes nothing. Two designers deploying at once: one wins, the other gets a Conflict.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine.errors import Conflict, DefinitionInvalid, NotFound
from engine.models import Process, ProcessDefinition, SlaPolicy, WorkflowRole
from engine.workflow import (
    camunda,
    conditionvars,
    definitions,
    hooks,
    scenarios,
    spiff,
    tasktable,
    validation,
)
from engine.workflow.findings import Finding, errors

# Messages Damrong sends to a case from outside (agency actions, the citizen, the SLA sweep).
ENGINE_MESSAGES = frozenset(
    {
        "info_provided",
        "reopen",
        "withdraw",
        "sla_breached",
        "agency_acknowledged",
        "agency_progress",
        "agency_done",
        "agency_question",
        "forwarded",
    }
)
# What a new case's workflow starts with (engine/cases/intake.py).
CASE_VARIABLES = frozenset(
    {"category", "area_code", "province", "channel", "anonymous", "confidential", "case_id"}
)


@dataclass
class Deployed:
    """The outcome of a deploy: the version, whether it was new, whether it is live now."""

    definition: ProcessDefinition | None
    created: bool
    live: bool
    findings: list[Finding] = field(default_factory=list)
    rewritten: dict[str, str] | None = None  # the files after --apply-rewrites


def fingerprint(files: Mapping[str, str], forms: Mapping[str, dict], pins: Mapping[str, int]):  # type: ignore[no-untyped-def]
    """The content hash of a version: its files, forms and the versions it calls."""
    digest = hashlib.sha256(spiff.content_hash(files).encode())
    digest.update(json.dumps(forms, sort_keys=True, ensure_ascii=False).encode())
    digest.update(json.dumps(dict(pins), sort_keys=True).encode())
    return digest.hexdigest()


def check(
    session: Session,
    files: Mapping[str, str],
    process_id: str | None = None,
    *,
    apply_rewrites: bool = False,
) -> tuple[validation.Validation, tasktable.Resolved, dict[str, int], dict[str, str]]:
    """Validate files for a deploy: (validation, task table, pins, the files as deployed)."""
    files = dict(files)
    rewrite_findings: list[Finding] = []
    if apply_rewrites:
        rewritten, rewrite_findings = camunda.apply_rewrites(definitions.diagram_files(files))
        files.update(rewritten)
    diagrams = definitions.diagram_files(files)
    called, pins = _called_processes(session, diagrams)
    given_forms, form_findings = definitions.forms_in(files)
    result = validation.validate(
        diagrams,
        process_id,
        validation.Context(
            forms=frozenset(given_forms),
            messages_sent_by_engine=ENGINE_MESSAGES,
            called=called,
            variables=CASE_VARIABLES,
        ),
    )
    result.findings[:0] = rewrite_findings + form_findings
    resolved = tasktable.Resolved()
    if result.parsed is not None and result.process_id is not None:
        live_forms = _live_forms(session, result.process_id)
        for callee in pins:
            live_forms = {**_live_forms(session, callee), **live_forms}
        policies = {(p.process_id, p.step) for p in session.scalars(select(SlaPolicy))}

        def find_form(name: str) -> dict | None:
            return given_forms.get(name) or live_forms.get(name) or _library_form(name)

        def has_policy(process: str, key: str) -> bool:
            return bool({(process, key), (None, key), (process, "*"), (None, "*")} & policies)

        roles = tasktable.roles_from_rows(session.scalars(select(WorkflowRole)))
        specs = [result.parsed.spec, *result.parsed.subprocess_specs.values()]
        every_file = {**diagrams, **{k: v for f in called.values() for k, v in f.items()}}
        resolved = tasktable.resolve(every_file, specs, roles, find_form, has_policy)
        resolved.forms = {name: _in_order(form) for name, form in resolved.forms.items()}
        result.findings.extend(resolved.findings)
        helpers = set(hooks.HOOKS.helpers)
        where = tasktable.locator(every_file)
        result.findings.extend(
            conditionvars.findings(specs, resolved.forms, CASE_VARIABLES, helpers, where)
        )
        named = {step for process, step in policies if process is None}
        result.findings.extend(conditionvars.policy_findings(specs, named, where))
    pins = {k: v for k, v in pins.items() if k in _called_ids(result)}
    return result, resolved, pins, files


def _in_order(form: dict) -> dict:
    """A form with its fields' order written down (`x-order`): PostgreSQL's JSONB keeps an
    object's keys in its own order, and the inbox would show the fields shuffled."""
    properties = form.get("properties")
    if "x-order" in form or not isinstance(properties, dict):
        return form
    return {**form, "x-order": list(properties)}


def deploy(
    session: Session,
    now: datetime,
    files: Mapping[str, str] | None = None,
    process_id: str | None = None,
    deployed_by: str = "system",
    *,
    note: str = "",
    draft: bool = False,
    apply_rewrites: bool = False,
) -> Deployed:
    """Check and store a new version; unchanged content answers with the stored version.

    Redeploying a stored version's content (not as a draft) makes it live again."""
    if files is None:
        files = definitions.read_process_files()
        process_id = process_id or definitions.MAIN_PROCESS
    result, resolved, pins, files = check(session, files, process_id, apply_rewrites=apply_rewrites)
    if errors(result.findings) or result.parsed is None or result.process_id is None:
        raise _invalid(result.findings)
    pid = result.process_id
    diagrams = definitions.diagram_files(files)
    digest = fingerprint(diagrams, resolved.forms, pins)
    rewritten = diagrams if apply_rewrites else None
    existing = session.scalar(
        select(ProcessDefinition).where(
            ProcessDefinition.process_id == pid, ProcessDefinition.content_hash == digest
        )
    )
    process = session.get(Process, pid)
    if existing is not None:
        if not draft and (process is None or process.live_definition_id != existing.id):
            activate(session, now, pid, existing.version, deployed_by)
            return Deployed(existing, False, True, result.findings, rewritten)
        live_now = process is not None and process.live_definition_id == existing.id
        return Deployed(existing, False, live_now, result.findings, rewritten)
    latest = session.scalar(
        select(func.max(ProcessDefinition.version)).where(ProcessDefinition.process_id == pid)
    )
    definition = ProcessDefinition(
        process_id=pid,
        version=(latest or 0) + 1,
        content_hash=digest,
        files=diagrams,
        forms=resolved.forms,
        tasks=resolved.tasks,
        pins=pins,
        spec=spiff.dump_spec(result.parsed),
        serializer_version=spiff.SERIALIZER_VERSION,
        deployed_at=now,
        deployed_by=deployed_by,
        note=note[:2000],
    )
    if process is None:
        name_th, name_en = _names(getattr(result.parsed.spec, "description", None) or pid)
        process = Process(process_id=pid, name_th=name_th, name_en=name_en, updated_at=now)
        session.add(process)
    goes_live = not draft
    try:
        with session.begin_nested():
            session.add(definition)
            session.flush()
            if goes_live:
                _point(process, definition, now, deployed_by)
            process.updated_at, process.updated_by = now, deployed_by
            session.flush()
    except (IntegrityError, StaleDataError) as exc:
        raise _conflict(pid) from exc
    definitions.forget_current()
    return Deployed(definition, True, goes_live, result.findings, rewritten)


def activate(
    session: Session, now: datetime, process_id: str, version: int, by: str
) -> ProcessDefinition:
    """Make a stored version live (a draft, or an earlier version: a rollback)."""
    definition = find(session, process_id, version)
    if definition.retired_at is not None:
        raise Conflict(
            f"{process_id} v{version} is retired; it cannot become live.",
            f"{process_id} รุ่น {version} เลิกใช้แล้ว เปิดใช้ใหม่ไม่ได้",
        )
    process = session.get(Process, process_id)
    if process is None:
        process = Process(
            process_id=process_id, name_th=process_id, name_en=process_id, updated_at=now
        )
        session.add(process)
    try:
        _point(process, definition, now, by)
        session.flush()
    except StaleDataError as exc:
        raise _conflict(process_id) from exc
    definitions.forget_current()
    return definition


def retire(
    session: Session, now: datetime, process_id: str, version: int, by: str
) -> ProcessDefinition:
    """Start no new case on a version; cases running on it go on. The live one cannot be."""
    definition = find(session, process_id, version)
    process = session.get(Process, process_id)
    if process is not None and process.live_definition_id == definition.id:
        raise Conflict(
            f"{process_id} v{version} is live: activate another version before retiring it.",
            f"{process_id} รุ่น {version} กำลังใช้งานอยู่ ต้องเปิดใช้รุ่นอื่นก่อนจึงเลิกใช้ได้",
        )
    if definition.retired_at is None:
        definition.retired_at = now
    session.flush()
    return definition


def install_shipped(session: Session, now: datetime) -> list[tuple[str, int, str]]:
    """Deploy the shipped processes/ (called processes first): live into a database that has
    none of a process, else as a draft when the shipped content changed, never over a
    designer's live version. [(process id, version, "live" | "draft" | "unchanged")]"""
    done = []
    for process_id, files in definitions.shipped_bundles():
        has_one = session.get(Process, process_id) is not None
        deployed = deploy(
            session,
            now,
            files,
            process_id,
            "system",
            note="shipped with Damrong",
            draft=has_one,
        )
        assert deployed.definition is not None
        shipped = scenarios.read_shipped(process_id)  # processes/scenarios/<process id>/
        if shipped and (deployed.created or not deployed.definition.scenarios):
            deployed.definition.scenarios = shipped
        state = "unchanged" if not deployed.created else ("live" if deployed.live else "draft")
        done.append((process_id, deployed.definition.version, state))
    return done


def stale_callers(session: Session, process_id: str) -> list[dict]:
    """Live versions of other processes still pinned to an older version of this one."""
    live_id = definitions.live(session, process_id)
    rows = session.execute(
        select(ProcessDefinition)
        .join(Process, Process.live_definition_id == ProcessDefinition.id)
        .where(ProcessDefinition.process_id != process_id)
    ).scalars()
    out = []
    for caller in rows:
        pinned = (caller.pins or {}).get(process_id)
        if pinned is not None and pinned != live_id:
            out.append(
                {"process_id": caller.process_id, "version": caller.version, "pinned_to": pinned}
            )
    return out


def _point(process: Process, definition: ProcessDefinition, now: datetime, by: str) -> None:
    process.live_definition_id = definition.id
    process.updated_at, process.updated_by = now, by
    if definition.activated_at is None:
        definition.activated_at = now


def find(session: Session, process_id: str, version: int) -> ProcessDefinition:
    found = session.scalar(
        select(ProcessDefinition).where(
            ProcessDefinition.process_id == process_id, ProcessDefinition.version == version
        )
    )
    if found is None:
        raise NotFound(
            f"Process {process_id} has no version {version}.",
            f"กระบวนงาน {process_id} ไม่มีรุ่น {version}",
        )
    return found


def _names(name: str) -> tuple[str, str]:
    """A process name written "ไทย (English)" as (Thai, English); else the name twice."""
    match = re.fullmatch(r"(.+?)\s*\(([^()]+)\)\s*", name)
    return (match[1][:200], match[2][:200]) if match else (name[:200], name[:200])


def _conflict(process_id: str) -> Conflict:
    return Conflict(
        f"Someone else deployed or activated {process_id} at the same time; reload and try again.",
        f"มีผู้อื่นติดตั้งหรือเปิดใช้ {process_id} พร้อมกัน โปรดโหลดใหม่แล้วลองอีกครั้ง",
    )


def _invalid(findings: list[Finding]) -> DefinitionInvalid:
    bad = errors(findings)
    return DefinitionInvalid(
        [f.as_line("en") for f in bad], [f.as_line("th") for f in bad], findings=findings
    )


def _called_processes(session: Session, diagrams: Mapping[str, str]):  # type: ignore[no-untyped-def]
    """The live files of every deployed process, offered for call activities, and their ids."""
    called: dict[str, dict[str, str]] = {}
    pins: dict[str, int] = {}
    rows = session.execute(
        select(ProcessDefinition.process_id, ProcessDefinition.id, ProcessDefinition.files).join(
            Process, Process.live_definition_id == ProcessDefinition.id
        )
    )
    defined = _process_ids(diagrams)
    for pid, definition_id, files in rows:
        if pid not in defined:
            called[pid] = definitions.diagram_files(dict(files or {}))
            pins[pid] = definition_id
    return called, pins


def _process_ids(diagrams: Mapping[str, str]) -> set[str]:
    from lxml import etree

    out = set()
    for name, text in diagrams.items():
        if name.endswith(".bpmn"):
            try:
                root = spiff.xml(text)
            except etree.XMLSyntaxError:
                continue
            out |= {p.get("id") for p in root.iter(f"{definitions.BPMN}process")}
    return out


def _called_ids(result: validation.Validation) -> set[str]:
    if result.parsed is None:
        return set()
    return set(result.parsed.subprocess_specs)


def _live_forms(session: Session, process_id: str) -> dict[str, dict]:
    live_id = session.scalar(
        select(Process.live_definition_id).where(Process.process_id == process_id)
    )
    return definitions.forms_of(session, live_id) if live_id is not None else {}


def _library_form(name: str) -> dict | None:
    from forms.loader import FormNotFound, load_schema

    try:
        return load_schema(name)
    except FormNotFound:
        return None
