"""Deadlines of open tasks: policies by step and category on the government calendar.

Damrong owns every deadline: `tasks.due_at` and `tasks.at_risk_at` are computed here with the
injected clock, and the SLA state is derived from them in SQL so inboxes filter and sort by it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, case, select
from sqlalchemy.orm import Session

from engine.models import HolidayOverride, SlaPolicy, Task
from engine.workdays import GovernmentCalendar, Override

CACHE_TTL_S = 30.0  # an administrator's edit reaches every process within this
SLA_STATES = ("on_track", "at_risk", "breached")
_cache: dict[str, tuple[float, object]] = {}


@dataclass(frozen=True)
class Deadline:
    """When a task is due, and from when it counts as at risk."""

    due_at: datetime
    at_risk_at: datetime


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


def policies(session: Session) -> dict[tuple[str, str | None], SlaPolicy]:
    """Active policies by (step, category); category None applies to every category."""

    def load() -> dict[tuple[str, str | None], SlaPolicy]:
        rows = session.scalars(select(SlaPolicy).where(SlaPolicy.active.is_(True))).all()
        for row in rows:
            session.expunge(row)  # kept across sessions, read-only
        return {(r.step, r.category_code): r for r in rows}

    return _cached("policies", load)


def deadline(
    session: Session, step: str, category: str, start: datetime, carry_over: int | None = None
) -> Deadline | None:
    """The deadline of a task that opens at `start`, or None when no policy covers the step.

    `carry_over` is what was left when the clock paused: the resumed task gets those days.
    """
    found = policies(session)
    policy = found.get((step, category)) or found.get((step, None))
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
    share = max(policy.reminders or [80]) / 100
    return Deadline(due, start + (due - start) * share)


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
