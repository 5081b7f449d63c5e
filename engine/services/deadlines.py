"""The deadline sweep: remind before a task is due, escalate when it is overdue, once each."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass

from SpiffWorkflow.exceptions import WorkflowException
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine import journal, runner, workflow
from engine.access import Actor
from engine.clock import Clock
from engine.models import OrgUnit, Task

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
            .where(Task.reminded_at.is_(None), Task.at_risk_at <= now, Task.due_at > now)
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
    if task is None or task.reminded_at is not None:
        return False  # done meanwhile, or another sweeper got there first
    now = clock()
    task.reminded_at = now
    recipient = (
        f"user:{task.assignee_id}" if task.assignee_id else f"group:{task.org_unit_id}:{task.role}"
    )
    case = runner.lock_case(session, task.case_id)
    payload = {"case_id": case.id, "step": task.step, "due_at": task.due_at.isoformat()}
    journal.enqueue(session, case, "sla_reminder", recipient, now, payload)
    journal.record(session, case, SLA_CLOCK, "sla_reminder", now, step=task.step)
    return True


def _breach(session: Session, clock: Clock, task_id: int) -> bool:
    task = _locked_task(session, task_id)
    if task is None or task.breached_at is not None:
        return False
    now = clock()
    task.breached_at = now
    case = runner.lock_case(session, task.case_id)
    step = task.step
    journal.record(
        session,
        case,
        SLA_CLOCK,
        "sla_breached",
        now,
        step=step,
        detail={"due_at": task.due_at.isoformat()},
    )
    for recipient in _escalation_recipients(session, case, task):
        journal.enqueue(
            session, case, "sla_breached", recipient, now, {"case_id": case.id, "step": step}
        )

    if task.role != "agency_officer":
        return True  # centers' own steps have no escalation path in the diagram: the notice is it

    def escalate(wf) -> None:  # type: ignore[no-untyped-def]
        # The agency's steps wait for this message; it opens the supervisor's task beside them.
        with contextlib.suppress(WorkflowException):
            wf.send_event(workflow.message_event("sla_breached"))

    runner.advance(session, clock, SLA_CLOCK, case, escalate)
    return True


def _escalation_recipients(session: Session, case, task: Task) -> list[str]:  # type: ignore[no-untyped-def]
    """The owning center's supervisors; a supervisor's own overdue task goes a level up."""
    center = session.get(OrgUnit, case.center_id)
    if task.role != "supervisor":
        return [f"group:{center.id}:supervisor"]
    parent = center.parent_id or center.id
    return [f"group:{parent}:supervisor"]
