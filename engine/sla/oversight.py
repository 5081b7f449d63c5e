"""The supervisor's console: overdue and escalated work in their area, grouped for follow-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.access.checks import check_may_see_overdue
from engine.access.rules import Actor, task_oversight
from engine.models import Case, OrgUnit, Task


@dataclass(frozen=True)
class OverdueItem:
    """One late (or escalated) open task with its case and the unit that holds it."""

    task: Task
    case: Case
    unit: OrgUnit


def overdue_work(
    session: Session, actor: Actor, now: datetime, limit: int = 500
) -> tuple[list[OverdueItem], bool]:
    """Open tasks past their deadline, or on escalated cases, in the supervisor's area; sorted
    by holding unit, step and deadline. The flag says whether `limit` cut the list short."""
    check_may_see_overdue(actor)
    query = (
        select(Task, Case, OrgUnit)
        .join(Case, Case.id == Task.case_id)
        .join(OrgUnit, OrgUnit.id == Task.org_unit_id)
        .where(task_oversight(actor), or_(Task.due_at <= now, Case.escalation_level > 0))
        .order_by(OrgUnit.kind, OrgUnit.name_th, Task.step, Task.due_at, Task.id)
        .limit(limit + 1)
    )
    rows = [OverdueItem(t, c, u) for t, c, u in session.execute(query)]
    return rows[:limit], len(rows) > limit
