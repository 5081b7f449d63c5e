"""The SLA side of a task's life: a deadline when it opens, met or missed when it closes, and the
clock stopped while the complainant is asked for more information.

The workflow calls these through its hooks (engine/workflow/hooks.py, wired in damrong/wiring.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from engine import journal
from engine.access.rules import Actor
from engine.models import Case, SlaRecord, Task
from engine.sla import policies
from engine.statuses import FINAL_STATUSES, STATUSES


def give_deadline(session: Session, case: Case, row: Task, now: datetime) -> None:
    """A new task's deadline by its step and the case's category, with days carried over from a
    pause (used once, by the main path's next task: a supervisor's task has its own clock)."""
    due = policies.deadline(
        session,
        row.step,
        case.category_code,
        now,
        carry_over=case.sla_remaining_days,
        process_id=row.process_id,
        named=row.sla_policy,
    )
    if row.role != "supervisor":
        case.sla_remaining_days = None
    set_deadline(row, due, now)


def set_deadline(row: Task, due: policies.Deadline | None, now: datetime) -> None:
    """Give a task row its due time, at-risk point and the reminders still to come."""
    row.due_at = due.due_at if due else None
    row.at_risk_at = due.at_risk_at if due else None
    upcoming = [p for p in due.reminders if p > now] if due else []
    row.reminder_plan = [p.isoformat() for p in upcoming]
    row.next_reminder_at = upcoming[0] if upcoming else None


def record_outcome(session: Session, case: Case, row: Task, now: datetime) -> None:
    """Keep whether a finished task met its deadline (the compliance figures count these)."""
    if row.due_at is None:
        return
    session.add(
        SlaRecord(
            case_id=case.id,
            step=row.step,
            role=row.role,
            org_unit_id=row.org_unit_id,
            center_id=case.center_id,
            category_code=row.category_code,
            area_code=row.area_code,
            due_at=row.due_at,
            finished_at=now,
            met=row.breach_count == 0 and now <= row.due_at,
            breach_count=row.breach_count,
        )
    )


def pause_or_resume(session: Session, actor: Actor, case: Case, before: str, now: datetime) -> None:
    """Stop the SLA clock while the complainant is asked for information; resume what was left."""
    if STATUSES[case.status].clock_runs == STATUSES[before].clock_runs or case.status in (
        FINAL_STATUSES | {"resolved"}
    ):
        return
    if not STATUSES[case.status].clock_runs and case.due_at is not None:
        remaining = max(policies.calendar(session).working_days_between(now, case.due_at), 0)
        case.sla_paused_at, case.sla_remaining_days = now, remaining
        journal.record(session, case, actor, "sla_paused", now, detail={"remaining": remaining})
    elif STATUSES[case.status].clock_runs and case.sla_paused_at is not None:
        journal.record(
            session,
            case,
            actor,
            "sla_resumed",
            now,
            detail={
                "remaining": case.sla_remaining_days,
                "paused_at": case.sla_paused_at.isoformat(),
            },
        )
        case.sla_paused_at = None  # sync gives the next task the remaining days, then clears them
