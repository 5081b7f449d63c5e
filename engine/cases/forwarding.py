"""Forwards that wait for the center's approval (ส่งต่อเรื่องโดยศูนย์อนุมัติ).

A center that sets `OrgUnit.forward_needs_approval` (in the administration; on the central
center it holds everywhere, on a provincial center for its districts too) approves every
forward of its cases. Then an agency's forward — from its own system or from Damrong's inbox,
both complete `agency_handle` with action `forward` — does not complete the task: it leaves a
pending `ForwardRequest` and the agency keeps the case and its task. A center officer approves
it, and only then is the same task completed with the same form data on the agency's behalf, so
the BPMN's `forward_referral` element and the one `refer` service move the lead; or rejects it,
and the agency carries on. Without the setting a forward happens at once, as before.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import journal
from engine.access.checks import check_can_see, check_may_decide_forwards
from engine.access.rules import Actor, case_visibility
from engine.cases.referrals import find_agency
from engine.cases.tasks import complete_task
from engine.clock import Clock
from engine.db import require_transaction
from engine.errors import Conflict, NotFound, ValidationFailed
from engine.holders import lead_agency_id
from engine.models import Case, ForwardRequest, OrgUnit, Task
from engine.text import check_text
from engine.workflow import runner

FORWARD_STEP = "agency_handle"
FORWARD_FORM = "agency_handle"  # the agency's form, whose forward may wait for approval
_APPROVED = "damrong_forward_approved"  # session.info: the task an approval is completing


def needs_approval(session: Session, case: Case) -> bool:
    """Whether the case's center, or a center above it, approves forwards."""
    unit: OrgUnit | None = case.center
    seen: set[int] = set()
    while unit is not None and unit.id not in seen:
        if unit.forward_needs_approval:
            return True
        seen.add(unit.id)
        unit = session.get(OrgUnit, unit.parent_id) if unit.parent_id else None
    return False


def pending(session: Session, case_id: int) -> list[ForwardRequest]:
    """The case's forward requests still waiting for the center, oldest first."""
    return list(
        session.scalars(
            select(ForwardRequest)
            .where(ForwardRequest.case_id == case_id, ForwardRequest.status == "pending")
            .order_by(ForwardRequest.id)
        )
    )


def pending_in_scope(session: Session, actor: Actor, limit: int = 100) -> list[ForwardRequest]:
    """The forwards waiting for a decision on the cases this center officer sees, oldest first."""
    check_may_decide_forwards(actor)
    return list(
        session.scalars(
            select(ForwardRequest)
            .join(Case, Case.id == ForwardRequest.case_id)
            .where(ForwardRequest.status == "pending", case_visibility(actor))
            .order_by(ForwardRequest.id)
            .limit(limit)
        )
    )


def requests_of(session: Session, case_id: int) -> list[ForwardRequest]:
    """Every forward request of a case, newest first."""
    return list(
        session.scalars(
            select(ForwardRequest)
            .where(ForwardRequest.case_id == case_id)
            .order_by(ForwardRequest.id.desc())
        )
    )


def hold_for_approval(
    session: Session, clock: Clock, actor: Actor, case: Case, task: Task, data: dict
) -> bool:
    """The agency form's hook: True when the forward waits for the center (the task stays)."""
    return hold(session, clock, actor, case, task, data) is not None


def hold(
    session: Session, clock: Clock, actor: Actor, case: Case, task: Task, data: dict
) -> ForwardRequest | None:
    """Called as a task is completed: keep a forward for the center's approval when needed.

    Returns the pending request (the task stays open), or None to complete the task now."""
    if task.step != FORWARD_STEP or data.get("action") != "forward":
        return None
    target = find_agency(session, str(data.get("agency") or ""))
    if target.id == task.org_unit_id:
        raise ValidationFailed.one(
            "agency",
            "ส่งต่อให้หน่วยงานของตนเองไม่ได้ กรุณาเลือกหน่วยงานอื่น",
            "A case cannot be forwarded to the agency that holds it.",
        )
    if session.info.get(_APPROVED) == task.id:
        session.info.pop(_APPROVED)
        return None
    if not needs_approval(session, case):
        return None
    if pending(session, case.id):
        raise Conflict(
            "A forward of this case is already waiting for the center's approval.",
            "มีคำขอส่งต่อเรื่องนี้รอศูนย์อนุมัติอยู่แล้ว",
            status=case.status,
        )
    now = clock()
    request = ForwardRequest(
        case_id=case.id,
        from_agency_id=task.org_unit_id,
        to_agency_id=target.id,
        reason=check_text("reason", data.get("reason") or "-", 5000),
        status="pending",
        requested_by=actor.label,
        requested_by_id=actor.user_id,
        requested_at=now,
    )
    session.add(request)
    session.flush()
    case.updated_at = now
    _record(session, case, actor, "forward_requested", request, target, now)
    journal.enqueue(  # the center's screeners and supervisors decide it (one message each)
        session,
        case,
        "forward_requested",
        f"group:{case.center_id}:screener,supervisor",
        now,
        {"case_id": case.id, "forward_request_id": request.id, "agency": target.code},
    )
    return request


def decide(
    session: Session,
    clock: Clock,
    actor: Actor,
    case_id: int,
    request_id: int,
    approve: bool,
    note: str | None = None,
) -> ForwardRequest:
    """A center officer approves (the lead moves now) or rejects an agency's forward.

    A request whose agency no longer waits to forward (it reported the result meanwhile, or a
    supervisor reassigned the case) lapses instead: nothing moves."""
    require_transaction(session)
    check_may_decide_forwards(actor)
    case = runner.lock_case(session, case_id)
    check_can_see(session, actor, case_id)
    request = session.scalar(
        select(ForwardRequest).where(
            ForwardRequest.id == request_id, ForwardRequest.case_id == case_id
        )
    )
    if request is None:
        raise NotFound("There is no such forward request.", "ไม่พบคำขอส่งต่อนี้")
    if request.status != "pending":
        raise Conflict(
            f"The forward request was already {request.status}.",
            "คำขอส่งต่อนี้ได้รับการพิจารณาไปแล้ว",
            status=case.status,
        )
    now = clock()
    request.decided_by, request.decided_at = actor.label, now
    request.decision_note = check_text("note", note, 2000, required=False) or None
    target = session.get(OrgUnit, request.to_agency_id)
    task = _forward_task(session, case, request)
    request.status = ("approved" if task else "lapsed") if approve else "rejected"
    case.updated_at = now
    _record(session, case, actor, f"forward_{request.status}", request, target, now)
    if request.status == "approved":
        session.info[_APPROVED] = task.id
        data = {"action": "forward", "agency": target.code, "reason": request.reason}
        complete_task(session, clock, _on_behalf_of_agency(task, request), task.id, data)
    session.flush()
    return request


def _forward_task(session: Session, case: Case, request: ForwardRequest) -> Task | None:
    """The requesting agency's open handling task, if it still leads the case."""
    if lead_agency_id(session, case.id) != request.from_agency_id:
        return None
    return session.scalar(
        select(Task).where(
            Task.case_id == case.id,
            Task.step == FORWARD_STEP,
            Task.org_unit_id == request.from_agency_id,
            Task.role == "agency_officer",
        )
    )


def _on_behalf_of_agency(task: Task, request: ForwardRequest) -> Actor:
    """The agency whose decision the approval carries out: its officer holding the task (or
    the one who asked), so the timeline shows the forward as the agency's own act."""
    return Actor(
        kind="staff",
        label=request.requested_by,
        user_id=task.assignee_id or request.requested_by_id,
        roles=frozenset({"agency_officer"}),
        org_unit_id=task.org_unit_id,
        org_unit_kind="agency",
    )


def _record(session, case, actor, action, request, target, now) -> None:  # type: ignore[no-untyped-def]
    journal.record(
        session,
        case,
        actor,
        action,
        now,
        step=FORWARD_STEP,
        detail={
            "agency": target.code,
            "agency_name_th": target.name_th,
            "forward_request_id": request.id,
        },
    )


def request_json(session: Session, request: ForwardRequest) -> dict:
    """A forward request for the API and the staff web."""
    codes = dict(
        session.execute(
            select(OrgUnit.id, OrgUnit.code).where(
                OrgUnit.id.in_([request.from_agency_id, request.to_agency_id])
            )
        ).all()
    )
    return {
        "id": request.id,
        "case_id": request.case_id,
        "from_agency": codes[request.from_agency_id],
        "to_agency": codes[request.to_agency_id],
        "reason": request.reason,
        "status": request.status,
        "requested_by": request.requested_by,
        "requested_at": request.requested_at.isoformat(),
        "decided_by": request.decided_by,
        "decided_at": request.decided_at.isoformat() if request.decided_at else None,
        "decision_note": request.decision_note,
    }
