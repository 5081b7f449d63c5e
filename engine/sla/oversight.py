"""The supervisor's console: late, at-risk and escalated work in their area, for follow-up."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from engine.access.checks import check_may_see_overdue
from engine.access.rules import Actor, task_oversight
from engine.models import Case, OrgUnit, Task, User
from engine.sla import policies

KINDS = ("breached", "at_risk", "escalated")  # what the console filters by
ORDERS = ("unit", "late")  # grouped by holding unit and step, or one list most late first


@dataclass(frozen=True)
class OverdueItem:
    """One late, at-risk or escalated open task with its case, the unit that holds it and the
    official who claimed it (None while it waits in the unit's queue)."""

    task: Task
    case: Case
    unit: OrgUnit
    holder: User | None = None


@dataclass
class Summary:
    """What the console's filters offer: counts by kind, and the steps and units present."""

    counts: Counter = field(default_factory=Counter)
    steps: dict[str, tuple[str, str]] = field(default_factory=dict)
    units: dict[str, tuple[str, str]] = field(default_factory=dict)


def _followed_up(now: datetime) -> ColumnElement[bool]:
    return or_(Task.due_at <= now, Task.at_risk_at <= now, Case.escalation_level > 0)


def _of_kind(kind: str, now: datetime) -> ColumnElement[bool]:
    if kind == "breached":
        return Task.due_at <= now
    if kind == "at_risk":
        return and_(Task.due_at > now, Task.at_risk_at <= now)
    return Case.escalation_level > 0


def overdue_work(
    session: Session,
    actor: Actor,
    now: datetime,
    limit: int = 500,
    *,
    kind: str | None = None,
    step: str | None = None,
    unit: str | None = None,
    order: str = "unit",
) -> tuple[list[OverdueItem], bool]:
    """Open tasks past their deadline or at risk, or on escalated cases, in the supervisor's
    area; by holding unit and step, or most late first. The flag says whether `limit` cut the
    list short."""
    check_may_see_overdue(actor)
    query = (
        select(Task, Case, OrgUnit, User)
        .join(Case, Case.id == Task.case_id)
        .join(OrgUnit, OrgUnit.id == Task.org_unit_id)
        .outerjoin(User, User.id == Task.assignee_id)
        .where(task_oversight(actor), _followed_up(now))
    )
    if kind in KINDS:
        query = query.where(_of_kind(kind, now))
    if step:
        query = query.where(Task.step == step)
    if unit:
        query = query.where(OrgUnit.code == unit)
    if order == "late":
        query = query.order_by(Task.due_at.is_(None), Task.due_at, Case.escalation_level.desc())
    else:
        query = query.order_by(
            OrgUnit.kind, OrgUnit.name_th, OrgUnit.id, Task.step, Task.due_at.is_(None), Task.due_at
        )
    rows = [OverdueItem(t, c, u, h) for t, c, u, h in session.execute(query.limit(limit + 1))]
    return rows[:limit], len(rows) > limit


def summary(session: Session, actor: Actor, now: datetime) -> Summary:
    """Counts by kind and the steps and units of all the supervisor's followed-up work."""
    check_may_see_overdue(actor)
    rows = (
        select(
            Task.step,
            Task.name_th.label("step_th"),
            Task.name_en.label("step_en"),
            OrgUnit.code,
            OrgUnit.name_th.label("unit_th"),
            OrgUnit.name_en.label("unit_en"),
            policies.state_of(now).label("sla"),
            (Case.escalation_level > 0).label("escalated"),
        )
        .join(Case, Case.id == Task.case_id)
        .join(OrgUnit, OrgUnit.id == Task.org_unit_id)
        .where(task_oversight(actor), _followed_up(now))
        .subquery()
    )
    columns = list(rows.c)
    found = Summary()
    for *key, count in session.execute(select(*columns, func.count()).group_by(*columns)):
        step, step_th, step_en, code, unit_th, unit_en, sla, escalated = key
        found.steps[step] = (step_th, step_en)
        found.units[code] = (unit_th, unit_en)
        if sla in ("breached", "at_risk"):
            found.counts[sla] += count
        if escalated:
            found.counts["escalated"] += count
    return found
