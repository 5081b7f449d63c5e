"""The escalation ladder: reminders on the working-day plan, extensions that move the breach,
second breaches and overdue supervisors going a level up, and who may act at each level."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from engine.access.rules import Actor
from engine.errors import Conflict, NotWaiting, PermissionDenied, ValidationFailed
from engine.models import AuditEvent, Case, OrgUnit, OutboxMessage, SlaRecord, Task
from engine.sla import supervision
from engine.sla.deadlines import sweep_deadlines
from tests.conftest import make_user
from tests.engine.helpers import complete, open_case, open_tasks, status_of

MONDAY_10 = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # Monday 23 November 2026, 10:00 Bangkok


def bkk(day: int, hour: int = 10, month: int = 11) -> datetime:
    """An instant in Bangkok (UTC+7) in late 2026."""
    return datetime(2026, month, day, hour - 7, 0, tzinfo=UTC)


def close_of(day: int, month: int) -> datetime:
    """16:30 in Bangkok, when offices close and deadlines fall."""
    return datetime(2026, month, day, 9, 30, tzinfo=UTC)


@pytest.fixture
def ladder_staff(factory, staff):  # type: ignore[no-untyped-def]
    with factory.begin() as session:
        province = Actor.for_user(make_user(session, "sup_cm", "c50", ["supervisor"]))
        central = Actor.for_user(make_user(session, "sup_central", "central", ["supervisor"]))
        other_district = Actor.for_user(make_user(session, "sup_5002", "c5002", ["supervisor"]))
    return {**staff, "province": province, "central": central, "other": other_district}


def _unit(factory, code: str) -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        return session.scalar(select(OrgUnit.id).where(OrgUnit.code == code))


def _handling(factory, clock, staff) -> int:  # type: ignore[no-untyped-def]
    clock.set(MONDAY_10)
    case_id, *_ = open_case(factory, clock, staff["intake"])
    complete(factory, clock, staff["screener"], case_id, "screen", {"decision": "refer"})
    complete(factory, clock, staff["labour"], case_id, "agency_acknowledge", {})
    return case_id


def _task(factory, case_id: int, step: str) -> Task:  # type: ignore[no-untyped-def]
    [task] = [t for t in open_tasks(factory, case_id) if t.step == step]
    return task


def _audit(factory, case_id: int, action: str) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    with factory() as session:
        return list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.case_id == case_id, AuditEvent.action == action)
            )
        )


def _act(factory, clock, actor, case_id, **data):  # type: ignore[no-untyped-def]
    with factory.begin() as session:
        return supervision.supervise(session, clock, actor, case_id, data).status


def test_reminders_fall_on_the_policys_share_of_working_days(factory, clock, staff):
    case_id = _handling(factory, clock, staff)
    handle = _task(factory, case_id, "agency_handle")
    # 15 working days from Monday 23 November, skipping Monday 7 December (Father's Day falls
    # on a Saturday and is made up) and Thursday 10 December (Constitution Day): due
    # Wednesday 16 December, 16:30. Reminders at 50% (7 working days: Wednesday 2 December)
    # and 80% (12: Friday 11 December), not at half or four fifths of the calendar time.
    assert handle.due_at == close_of(16, 12)
    assert [datetime.fromisoformat(p) for p in handle.reminder_plan] == [
        close_of(2, 12),
        close_of(11, 12),
    ]
    assert handle.at_risk_at == close_of(11, 12)

    clock.set(bkk(3, 9, 12))
    assert sweep_deadlines(factory, clock).reminded == 1
    assert sweep_deadlines(factory, clock).reminded == 0  # once per point
    clock.set(bkk(14, 9, 12))
    assert sweep_deadlines(factory, clock).reminded == 1
    assert len(_audit(factory, case_id, "sla_reminder")) == 2
    clock.set(bkk(15, 9, 12))
    assert sweep_deadlines(factory, clock).reminded == 0  # no points left


def test_an_extension_moves_the_breach_to_the_new_deadline(factory, clock, ladder_staff):
    staff = ladder_staff
    case_id = _handling(factory, clock, staff)
    clock.set(bkk(17, 9, 12))  # the day after the deadline
    assert sweep_deadlines(factory, clock).breached == 1
    _act(
        factory,
        clock,
        staff["supervisor"],
        case_id,
        supervisor_action="extend",
        extend_days=5,
        reason="หน่วยงานขอเวลาตรวจสอบพื้นที่เพิ่ม",
    )
    handle = _task(factory, case_id, "agency_handle")
    # Five working days from now (Thursday 17 December): Thursday 24 December, 16:30.
    assert handle.due_at == close_of(24, 12)
    assert handle.breached_at is None and handle.breach_count == 1
    with factory() as session:
        assert session.get(Case, case_id).due_at == handle.due_at
    [extended] = _audit(factory, case_id, "sla_extended")
    assert extended.detail["reason"] == "หน่วยงานขอเวลาตรวจสอบพื้นที่เพิ่ม"
    assert extended.detail["days"] == 5

    clock.set(bkk(24, 15, 12))  # before the new deadline: nothing, though the old one passed
    assert sweep_deadlines(factory, clock).breached == 0
    clock.set(bkk(25, 9, 12))  # after it: a second breach goes to the province
    assert sweep_deadlines(factory, clock).breached == 1
    with factory() as session:
        assert session.get(Case, case_id).escalation_level == 1
    supervise = _task(factory, case_id, "supervise")
    assert supervise.org_unit_id == _unit(factory, "c50")
    [escalated] = _audit(factory, case_id, "sla_escalated")
    assert (escalated.detail["from"], escalated.detail["to"]) == ("c5001", "c50")


def test_an_overdue_supervisor_task_climbs_to_the_province_then_central(
    factory, clock, ladder_staff
):
    staff = ladder_staff
    case_id = _handling(factory, clock, staff)
    clock.set(bkk(17, 9, 12))
    sweep_deadlines(factory, clock)
    assert _task(factory, case_id, "supervise").org_unit_id == _unit(factory, "c5001")
    clock.set(bkk(22, 9, 12))  # the supervisor's 2 working days have passed
    sweep_deadlines(factory, clock)
    assert _task(factory, case_id, "supervise").org_unit_id == _unit(factory, "c50")
    with factory() as session:
        sent = session.scalars(
            select(OutboxMessage.recipient).where(OutboxMessage.event == "escalation")
        ).all()
    assert sent == [f"group:{_unit(factory, 'c50')}:supervisor"]
    # The district supervisor no longer holds it; the province's does.
    with pytest.raises(PermissionDenied):
        _act(factory, clock, staff["supervisor"], case_id, supervisor_action="remind")
    assert status_of(factory, case_id) == "in_progress"


def test_escalating_hands_the_case_to_the_next_level_at_once(factory, clock, ladder_staff):
    staff = ladder_staff
    case_id = _handling(factory, clock, staff)
    clock.set(bkk(17, 9, 12))
    sweep_deadlines(factory, clock)
    with pytest.raises(ValidationFailed):  # a reason is mandatory
        _act(factory, clock, staff["supervisor"], case_id, supervisor_action="escalate")
    _act(
        factory,
        clock,
        staff["supervisor"],
        case_id,
        supervisor_action="escalate",
        reason="หน่วยงานไม่ตอบสนอง",
    )
    assert _task(factory, case_id, "supervise").org_unit_id == _unit(factory, "c50")
    _act(factory, clock, staff["province"], case_id, supervisor_action="escalate", reason="ซ้ำ")
    assert _task(factory, case_id, "supervise").org_unit_id == _unit(factory, "central")
    with pytest.raises(Conflict):  # the top of the ladder
        _act(factory, clock, staff["central"], case_id, supervisor_action="escalate", reason="x")
    assert len(_audit(factory, case_id, "sla_escalated")) == 2
    # The agency keeps its task throughout.
    assert _task(factory, case_id, "agency_handle").org_unit_id == _unit(factory, "mol")


def test_who_may_supervise_and_what_needs_the_supervisors_task(factory, clock, ladder_staff):
    staff = ladder_staff
    case_id = _handling(factory, clock, staff)
    for outsider in ("other", "labour", "screener"):
        with pytest.raises(PermissionDenied):
            _act(factory, clock, staff[outsider], case_id, supervisor_action="remind")
    # Before any breach, a supervisor may remind or extend, but not close or reassign.
    _act(factory, clock, staff["province"], case_id, supervisor_action="remind", reason="เร่ง")
    with pytest.raises(NotWaiting):
        _act(
            factory,
            clock,
            staff["supervisor"],
            case_id,
            supervisor_action="close_unresolvable",
            reason="x",
        )
    with pytest.raises(ValidationFailed):
        _act(factory, clock, staff["supervisor"], case_id, supervisor_action="extend", reason="x")
    with factory() as session:
        reminders = session.scalars(
            select(OutboxMessage).where(OutboxMessage.event == "sla_reminder")
        ).all()
    assert [m.payload["reason"] for m in reminders] == ["เร่ง"]


def test_finished_tasks_leave_a_record_of_whether_they_met_the_deadline(factory, clock, staff):
    case_id = _handling(factory, clock, staff)
    clock.set(bkk(17, 9, 12))
    sweep_deadlines(factory, clock)
    complete(
        factory,
        clock,
        staff["labour"],
        case_id,
        "agency_handle",
        {"action": "result", "result_text": "จ่ายค่าจ้างครบแล้ว"},
    )
    with factory() as session:
        records = {
            r.step: r.met
            for r in session.scalars(select(SlaRecord).where(SlaRecord.case_id == case_id))
        }
    assert records["screen"] is True and records["agency_acknowledge"] is True
    assert records["agency_handle"] is False
