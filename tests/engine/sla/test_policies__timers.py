"""BPMN timers take their durations from named SLA policies that administrators edit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from engine.models import SlaPolicy, Timer
from engine.sla import policies
from tests.engine.helpers import complete, open_case

MONDAY_10 = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


@pytest.fixture
def reopen_policy(factory):  # type: ignore[no-untyped-def]
    """The reopen window's policy, put back as it was after the test."""
    with factory() as session:
        before = session.scalar(select(SlaPolicy).where(SlaPolicy.step == "reopen_window"))
        saved = (before.unit, before.duration)
    yield
    with factory.begin() as session:
        policy = session.scalar(select(SlaPolicy).where(SlaPolicy.step == "reopen_window"))
        policy.unit, policy.duration = saved
    policies.forget_cached()


def _set_policy(factory, unit: str, duration: int) -> None:  # type: ignore[no-untyped-def]
    with factory.begin() as session:
        policy = session.scalar(select(SlaPolicy).where(SlaPolicy.step == "reopen_window"))
        policy.unit, policy.duration = unit, duration
    policies.forget_cached()


def _resolved_timer(factory, clock, staff) -> datetime:  # type: ignore[no-untyped-def]
    clock.set(MONDAY_10)
    case_id, *_ = open_case(factory, clock, staff["intake"])
    complete(
        factory,
        clock,
        staff["screener"],
        case_id,
        "screen",
        {"decision": "resolve", "reason": "ชี้แจงแล้ว"},
    )
    with factory() as session:
        return session.scalar(select(Timer.fire_at).where(Timer.case_id == case_id))


def test_the_reopen_window_follows_its_policy(factory, clock, staff, reopen_policy):
    assert _resolved_timer(factory, clock, staff) == MONDAY_10 + timedelta(days=30)
    _set_policy(factory, "calendar_days", 10)
    assert _resolved_timer(factory, clock, staff) == MONDAY_10 + timedelta(days=10)


def test_a_working_day_policy_becomes_the_span_to_the_close_of_office(
    factory, clock, staff, reopen_policy
):
    _set_policy(factory, "working_days", 5)
    # Five working days from Monday 23 November: Monday 30 November at 16:30 in Bangkok.
    assert _resolved_timer(factory, clock, staff) == datetime(2026, 11, 30, 9, 30, tzinfo=UTC)
