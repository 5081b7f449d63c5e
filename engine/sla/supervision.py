"""Supervisor actions on an overdue case: remind, extend, escalate, reassign, close.

Each is one service, usable from the supervisor's task in the diagram (`supervise`) or directly
on a case through the API. Remind, extend and escalate change Damrong's own rows (and, for
escalate, bring the next level's supervisors in through the diagram); reassign and close as
unresolvable change the process, so they go through the supervisor's task when one is open.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access.checks import check_can_see, check_is_supervisor_in_charge
from engine.access.rules import Actor
from engine.cases.tasks import complete_task
from engine.clock import Clock
from engine.db import require_transaction
from engine.errors import Conflict, NotWaiting, PermissionDenied, ValidationFailed
from engine.formcheck import check_form
from engine.models import Case, OrgUnit, Task
from engine.sla import escalation
from engine.sla.deadlines import send_reminder
from engine.statuses import FINAL_STATUSES, status_label
from engine.text import check_text
from engine.workflow import runner

FORM = "supervise"  # the supervisor's task form; completing it applies the action
ACTIONS = ("remind", "extend", "escalate", "reassign", "close_unresolvable")
MAX_EXTENSION_DAYS = 60


def check_can_supervise(session: Session, actor: Actor, case: Case) -> None:
    """Supervisors of the case's escalation level, or of any level above it, may act."""
    check_can_see(session, actor, case.id)
    units = escalation.ladder(session, case)
    allowed = {u.id for u in units[case.escalation_level :]}
    check_is_supervisor_in_charge(actor, allowed)


def may_supervise(session: Session, actor: Actor, case: Case) -> bool:
    """Whether the actor could act on the case now (for showing the supervise links)."""
    if case.status in FINAL_STATUSES:
        return False
    try:
        check_can_supervise(session, actor, case)
    except PermissionDenied:
        return False
    return True


def supervisable(session: Session, actor: Actor, case_ids: set[int]) -> set[int]:
    """The cases among `case_ids` the actor could act on now (for a list's links)."""
    if actor.kind != "staff" or not actor.has("supervisor") or not case_ids:
        return set()  # saves the look-ups: check_can_supervise would refuse each one
    found = session.scalars(select(Case).where(Case.id.in_(case_ids))).all()
    return {case.id for case in found if may_supervise(session, actor, case)}


def in_charge(session: Session, case: Case) -> OrgUnit:
    """The center whose supervisors the case is with at its escalation level."""
    units = escalation.ladder(session, case)
    return units[min(case.escalation_level, len(units) - 1)]


def supervise(session: Session, clock: Clock, actor: Actor, case_id: int, data: dict) -> Case:
    """Apply a supervisor's action to a case; the supervisor's open task is completed with it."""
    require_transaction(session)
    action = data.get("supervisor_action") if isinstance(data, dict) else None
    if action not in ACTIONS:
        raise ValidationFailed.one(
            "supervisor_action",
            "คำสั่งต้องเป็น เตือน ขยายเวลา ยกระดับ มอบหมายใหม่ หรือยุติเรื่อง",
            "The action must be remind, extend, escalate, reassign or close_unresolvable.",
        )
    case = runner.lock_case(session, case_id)
    check_can_supervise(session, actor, case)
    if case.status in FINAL_STATUSES:
        raise Conflict(
            f"The case is {status_label(case.status, 'en')}: nothing to supervise.",
            f"เรื่องนี้{status_label(case.status, 'th')}แล้ว ไม่มีสิ่งที่ต้องกำกับติดตาม",
        )
    task = _open_supervise_task(session, case)
    if task is not None:
        # The diagram's own path: the form is validated and the effects follow from it.
        if task.org_unit_id != actor.org_unit_id:
            task.org_unit_id = actor.org_unit_id  # a higher level takes the task over
        return complete_task(session, clock, actor, task.id, data)
    if action in ("reassign", "close_unresolvable"):
        raise NotWaiting(
            "Reassigning and closing as unresolvable are done from the supervisor's task, which "
            "opens when the case is overdue.",
            "การมอบหมายใหม่และการยุติเรื่องทำได้จากงานของหัวหน้างาน ซึ่งเปิดเมื่อเรื่องเกินกำหนด",
        )
    check_form("supervise", data)
    apply(session, clock, actor, case, data)
    return case


def apply(session: Session, clock: Clock, actor: Actor, case: Case, data: dict) -> None:
    """The effects of remind, extend and escalate (the diagram handles the other two)."""
    action = data.get("supervisor_action")
    reason = check_text("reason", data.get("reason"), 5000, required=False) or ""
    now = clock()
    if action == "remind":
        work = escalation.overdue_work(session, case)
        if not work:
            raise Conflict(
                "No open task of this case has a deadline to remind anyone of.",
                "เรื่องนี้ไม่มีงานที่มีกำหนดเวลาให้เตือน",
            )
        for task in work:
            send_reminder(session, case, task, actor, now, reason)
    elif action == "extend":
        days = data.get("extend_days")
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 60:
            raise ValidationFailed.one(
                "extend_days",
                f"จำนวนวันทำการที่ขยายต้องอยู่ระหว่าง 1 ถึง {MAX_EXTENSION_DAYS}",
                f"Extend by 1 to {MAX_EXTENSION_DAYS} working days.",
            )
        if not reason:
            raise ValidationFailed.one(
                "reason", "ต้องระบุเหตุผลของการขยายเวลา", "Give the reason for the extension."
            )
        if not escalation.extend(session, case, actor, now, days, reason):
            raise Conflict(
                "No open task of this case has a deadline to extend.",
                "เรื่องนี้ไม่มีงานที่มีกำหนดเวลาให้ขยาย",
            )
    elif action == "escalate":
        if not reason:
            raise ValidationFailed.one(
                "reason", "ต้องระบุเหตุผลของการยกระดับ", "Give the reason for escalating."
            )
        if not escalation.raise_level(session, case, actor, now, reason):
            raise Conflict(
                "The case is already with the central center's supervisors.",
                "เรื่องนี้อยู่ในความดูแลของหัวหน้างานส่วนกลางแล้ว ยกระดับต่อไม่ได้",
            )

        # The supervision branch waits again after every action: the next level's supervisors
        # get their own task at once instead of at the next breach. Not referred to an agency:
        # the escalation notice is what they get.
        runner.send_message(session, clock, actor, case, "sla_breached")
    session.flush()


def _open_supervise_task(session: Session, case: Case) -> Task | None:
    return session.scalar(
        select(Task).where(Task.case_id == case.id, Task.role == "supervisor").order_by(Task.id)
    )
