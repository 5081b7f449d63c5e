"""Drafts: a designer's files and forms kept on the server between edits, validated and deployed
from there. A draft is not a version; nothing runs on it. A save names the lock it read, so a
stale editor (another tab, another designer) gets a Conflict instead of overwriting newer work.
Deploying a draft stores a version that is not live and asks a second person to activate it
(engine/workflow/approvals.py); the draft then goes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine import journal
from engine.access.checks import check_may_design
from engine.access.rules import Actor
from engine.errors import Conflict, NotFound, ValidationFailed
from engine.models import ActivationRequest, Process, ProcessDraft, SlaPolicy, WorkflowRole
from engine.statuses import STATUSES
from engine.workflow import approvals, catalog, definitions, versions
from engine.workflow.findings import Finding
from forms.loader import schema_names

MAX_DRAFT_BYTES = 5 * 1024 * 1024  # files and forms of one draft together, as UTF-8 JSON
MAX_FILES = 50
MAX_NOTE = 2000
PROCESS_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,63}")
FILE_NAME = re.compile(r"[^/\\\x00-\x1f\x7f.][^/\\\x00-\x1f\x7f]{0,95}\.(?:bpmn|dmn)")
FORM_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")

BLANK = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" \
xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" \
xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" \
xmlns:di="http://www.omg.org/spec/DD/20100524/DI" \
id="Definitions_{pid}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="{pid}" name="{pid}" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" name="รับเรื่อง">
      <bpmn:outgoing>Flow_1</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:endEvent id="EndEvent_1" name="ปิดเรื่อง">
      <bpmn:incoming>Flow_1</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="EndEvent_1" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="{pid}">
      <bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1">
        <dc:Bounds x="152" y="102" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="EndEvent_1_di" bpmnElement="EndEvent_1">
        <dc:Bounds x="352" y="102" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flow_1_di" bpmnElement="Flow_1">
        <di:waypoint x="188" y="120" />
        <di:waypoint x="352" y="120" />
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


def create(
    session: Session,
    now: datetime,
    actor: Actor,
    process_id: str,
    *,
    from_version: int | None = None,
    note: str = "",
) -> ProcessDraft:
    """A new draft: a copy of a stored version's files and forms, or a blank diagram."""
    check_may_design(actor)
    if not isinstance(process_id, str) or not PROCESS_ID.fullmatch(process_id):
        raise ValidationFailed.one(
            "process_id",
            "รหัสกระบวนงานต้องขึ้นต้นด้วยตัวอักษรอังกฤษ ใช้ได้เฉพาะ A-Z a-z 0-9 _ . - ไม่เกิน 64 ตัว",
            "A process id starts with a letter and has only A-Z a-z 0-9 _ . - (64 at most).",
        )
    if from_version is not None:
        definition = versions.find(session, process_id, from_version)
        files, forms = dict(definition.files or {}), dict(definition.forms or {})
        kept = dict(definition.scenarios or {})
    else:
        files, forms = {f"{process_id}.bpmn": BLANK.format(pid=process_id)}, {}
        kept = {}
    draft = ProcessDraft(
        process_id=process_id,
        base_version=from_version,
        files=files,
        forms=forms,
        scenarios=kept,
        note=_note(note),
        created_by=actor.label,
        updated_by=actor.label,
        created_at=now,
        updated_at=now,
    )
    session.add(draft)
    session.flush()
    journal.record(
        session,
        None,
        actor,
        "process_draft_created",
        now,
        detail={"draft_id": draft.id, "process_id": process_id, "from_version": from_version},
    )
    return draft


def get(session: Session, actor: Actor, draft_id: int) -> ProcessDraft:
    """One draft (every designer sees every draft: they work on the same processes)."""
    check_may_design(actor)
    draft = session.get(ProcessDraft, draft_id)
    if draft is None:
        raise NotFound(f"No draft {draft_id}.", f"ไม่พบร่างกระบวนงานหมายเลข {draft_id}")
    return draft


def list_drafts(session: Session, actor: Actor) -> list[ProcessDraft]:
    """Every draft, the newest change first."""
    check_may_design(actor)
    query = select(ProcessDraft).order_by(ProcessDraft.updated_at.desc(), ProcessDraft.id.desc())
    return list(session.scalars(query))


def content(draft: ProcessDraft) -> dict[str, Any]:
    """What the modeler loads: the files, the forms and the lock to save against."""
    return {
        "process_id": draft.process_id,
        "files": dict(draft.files or {}),
        "forms": dict(draft.forms or {}),
        "lock": draft.lock,
    }


def save(
    session: Session,
    now: datetime,
    actor: Actor,
    draft_id: int,
    files: object,
    lock: object,
    *,
    forms: object = None,
    note: str | None = None,
) -> int:
    """Store new content if `lock` is the draft's current lock; the new lock. Stale: Conflict."""
    draft = get(session, actor, draft_id)
    checked_files = _files(files)
    checked_forms = _forms(draft.forms if forms is None else forms)
    _bounded(checked_files, checked_forms)
    if not isinstance(lock, int) or isinstance(lock, bool):
        raise ValidationFailed.one("lock", "ต้องระบุ lock เป็นตัวเลข", "«lock» must be a number.")
    if lock != draft.lock:
        raise _stale(draft)
    draft.files, draft.forms = checked_files, checked_forms
    if note is not None:
        draft.note = _note(note)
    draft.updated_at, draft.updated_by = now, actor.label
    try:
        session.flush()
    except StaleDataError as exc:  # another save committed between our read and our write
        raise _stale_message(draft_id, "?", None) from exc
    return draft.lock


def bundle(draft: ProcessDraft) -> dict[str, str]:
    """The draft as a deploy's files: its diagrams and its forms as `forms/<name>.json`."""
    files = dict(draft.files or {})
    for name, schema in (draft.forms or {}).items():
        files[f"forms/{name}.json"] = json.dumps(schema, ensure_ascii=False)
    return files


def validate(session: Session, actor: Actor, draft_id: int, files: object = None) -> list[Finding]:
    """Every finding a deploy of the draft would report now, or of the files the modeler holds
    (not saved yet) with the draft's forms; nothing is stored."""
    draft = get(session, actor, draft_id)
    given = bundle(draft)
    if files is not None:
        checked = _files(files)
        _bounded(checked, draft.forms or {})
        given = {**{k: v for k, v in given.items() if k.startswith("forms/")}, **checked}
    result, _resolved, _pins, _files_ = versions.check(session, given, draft.process_id)
    return list(result.findings)


def discard(session: Session, now: datetime, actor: Actor, draft_id: int) -> None:
    """Throw a draft away."""
    draft = get(session, actor, draft_id)
    detail = {"draft_id": draft.id, "process_id": draft.process_id}
    session.delete(draft)
    session.flush()
    journal.record(session, None, actor, "process_draft_discarded", now, detail=detail)


def deploy(
    session: Session,
    now: datetime,
    actor: Actor,
    draft_id: int,
    *,
    note: str = "",
    lock: int | None = None,
    activate_at: datetime | None = None,
) -> ActivationRequest:
    """Store the draft as a version that is not live and ask for its activation (four eyes);
    the draft goes. Errors in the draft: DefinitionInvalid with the findings, nothing stored."""
    draft = get(session, actor, draft_id)
    if lock is not None and lock != draft.lock:
        raise _stale(draft)
    note = _note(note or draft.note)
    deployed = catalog.deploy(
        session, now, actor, bundle(draft), process_id=draft.process_id, note=note, draft=True
    )
    definition = deployed.definition
    assert definition is not None
    if not deployed.created:
        raise Conflict(
            f"The draft is the same as {definition.process_id} v{definition.version}: nothing "
            "new to deploy (ask for that version's activation on the process page).",
            f"ร่างนี้เหมือนกับ {definition.process_id} รุ่น {definition.version} ทุกประการ "
            "ไม่มีรุ่นใหม่ให้ติดตั้ง (ขอเปิดใช้รุ่นนั้นได้ที่หน้ากระบวนงาน)",
        )
    definition.scenarios = dict(draft.scenarios or {})  # the draft's test-runs go with it
    request = approvals.request_activation(
        session, now, actor, definition.process_id, definition.version, note, activate_at
    )
    journal.record(
        session,
        None,
        actor,
        "process_draft_deployed",
        now,
        detail={"draft_id": draft.id, "process_id": draft.process_id, "version": request.version},
    )
    session.delete(draft)
    session.flush()
    return request


def reference(session: Session, actor: Actor) -> dict[str, list]:
    """What a diagram may name: workflow roles, forms, SLA policies, statuses, processes."""
    check_may_design(actor)
    roles = session.scalars(
        select(WorkflowRole).where(WorkflowRole.active.is_(True)).order_by(WorkflowRole.code)
    )
    policies = session.scalars(
        select(SlaPolicy.step)
        .where(SlaPolicy.process_id.is_(None), SlaPolicy.active.is_(True), SlaPolicy.step != "*")
        .distinct()
    )
    live_forms: set[str] = set()
    for process in session.scalars(select(Process).where(Process.live_definition_id.is_not(None))):
        live_forms |= set(definitions.forms_of(session, process.live_definition_id))
    return {
        "roles": [{"code": r.code, "name_th": r.name_th, "name_en": r.name_en} for r in roles],
        "forms": sorted(set(schema_names()) | live_forms),
        "sla_policies": sorted(set(policies)),
        "statuses": [
            {"code": s.code, "name_th": s.name_th, "name_en": s.name_en} for s in STATUSES.values()
        ],
        "processes": [
            {"code": p.process_id, "name_th": p.name_th, "name_en": p.name_en}
            for p in session.scalars(select(Process).order_by(Process.process_id))
        ],
    }


def _files(files: object) -> dict[str, str]:
    if not isinstance(files, Mapping) or not files:
        raise ValidationFailed.one(
            "files",
            "ต้องมีไฟล์ BPMN หรือ DMN อย่างน้อยหนึ่งไฟล์",
            "A draft has at least one BPMN or DMN file («files»: name → XML).",
        )
    if len(files) > MAX_FILES:
        raise ValidationFailed.one(
            "files",
            f"ร่างหนึ่งมีได้ไม่เกิน {MAX_FILES} ไฟล์",
            f"A draft has at most {MAX_FILES} files.",
        )
    for name, text in files.items():
        if not isinstance(name, str) or not FILE_NAME.fullmatch(name):
            shown = str(name)[:80]
            raise ValidationFailed.one(
                "files",
                f"ชื่อไฟล์ «{shown}» ใช้ไม่ได้ (ต้องลงท้ายด้วย .bpmn หรือ .dmn ไม่มี / หรือ \\)",
                f"The file name «{shown}» is not allowed (.bpmn or .dmn, no / or \\).",
            )
        if not isinstance(text, str):
            raise ValidationFailed.one(
                "files", f"ไฟล์ «{name}» ต้องเป็นข้อความ XML", f"The file «{name}» must be XML text."
            )
    return dict(files)


def _forms(forms: object) -> dict[str, dict]:
    if not isinstance(forms, Mapping) or len(forms) > MAX_FILES:
        raise ValidationFailed.one(
            "forms",
            f"แบบฟอร์มต้องเป็นออบเจ็กต์ ชื่อ → JSON Schema ไม่เกิน {MAX_FILES} แบบ",
            f"«forms» maps a name to a JSON Schema object ({MAX_FILES} at most).",
        )
    for name, schema in forms.items():
        if not isinstance(name, str) or not FORM_NAME.fullmatch(name):
            shown = str(name)[:80]
            raise ValidationFailed.one(
                "forms",
                f"ชื่อแบบฟอร์ม «{shown}» ใช้ได้เฉพาะ A-Z a-z 0-9 _ - ไม่เกิน 64 ตัว",
                f"The form name «{shown}» may have only A-Z a-z 0-9 _ - (64 at most).",
            )
        if not isinstance(schema, Mapping):
            raise ValidationFailed.one(
                "forms",
                f"แบบฟอร์ม «{name}» ต้องเป็นออบเจ็กต์ JSON Schema",
                f"The form «{name}» must be a JSON Schema object.",
            )
    return dict(forms)


def _bounded(files: Mapping[str, str], forms: Mapping[str, dict]) -> None:
    size = len(json.dumps([files, forms], ensure_ascii=False).encode())
    if size > MAX_DRAFT_BYTES:
        mb = MAX_DRAFT_BYTES // (1024 * 1024)
        raise ValidationFailed.one(
            "files",
            f"ร่างมีขนาดใหญ่เกินไป ({size / 1048576:.1f} MB) ไฟล์และแบบฟอร์มรวมกันได้ไม่เกิน {mb} MB",
            f"The draft is too large ({size / 1048576:.1f} MB); files and forms together may "
            f"have {mb} MB at most.",
        )


def _note(note: object) -> str:
    if not isinstance(note, str):
        return ""
    if len(note) > MAX_NOTE:
        raise ValidationFailed.one(
            "note",
            f"บันทึกยาวได้ไม่เกิน {MAX_NOTE} ตัวอักษร",
            f"A note has at most {MAX_NOTE} characters.",
        )
    return note.strip()


def _stale(draft: ProcessDraft) -> Conflict:
    return _stale_message(draft.id, draft.updated_by, draft.lock)


def _stale_message(draft_id: int, by: str, lock: int | None) -> Conflict:
    # (After a failed flush the row's attributes cannot be read: the caller passes what it knows.)
    return Conflict(
        f"Draft {draft_id} was saved elsewhere since you opened it (by {by}); "
        "reload it to see the newer content.",
        f"ร่างหมายเลข {draft_id} ถูกบันทึกจากที่อื่นหลังจากที่ท่านเปิด (โดย {by}) โปรดโหลดใหม่เพื่อดูเนื้อหาล่าสุด",
        current_lock=lock,
    )
