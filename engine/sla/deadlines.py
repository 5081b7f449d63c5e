"""The deadline sweep: remind before a task is due, escalate when it is overdue, once each."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine import journal
from engine.access.rules import Actor
from engine.clock import Clock
from engine.models import Case, Task
from engine.sla import escalation, policies
from engine.workflow import materialize, runner

log = logging.getLogger(__name__)
SLA_CLOCK = Actor.system("sla-clock")


@dataclass(frozen=True)
class DeadlineSweep:
    """What one sweep did."""

    reminded: int
    breached: int
    failed: int


def sweep_deadlines(
    factory: sessionmaker[Session], clock: Clock, limit: int = 500
) -> DeadlineSweep:
    """Remind at the at-risk point and escalate at the deadline; each case its own transaction."""
    now = clock()
    with factory.begin() as session:
        to_remind = session.scalars(
            select(Task.id)
            .where(Task.next_reminder_at <= now, Task.due_at > now)
            .order_by(Task.next_reminder_at)
            .limit(limit)
        ).all()
        to_breach = session.scalars(
            select(Task.id).where(Task.breached_at.is_(None), Task.due_at <= now).limit(limit)
        ).all()
    counts = {"reminded": 0, "breached": 0, "failed": 0}
    for kind, ids, act in (("reminded", to_remind, _remind), ("breached", to_breach, _breach)):
        for task_id in ids:
            try:
                with factory.begin() as session:
                    counts[kind] += act(session, clock, task_id)
            except Exception:  # one bad case is logged and skipped, never stops the sweep
                counts["failed"] += 1
                log.exception("deadline of task %s failed", task_id)
    return DeadlineSweep(**counts)


def _locked_task(session: Session, task_id: int) -> Task | None:
    case_id = session.scalar(select(Task.case_id).where(Task.id == task_id))
    if case_id is None:
        return None
    runner.lock_case(session, case_id)
    return session.scalar(
        select(Task).where(Task.id == task_id).execution_options(populate_existing=True)
    )


def _remind(session: Session, clock: Clock, task_id: int) -> bool:
    task = _locked_task(session, task_id)
    now = clock()
    if task is None or task.next_reminder_at is None or task.next_reminder_at > now:
        return False  # done meanwhile, or another sweeper got there first
    later = [p for p in task.reminder_plan if datetime.fromisoformat(p) > now]
    task.reminder_plan = later
    task.next_reminder_at = datetime.fromisoformat(later[0]) if later else None
    case = runner.lock_case(session, task.case_id)
    send_reminder(session, case, task, SLA_CLOCK, now)
    return True


def send_reminder(
    session: Session, case: Case, task: Task, actor: Actor, now: datetime, reason: str = ""
) -> None:
    """Remind whoever holds the task (or its group) that it is coming due, or overdue."""
    task.reminded_at = now
    recipient = (
        f"user:{task.assignee_id}" if task.assignee_id else f"group:{task.org_unit_id}:{task.role}"
    )
    payload = {"case_id": case.id, "step": task.step, "due_at": task.due_at.isoformat()}
    if reason:
        payload["reason"] = reason
    journal.enqueue(session, case, "sla_reminder", recipient, now, payload)
    detail = {"to": recipient, "due_at": task.due_at.isoformat()}
    if reason:
        detail["reason"] = reason
    journal.record(session, case, actor, "sla_reminder", now, step=task.step, detail=detail)


def _breach(session: Session, clock: Clock, task_id: int) -> bool:
    task = _locked_task(session, task_id)
    if task is None or task.breached_at is not None:
        return False
    now = clock()
    task.breached_at = now
    task.breach_count += 1
    task.next_reminder_at, task.reminder_plan = None, []
    case = runner.lock_case(session, task.case_id)
    step = task.step
    journal.record(
        session,
        case,
        SLA_CLOCK,
        "sla_breached",
        now,
        step=step,
        detail={"due_at": task.due_at.isoformat(), "breach": task.breach_count},
    )
    # The ladder: a supervisor's own overdue task, or an agency's second breach, goes a level up.
    escalates = task.role in policies.escalating_roles(session)
    climbs = task.role == "supervisor" or (escalates and task.breach_count > 1)
    if climbs and escalation.raise_level(session, case, SLA_CLOCK, now, "second_breach"):
        runner.refresh(session, clock, SLA_CLOCK, case)  # re-home the task
    for recipient in _escalation_recipients(session, case, task):
        journal.enqueue(
            session, case, "sla_breached", recipient, now, {"case_id": case.id, "step": step}
        )

    if not escalates:
        return True  # the role table says its breach is a notice only (centers' own steps)

    # The diagram's supervision branch waits for this message at every breach; while the
    # supervisor's task is already open it does not, and the notice above is enough.
    runner.send_message(session, clock, SLA_CLOCK, case, "sla_breached")
    return True


def _escalation_recipients(session: Session, case: Case, task: Task) -> list[str]:
    """The supervisors at the case's escalation level."""
    return [f"group:{materialize.escalation_unit_id(session, case)}:supervisor"]
