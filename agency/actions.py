"""What an agency's own system may do to its cases (reading them: agency/reads.py).

Every action completes the same READY user task, through the same `complete_task` service, as
the matching choice in Damrong's inbox (processes/agency_handling.bpmn): acknowledging completes
`agency_acknowledge`; progress, result, questions, declining, forwarding and inviting complete
`agency_handle` with the form's `action`. No side channel: the BPMN decides what happens next.
A forward may wait for the center's approval first (engine/cases/forwarding.py). A co-handling
agency only reports progress (403 for anything else); an agency the case has left gets 403.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import journal
from engine.access import redaction
from engine.access.checks import (
    check_agency_officer,
    check_can_see,
    check_co_handler_action,
    check_may_filter_for_agencies,
    check_not_left_agency,
)
from engine.access.rules import Actor
from engine.cases.files import (
    MAX_PIXELS,
    NotAnImage,
    TooManyPixels,
    reencode_image,
    store_attachment,
)
from engine.cases.intake import add_comment
from engine.cases.tasks import complete_task
from engine.clock import Clock
from engine.db import require_transaction
from engine.errors import CaseNotFound, NotWaiting, ValidationFailed
from engine.models import Case, CaseAttachment, CaseRedaction, Referral, Task
from engine.statuses import status_label
from engine.text import check_text
from engine.workflow import runner

MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 1024 * 1024
MAX_IMAGE_SIDE = 2048  # pixels; images are scaled down and re-encoded like the staff web's
# Checked by content, never by the name or type the sender claims.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


@dataclass(frozen=True)
class Action:
    """An agency action: the user task it completes and the form data it sends."""

    step: str
    form_action: str | None
    fields: tuple[str, ...]


ACTIONS: dict[str, Action] = {
    "acknowledge": Action("agency_acknowledge", None, ("note", "officer_name")),
    "progress": Action("agency_handle", "progress", ("progress_note",)),
    "result": Action("agency_handle", "result", ("result_text",)),
    "info_request": Action("agency_handle", "info_request", ("question",)),
    "decline": Action("agency_handle", "decline", ("reason",)),
    "forward": Action("agency_handle", "forward", ("agency", "reason")),
    "invite": Action("agency_handle", "invite", ("agency", "reason")),
}
CO_HANDLING_STATUSES = frozenset({"referred", "in_progress"})
STEP_ACTIONS = {
    "agency_acknowledge": ["acknowledge"],
    "agency_handle": [a for a, spec in ACTIONS.items() if spec.step == "agency_handle"],
}


def held_referral(session: Session, actor: Actor, case_id: int) -> Referral:
    """The actor's agency's active referral of the case; a case it does not hold is not found."""
    check_agency_officer(actor)
    referral = session.scalar(
        select(Referral).where(
            Referral.case_id == case_id,
            Referral.agency_id == actor.org_unit_id,
            Referral.active.is_(True),
        )
    )
    if referral is None:
        ended = session.scalar(
            select(Referral.id).where(
                Referral.case_id == case_id,
                Referral.agency_id == actor.org_unit_id,
                Referral.active.is_(False),
            )
        )
        # It held the case once: say why it may no longer act.
        check_not_left_agency(case_id, held_once=ended is not None)
        raise CaseNotFound(
            f"Case {case_id} is not referred to your agency.",
            f"ไม่พบเรื่องเลขที่ {case_id} ที่ส่งต่อถึงหน่วยงานของท่าน",
        )
    return referral


def _co_handling(case: Case) -> bool:
    return case.status in CO_HANDLING_STATUSES


def waiting_for(session: Session, actor: Actor, case_id: int) -> list[str]:
    """The agency actions the case is waiting for from this agency now."""
    roles = set(
        session.scalars(
            select(Referral.role).where(
                Referral.case_id == case_id,
                Referral.agency_id == actor.org_unit_id,
                Referral.active.is_(True),
            )
        )
    )
    if roles == {"co_handler"}:
        return ["progress"] if _co_handling(session.get(Case, case_id)) else []
    steps = session.scalars(
        select(Task.step).where(
            Task.case_id == case_id,
            Task.org_unit_id == actor.org_unit_id,
            Task.role == "agency_officer",
        )
    )
    return [action for step in steps for action in STEP_ACTIONS.get(step, [])]


def act(
    session: Session, clock: Clock, actor: Actor, case_id: int, action: str, body: dict
) -> Case:
    """Do one agency action on a case; 409 with the current stage if it is not awaited."""
    require_transaction(session)
    spec = ACTIONS.get(action)
    if spec is None:
        raise ValidationFailed.one("action", f"ไม่รู้จักการดำเนินการ «{action}»", f"Unknown «{action}».")
    files = check_attachments(body.get("attachments")) if action == "result" else []
    unknown = set(body) - set(spec.fields) - ({"attachments"} if action == "result" else set())
    if unknown:
        name = sorted(unknown)[0]
        raise ValidationFailed.one(name, f"ไม่รู้จักช่อง «{name}»", f"Unknown field «{name}».")
    case = runner.lock_case(session, case_id)
    referral = held_referral(session, actor, case_id)
    if referral.role == "co_handler":
        return _co_handler_progress(session, clock, actor, case, action, body)
    task = session.scalar(
        select(Task).where(
            Task.case_id == case_id,
            Task.step == spec.step,
            Task.org_unit_id == actor.org_unit_id,
            Task.role == "agency_officer",
        )
    )
    if task is None:
        raise not_waiting(session, actor, case, action)
    data = {k: body[k] for k in spec.fields if body.get(k) is not None}
    if spec.form_action:
        data["action"] = spec.form_action
    case = complete_task(session, clock, actor, task.id, data)
    for filename, content_type, content in files:
        store_attachment(session, case, actor, spec.step, filename, content_type, content, clock())
    return case


def _co_handler_progress(
    session: Session, clock: Clock, actor: Actor, case: Case, action: str, body: dict
) -> Case:
    """A co-handler reports progress to the lead and the center, and nothing else: the lead
    alone acknowledges, asks, declines, forwards, invites and reports the result."""
    check_co_handler_action(action)
    if not _co_handling(case):
        raise not_waiting(session, actor, case, action)
    text = check_text("progress_note", body.get("progress_note"), 5000)
    add_comment(session, clock, actor, case.id, text)
    return case


def not_waiting(session: Session, actor: Actor, case: Case, action: str) -> NotWaiting:
    """409: what the case is doing instead, and what it would accept from this agency."""
    awaited = waiting_for(session, actor, case.id)
    return NotWaiting(
        f"The case is not waiting for «{action}»; it is {status_label(case.status, 'en')}"
        f" (waiting for: {', '.join(awaited) or 'nothing from your agency'}).",
        f"เรื่องนี้ไม่ได้รอ «{action}» ขณะนี้สถานะคือ {status_label(case.status)}",
        status=case.status,
        waiting_for=awaited,
    )


def check_attachments(raw: object) -> list[tuple[str, str, bytes]]:
    """Decode and check attached files: at most 5, 1 MB each, PDF, PNG or JPEG by content."""
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > MAX_ATTACHMENTS:
        raise ValidationFailed.one(
            "attachments",
            f"แนบไฟล์ได้ไม่เกิน {MAX_ATTACHMENTS} ไฟล์ เป็นรายการ",
            f"Send at most {MAX_ATTACHMENTS} attachments as a list.",
        )
    return [_check_one(i, item) for i, item in enumerate(raw)]


def _check_one(index: int, item: object) -> tuple[str, str, bytes]:
    field = f"attachments/{index}"
    if not isinstance(item, dict) or not isinstance(item.get("content_base64"), str):
        raise ValidationFailed.one(
            field, "ไฟล์แนบต้องมี filename และ content_base64", "Give filename and content_base64."
        )
    name = item.get("filename")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise ValidationFailed.one(
            field + "/filename", "ชื่อไฟล์ยาว 1–200 ตัวอักษร", "A filename has 1-200 characters."
        )
    try:
        content = base64.b64decode(item["content_base64"], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationFailed.one(
            field, "เนื้อหาไฟล์ไม่ใช่ base64 ที่ถูกต้อง", "content_base64 is not valid base64."
        ) from exc
    if not content or len(content) > MAX_ATTACHMENT_BYTES:
        raise ValidationFailed.one(
            field,
            f"ไฟล์ต้องมีขนาด 1 ไบต์ ถึง {MAX_ATTACHMENT_BYTES // 1024} KB",
            f"A file must have 1 byte to {MAX_ATTACHMENT_BYTES // 1024} KB.",
        )
    content_type = next((t for sig, t in SIGNATURES if content.startswith(sig)), None)
    if content_type is None:
        raise ValidationFailed.one(
            field, "รับเฉพาะไฟล์ PDF, PNG หรือ JPEG", "Only PDF, PNG and JPEG files are accepted."
        )
    safe = _UNSAFE_NAME.sub("_", name.strip().rsplit("/", 1)[-1])
    if content_type.startswith("image/"):
        content_type, content = _reencoded(field, content)
    return safe, content_type, content


def _reencoded(field: str, content: bytes) -> tuple[str, bytes]:
    """An image decoded and re-encoded like every other upload (no metadata, no bombs)."""
    try:
        return reencode_image(content, MAX_IMAGE_SIDE, frozenset({"JPEG", "PNG"}))
    except TooManyPixels as exc:
        raise ValidationFailed.one(
            field,
            f"รูปภาพมีจำนวนพิกเซลมากเกินไป (ไม่เกิน {MAX_PIXELS:,} พิกเซล)",
            f"The image has too many pixels (at most {MAX_PIXELS:,}).",
        ) from exc
    except NotAnImage as exc:
        raise ValidationFailed.one(field, "รูปภาพนี้เปิดอ่านไม่ได้", "The image cannot be read.") from exc


def withhold_attachment(
    session: Session, clock: Clock, actor: Actor, case_id: int, attachment_id: int
) -> CaseAttachment:
    """A center officer keeps a file (one that shows who complained, say) from agencies."""
    require_transaction(session)
    check_may_filter_for_agencies(actor)
    case = runner.lock_case(session, case_id)
    check_can_see(session, actor, case_id)
    row = session.scalar(
        select(CaseAttachment).where(
            CaseAttachment.id == attachment_id, CaseAttachment.case_id == case_id
        )
    )
    if row is None:
        raise CaseNotFound("There is no such attachment.", "ไม่พบไฟล์แนบนี้")
    row.withheld = True
    now = clock()
    case.updated_at = now
    journal.record(session, case, actor, "attachment_withheld", now, detail={"id": row.id})
    session.flush()
    return row


def redactor_for(session: Session, case: Case) -> redaction.Redactor:
    """The identity filter for this case (see engine/access/redaction.py)."""
    return redaction.for_case(session, case)


def add_redaction(
    session: Session, clock: Clock, actor: Actor, case_id: int, term: str
) -> CaseRedaction:
    """A center officer removes a word or number from everything agencies receive."""
    require_transaction(session)
    check_may_filter_for_agencies(actor)
    case = runner.lock_case(session, case_id)
    check_can_see(session, actor, case_id)
    text = check_text("term", term, 200)
    if len(text) < 2:
        raise ValidationFailed.one(
            "term", "ข้อความที่ปกปิดต้องยาวอย่างน้อย 2 ตัวอักษร", "Redact 2 characters or more."
        )
    now = clock()
    row = CaseRedaction(case_id=case.id, term=text, created_by=actor.label, created_at=now)
    session.add(row)
    case.updated_at = now
    journal.record(session, case, actor, "redacted", now)  # the term itself is never logged
    session.flush()
    return row
