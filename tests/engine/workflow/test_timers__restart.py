"""Timers live in the database: a scheduler that was down fires them late but fires them, and a
timer whose case was closed meanwhile does nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from damrong.wiring import make_sessionmaker
from engine.models import AuditEvent, Case, Timer
from engine.workflow.timers import fire_due_timers
from tests.engine.helpers import complete, open_case, status_of

MONDAY_10 = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def _resolved(factory, clock, staff) -> int:  # type: ignore[no-untyped-def]
    clock.set(MONDAY_10)
    case_id, *_ = open_case(factory, clock, staff["intake"])
    complete(
        factory,
        clock,
        staff["screener"],
        case_id,
        "screen",
        {"decision": "resolve", "reason": "ok"},
    )
    return case_id


def test_a_scheduler_down_for_days_fires_the_missed_timer_when_it_comes_back(
    db_engine, factory, clock, staff
):
    case_id = _resolved(factory, clock, staff)
    clock.set(MONDAY_10 + timedelta(days=29))
    assert fire_due_timers(factory, clock).fired == 0  # not due yet; then the scheduler stops
    clock.set(MONDAY_10 + timedelta(days=45))
    restarted = make_sessionmaker(db_engine)  # a new process: nothing but the database
    assert fire_due_timers(restarted, clock).fired == 1
    assert status_of(factory, case_id) == "closed"
    assert fire_due_timers(restarted, clock).fired == 0


def test_a_timer_left_on_a_closed_case_does_nothing(factory, clock, staff):
    case_id = _resolved(factory, clock, staff)
    with factory.begin() as session:
        session.get(Case, case_id).status = "withdrawn"  # closed by another path meanwhile
    clock.set(MONDAY_10 + timedelta(days=31))
    with factory() as session:
        before = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.case_id == case_id)
        )
    assert fire_due_timers(factory, clock).fired == 0
    assert status_of(factory, case_id) == "withdrawn"
    with factory() as session:
        after = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.case_id == case_id)
        )
        assert session.scalar(select(Timer.id).where(Timer.case_id == case_id)) is None
    assert after == before
