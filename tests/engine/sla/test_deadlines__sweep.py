"""The SLA clock: a reminder at the at-risk point, escalation at the deadline, each once."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from engine.models import AuditEvent, OutboxMessage, Task
from engine.sla.deadlines import sweep_deadlines
from tests.engine.helpers import complete, open_case, open_tasks, status_of


def _events(factory, name: str) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    with factory() as session:
        return list(session.scalars(select(OutboxMessage).where(OutboxMessage.event == name)))


def test_an_overdue_agency_is_escalated_once_and_keeps_its_task(factory, clock, staff):
    clock.set(datetime(2026, 11, 23, 3, 0, tzinfo=UTC))  # Monday 10:00 in Bangkok
    case_id, *_ = open_case(factory, clock, staff["intake"])
    complete(factory, clock, staff["screener"], case_id, "screen", {"decision": "refer"})
    [ack] = open_tasks(factory, case_id)
    assert ack.step == "agency_acknowledge"
    # Acknowledgement is due in 2 working days: Wednesday 25 November, 16:30.
    assert ack.due_at == datetime(2026, 11, 25, 9, 30, tzinfo=UTC)

    clock.set(datetime(2026, 11, 25, 3, 0, tzinfo=UTC))
    assert sweep_deadlines(factory, clock).reminded == 1
    assert [m.recipient for m in _events(factory, "sla_reminder")] == [
        f"group:{ack.org_unit_id}:agency_officer"
    ]
    assert sweep_deadlines(factory, clock).reminded == 0

    clock.set(datetime(2026, 11, 26, 3, 0, tzinfo=UTC))
    result = sweep_deadlines(factory, clock)
    assert (result.breached, result.failed) == (1, 0)
    steps = sorted(t.step for t in open_tasks(factory, case_id))
    assert steps == ["agency_acknowledge", "supervise"]
    assert status_of(factory, case_id) == "referred"
    assert len(_events(factory, "sla_breached")) == 1
    assert sweep_deadlines(factory, clock).breached == 0  # never twice
    with factory() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.case_id == case_id)
        ).all()
    assert actions.count("sla_breached") == 1 and actions.count("sla_reminder") == 1


def test_a_task_done_before_the_deadline_is_not_escalated(factory, clock, staff):
    clock.set(datetime(2026, 11, 23, 3, 0, tzinfo=UTC))
    case_id, *_ = open_case(factory, clock, staff["intake"])
    complete(
        factory,
        clock,
        staff["screener"],
        case_id,
        "screen",
        {"decision": "reject", "reason": "ไม่อยู่ในอำนาจ"},
    )
    clock.set(datetime(2026, 12, 31, 3, 0, tzinfo=UTC))
    assert sweep_deadlines(factory, clock) == sweep_deadlines(factory, clock)
    assert _events(factory, "sla_breached") == []
    with factory() as session:
        assert session.scalar(select(Task.id)) is None


def test_the_clock_stops_while_the_complainant_is_asked_and_resumes_with_what_was_left(
    factory, clock, staff
):
    from engine.access.rules import Actor
    from tests.engine.helpers import send

    clock.set(datetime(2026, 11, 23, 3, 0, tzinfo=UTC))  # Monday; screening due Thursday
    case_id, *_ = open_case(factory, clock, staff["intake"])
    clock.set(datetime(2026, 11, 24, 3, 0, tzinfo=UTC))  # Tuesday: 2 working days left
    complete(
        factory,
        clock,
        staff["screener"],
        case_id,
        "screen",
        {"decision": "request_info", "question": "ขอสำเนาสัญญาจ้าง"},
    )
    clock.set(datetime(2026, 12, 14, 3, 0, tzinfo=UTC))  # three weeks later, a Monday
    send(factory, clock, Actor.citizen(case_id), case_id, "info_provided", "แนบสัญญาแล้ว")
    [task] = open_tasks(factory, case_id)
    # Two working days from Monday 14 December: Wednesday 16 December, close of office.
    assert task.due_at == datetime(2026, 12, 16, 9, 30, tzinfo=UTC)
    with factory() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.case_id == case_id)
        ).all()
        details = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "sla_paused")
        ).all()
    assert "sla_paused" in actions and "sla_resumed" in actions
    assert details == [{"remaining": 2}]
