"""The escalation ladder and the deadline changes supervisors make, in the caller's transaction.

A case's supervisors are those of its own center (level 0), then of the province's center
(level 1), then of the central center (level 2): the parents of the owning center. The level
rises when a supervisor escalates, when a supervisor's own task runs over, and at an agency's
second breach. An extension moves Damrong's own deadline rows; the workflow only ever hears of
a breach through the message the deadline sweep sends, so the two cannot disagree.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import journal
from engine.access.rules import Actor
from engine.models import Case, OrgUnit, Task
from engine.sla import lifecycle, policies


def ladder(session: Session, case: Case) -> list[OrgUnit]:
    """The owning center and its parents, bottom up: the units of each escalation level."""
    units = [session.get(OrgUnit, case.center_id)]
    while units[-1].parent_id is not None and len(units) < 8:
        units.append(session.get(OrgUnit, units[-1].parent_id))
    return units


def raise_level(session: Session, case: Case, actor: Actor, now: datetime, reason: str) -> bool:
    """Move the case a level up the ladder; False when it is already at the top."""
    units = ladder(session, case)
    if case.escalation_level + 1 >= len(units):
        return False
    before = units[case.escalation_level]
    case.escalation_level += 1
    after = units[case.escalation_level]
    journal.record(
        session,
        case,
        actor,
        "sla_escalated",
        now,
        detail={
            "level": case.escalation_level,
            "from": before.code,
            "to": after.code,
            "reason": reason,
        },
    )
    journal.enqueue(
        session,
        case,
        "escalation",
        f"group:{after.id}:supervisor",
        now,
        {"case_id": case.id, "level": case.escalation_level, "from": before.code},
    )
    return True


def overdue_work(session: Session, case: Case) -> list[Task]:
    """The case's open tasks on the main path that carry a deadline (not the supervisor's)."""
    return list(
        session.scalars(
            select(Task)
            .where(Task.case_id == case.id, Task.role != "supervisor", Task.due_at.is_not(None))
            .order_by(Task.id)
        )
    )


def extend(
    session: Session, case: Case, actor: Actor, now: datetime, days: int, reason: str
) -> list[Task]:
    """Give the open tasks `days` more working days, counted from their deadline (or from now
    when it has already passed); the breach then fires at the new time, not the old."""
    tasks = overdue_work(session, case)
    cal = policies.calendar(session)
    for task in tasks:
        old_due = task.due_at
        new_due = cal.add_working_days(max(old_due, now), days)
        policy = policies.policy_for(
            session, task.step, task.category_code, task.process_id, task.sla_policy
        )
        if policy is not None:
            lifecycle.set_deadline(task, policies.plan(session, policy, now, new_due), now)
        else:
            task.due_at, task.at_risk_at = new_due, new_due
            task.reminder_plan, task.next_reminder_at = [], None
        task.breached_at = None  # the sweep breaches it again if the new deadline passes too
        journal.record(
            session,
            case,
            actor,
            "sla_extended",
            now,
            step=task.step,
            detail={
                "days": days,
                "from": old_due.isoformat(),
                "to": new_due.isoformat(),
                "reason": reason,
            },
        )
        journal.enqueue(
            session,
            case,
            "deadline_extended",
            f"group:{task.org_unit_id}:{task.role}",
            now,
            {"case_id": case.id, "step": task.step, "due_at": new_due.isoformat()},
        )
    main = [t for t in tasks if t.due_at is not None]
    case.due_at = min((t.due_at for t in main), default=case.due_at)
    case.at_risk_at = min((t.at_risk_at for t in main if t.at_risk_at), default=case.at_risk_at)
    return tasks
