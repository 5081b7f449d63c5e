"""Events from outside the workflow: citizen actions, agency systems, the SLA clock."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine import journal
from engine.access.checks import check_can_see, check_may_send
from engine.access.rules import MESSAGE_SENDERS, Actor
from engine.clock import Clock
from engine.db import require_transaction
from engine.errors import NotWaiting, ValidationFailed
from engine.models import Case, CaseNote
from engine.statuses import FINAL_STATUSES, status_label
from engine.text import check_text
from engine.workflow import runner

TEXT_LIMIT = 5000


def send_message(
    session: Session,
    clock: Clock,
    actor: Actor,
    case_id: int,
    name: str,
    text: str | None = None,
) -> Case:
    """Deliver a named message to a case's workflow; 409 if the case is not waiting for it."""
    require_transaction(session)
    if name not in MESSAGE_SENDERS:
        raise ValidationFailed.one("message", f"ไม่รู้จักข้อความ «{name}»", f"Unknown message «{name}».")
    check_may_send(actor, name)
    text = check_text("text", text, TEXT_LIMIT, required=False)
    case = runner.lock_case(session, case_id)
    check_can_see(session, actor, case_id)
    now = clock()
    if case.status in FINAL_STATUSES:
        raise _not_waiting(name, case.status)

    if text:
        session.add(
            CaseNote(
                case_id=case.id,
                kind=name,
                body=text,
                public=False,
                author_id=actor.user_id,
                author_label=actor.label,
                org_unit_id=actor.org_unit_id,
                created_at=now,
            )
        )
    if name == "reopen":
        case.reopen_count += 1
    journal.record(session, case, actor, f"message:{name}", now, public=actor.kind == "citizen")
    runner.send_message(
        session, clock, actor, case, name, not_waiting=_not_waiting(name, case.status)
    )
    return case


def _not_waiting(name: str, status: str) -> NotWaiting:
    return NotWaiting(
        f"The case is not waiting for «{name}»; it is {status_label(status, 'en')}.",
        f"เรื่องนี้ไม่ได้รอ «{name}» ขณะนี้สถานะคือ {status_label(status)}",
        status=status,
    )
