"""Deadlines of open tasks: policies by step and category on the government calendar.

Damrong owns every deadline: `tasks.due_at` and `tasks.at_risk_at` are computed here with the
injected clock, and the SLA state is derived from them in SQL so inboxes filter and sort by it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, case, select
from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.models import HolidayOverride, SlaPolicy, Task, WorkflowRole
from engine.sla.calendar import GovernmentCalendar, Override

CACHE_TTL_S = 30.0  # an administrator's edit reaches every process within this
SLA_STATES = ("on_track", "at_risk", "breached")
_cache: dict[str, tuple[float, object]] = {}


@dataclass(frozen=True)
class Deadline:
    """When a task is due, from when it counts as at risk, and when to remind."""

    due_at: datetime
    at_risk_at: datetime
    reminders: tuple[datetime, ...] = ()


def forget_cached() -> None:
    """Drop cached policies and calendar overrides (after an edit in this process)."""
    _cache.clear()


def _cached(key: str, load):  # type: ignore[no-untyped-def]
    hit = _cache.get(key)
    if hit is not None and time.monotonic() - hit[0] < CACHE_TTL_S:
        return hit[1]
    value = load()
    _cache[key] = (time.monotonic(), value)
    return value


def calendar(session: Session) -> GovernmentCalendar:
    """The government calendar with the administrators' overrides."""

    def load() -> GovernmentCalendar:
        rows = session.scalars(select(HolidayOverride)).all()
        return GovernmentCalendar(
            overrides={r.day: Override(r.day, r.working, r.name_th, r.name_en) for r in rows}
        )

    return _cached("calendar", load)


def policies(session: Session) -> dict[tuple[str | None, str, str | None], SlaPolicy]:
    """Active policies by (process, step, category); None applies to every process/category."""

    def load() -> dict[tuple[str | None, str, str | None], SlaPolicy]:
        rows = session.scalars(select(SlaPolicy).where(SlaPolicy.active.is_(True))).all()
        for row in rows:
            session.expunge(row)  # kept across sessions, read-only
        return {(r.process_id, r.step, r.category_code): r for r in rows}

    return _cached("policies", load)


def escalating_roles(session: Session) -> frozenset[str]:
    """The staff roles whose breached tasks escalate (the role table's `escalates`); the others'
    breaches are a notice to the supervisors only."""

    def load() -> frozenset[str]:
        rows = session.execute(
            select(WorkflowRole.user_role).where(
                WorkflowRole.escalates.is_(True), WorkflowRole.active.is_(True)
            )
        )
        return frozenset(r[0] for r in rows)

    return _cached("escalating_roles", load)


DEFAULT_STEP = "*"  # a process's policy for user tasks that have none of their own


def policy_for(
    session: Session,
    step: str,
    category: str,
    process_id: str | None = None,
    named: str | None = None,
) -> SlaPolicy | None:
    """The policy in force for a task: the one it names, else its element's, else the process's.

    Each is looked up for the process and category first, then more widely: the category's
    own policy wins over the one for every category, the process's over every process's."""
    found = policies(session)
    for key in [k for k in (named, step) if k] + [DEFAULT_STEP]:
        scopes = [(process_id, key), (None, key)] if key != DEFAULT_STEP else [(process_id, key)]
        for process, wanted in scopes:
            hit = found.get((process, wanted, category)) or found.get((process, wanted, None))
            if hit is not None:
                return hit
    return None


def deadline(
    session: Session,
    step: str,
    category: str,
    start: datetime,
    carry_over: int | None = None,
    process_id: str | None = None,
    named: str | None = None,
) -> Deadline | None:
    """The deadline of a task that opens at `start`, or None when no policy covers the step.

    `carry_over` is what was left when the clock paused: the resumed task gets those days.
    """
    policy = policy_for(session, step, category, process_id, named)
    if policy is None:
        return None
    if carry_over is not None and policy.unit == "working_days":
        due = calendar(session).add_working_days(start, carry_over)
    elif policy.unit == "working_days":
        due = calendar(session).add_working_days(start, policy.duration)
    elif policy.unit == "calendar_days":
        due = start + timedelta(days=policy.duration)
    else:
        due = start + timedelta(hours=policy.duration)
    return plan(session, policy, start, due)


def plan(session: Session, policy: SlaPolicy, start: datetime, due: datetime) -> Deadline:
    """Reminder points and the at-risk point of a task running from `start` to `due`.

    A working-day policy reminds at its share of the working days (half of 15 working days is
    the close of the 7th), not of calendar time, so a weekend or Songkran does not bring a
    reminder forward; shorter spans and other units use the share of elapsed time.
    """
    shares = sorted({p for p in (policy.reminders or []) if 0 < p < 100}) or [80]
    points: list[datetime] = []
    total = calendar(session).working_days_between(start, due)
    for share in shares:
        days = total * share // 100
        if policy.unit == "working_days" and days >= 1:
            point = calendar(session).add_working_days(start, days)
        else:
            point = start + (due - start) * share / 100
        if start < point < due and point not in points:
            points.append(point)
    points.sort()
    at_risk = points[-1] if points else start + (due - start) * 0.8
    return Deadline(due, at_risk, tuple(points))


def state_of(now: datetime) -> ColumnElement[str]:
    """The SLA state of a task row as SQL: on_track, at_risk, breached (or none)."""
    return case(
        (Task.due_at.is_(None), "none"),
        (Task.due_at <= now, "breached"),
        (Task.at_risk_at <= now, "at_risk"),
        else_="on_track",
    )


def state_now(due_at: datetime | None, at_risk_at: datetime | None, now: datetime) -> str:
    """The same rule in Python, for one row already loaded."""
    if due_at is None:
        return "none"
    if due_at <= now:
        return "breached"
    return "at_risk" if at_risk_at is not None and at_risk_at <= now else "on_track"


DEFAULT_POLICY_DURATION = "P30D"  # a named policy nobody has defined yet


def policy_duration_of(session: Session, name: str, now: datetime) -> str:
    """An ISO 8601 duration for a named SLA policy (for BPMN timers), from `now`.

    Designers write `policy_duration("reopen_window")` instead of a fixed "P30D"; an
    administrator's edit of the policy then reaches every timer set after it. Working days
    become the exact span to the deadline on the government calendar.
    """
    policy = policy_for(session, str(name), "")
    if policy is None:
        return DEFAULT_POLICY_DURATION
    if policy.unit == "calendar_days":
        return f"P{policy.duration}D"
    if policy.unit == "hours":
        return f"PT{policy.duration}H"
    due = calendar(session).add_working_days(now, policy.duration)
    return f"PT{max(int((due - now).total_seconds()), 1)}S"


def policy_duration_helper(session: Session, clock: Clock) -> Callable[[str], str]:
    """BPMN's `policy_duration(name)`: a named policy's duration from the step's time."""

    def policy_duration(name: str) -> str:
        return policy_duration_of(session, str(name), clock())

    return policy_duration
