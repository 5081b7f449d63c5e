"""A complaint's whole life through the engine services, as officials and citizens see it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from engine.access.rules import Actor
from engine.cases import tasks
from engine.errors import NotWaiting, PermissionDenied, TaskNotFound, TaskNotReady
from engine.models import (
    AuditEvent,
    Case,
    CaseNote,
    OrgUnit,
    OutboxMessage,
    Referral,
    Timer,
    WorkflowInstance,
)
from engine.workflow.timers import fire_due_timers
from tests.engine.helpers import complete, open_case, open_tasks, send, status_of, task_at


def test_opening_registers_the_case_at_its_district_center(factory, clock, staff):
    case_id, code, secret = open_case(factory, clock, staff["intake"])
    with factory() as session:
        case = session.get(Case, case_id)
        assert case.status == "screening"
        assert case.center.code == "c5001"
        assert re.fullmatch(r"c5001-00001/2569", case.registration_number)
        assert secret not in case.secret_hash
        assert code.replace("-", "") != secret
        assert session.scalar(select(func.count()).select_from(AuditEvent)) >= 1
        events = {m.event for m in session.scalars(select(OutboxMessage))}
        assert {"case_received", "task_created"} <= events
    [task] = open_tasks(factory, case_id)
    assert (task.step, task.role, task.case_status) == ("screen", "screener", "screening")


def test_registration_numbers_run_per_center(factory, clock, staff):
    first, *_ = open_case(factory, clock, staff["intake"])
    second, *_ = open_case(factory, clock, staff["intake"])
    with factory() as session:
        numbers = [session.get(Case, i).registration_number for i in (first, second)]
    assert numbers == ["c5001-00001/2569", "c5001-00002/2569"]


def test_referral_by_routing_table_reaches_only_that_agency(factory, clock, staff):
    case_id, *_ = open_case(factory, clock, staff["intake"])
    assert (
        complete(factory, clock, staff["screener"], case_id, "screen", {"decision": "refer"})
        == "referred"
    )
    task = task_at(factory, case_id, "agency_acknowledge")
    with factory() as session:
        assert task.org_unit_id == session.scalar(select(OrgUnit.id).where(OrgUnit.code == "mol"))
        [referral] = session.scalars(select(Referral).where(Referral.case_id == case_id)).all()
        assert (referral.agency.code, referral.role, referral.active) == ("mol", "lead", True)
        mine = tasks.list_tasks(session, staff["labour"], "group")
        theirs = tasks.list_tasks(session, staff["local"], "group")
    assert [t.case_id for t in mine.items] == [case_id]
    assert theirs.total == 0


def test_full_path_to_resolution_and_closing_after_the_reopen_window(factory, clock, staff):
    case_id, *_ = open_case(factory, clock, staff["intake"])
    complete(factory, clock, staff["screener"], case_id, "screen", {"decision": "refer"})
    assert complete(factory, clock, staff["labour"], case_id, "agency_acknowledge", {}) == (
        "in_progress"
    )
    for note in ("นัดนายจ้างเข้าชี้แจง", "นายจ้างยอมจ่ายบางส่วน"):
        complete(
            factory,
            clock,
            staff["labour"],
            case_id,
            "agency_handle",
            {"action": "progress", "progress_note": note},
        )
    assert complete(
        factory,
        clock,
        staff["labour"],
        case_id,
        "agency_handle",
        {"action": "result", "result_text": "นายจ้างจ่ายค่าจ้างครบแล้ว"},
    ) == ("under_review")
    assert (
        complete(
            factory, clock, staff["screener"], case_id, "review", {"review_decision": "accept"}
        )
        == "resolved"
    )
    assert open_tasks(factory, case_id) == []
    with factory() as session:
        notes = session.scalars(select(CaseNote).where(CaseNote.case_id == case_id)).all()
        assert [n.body for n in notes if n.kind == "result_text"] == ["นายจ้างจ่ายค่าจ้างครบแล้ว"]
        [timer] = session.scalars(select(Timer).where(Timer.case_id == case_id)).all()
    # Free text lives beside the case, never in the workflow state.
    with factory() as session:
        state = session.get(WorkflowInstance, case_id).state
    import zlib

    assert "นายจ้างจ่ายค่าจ้างครบแล้ว" not in zlib.decompress(state).decode()

    clock.advance(days=29)
    assert fire_due_timers(factory, clock).fired == 0
    assert status_of(factory, case_id) == "resolved"
    clock.advance(days=2)
    assert fire_due_timers(factory, clock).fired == 1
    assert status_of(factory, case_id) == "closed"
    with factory() as session:
        case = session.get(Case, case_id)
        assert case.resolution == "resolved" and case.closed_at == clock()
        assert session.scalar(select(func.count()).select_from(Timer)) == 0
    assert fire_due_timers(factory, clock).fired == 0  # nothing fires twice


def test_reopen_returns_the_case_to_screening(factory, clock, staff):
    case_id, *_ = open_case(factory, clock, staff["intake"])
    complete(
        factory,
        clock,
        staff["screener"],
        case_id,
        "screen",
        {"decision": "resolve", "reason": "ชี้แจงข้อกฎหมายให้ผู้ร้องแล้ว"},
    )
    assert status_of(factory, case_id) == "resolved"
    assert (
        send(factory, clock, Actor.citizen(case_id), case_id, "reopen", "ยังไม่ได้รับการแก้ไข")
        == "screening"
    )
    with factory() as session:
        assert session.get(Case, case_id).reopen_count == 1


def test_request_for_information_waits_for_the_complainant(factory, clock, staff):
    case_id, *_ = open_case(factory, clock, staff["intake"])
    assert complete(
        factory,
        clock,
        staff["screener"],
        case_id,
        "screen",
        {"decision": "request_info", "question": "ขอสำเนาสัญญาจ้าง"},
    ) == ("awaiting_information")
    assert open_tasks(factory, case_id) == []
    assert (
        send(factory, clock, Actor.citizen(case_id), case_id, "info_provided", "แนบสัญญาจ้างแล้ว")
        == "screening"
    )


def test_withdrawal_ends_the_case_even_inside_agency_handling(factory, clock, staff):
    case_id, *_ = open_case(factory, clock, staff["intake"])
    complete(factory, clock, staff["screener"], case_id, "screen", {"decision": "refer"})
    complete(factory, clock, staff["labour"], case_id, "agency_acknowledge", {})
    assert send(factory, clock, Actor.citizen(case_id), case_id, "withdraw") == "withdrawn"
    assert open_tasks(factory, case_id) == []
    with pytest.raises(NotWaiting):
        send(factory, clock, Actor.citizen(case_id), case_id, "withdraw")


def test_a_message_the_case_is_not_waiting_for_is_refused_and_changes_nothing(
    factory, clock, staff
):
    case_id, *_ = open_case(factory, clock, staff["intake"])
    with factory() as session:
        before = session.get(WorkflowInstance, case_id).state
    with pytest.raises(NotWaiting) as caught:
        send(factory, clock, Actor.citizen(case_id), case_id, "reopen")
    assert "screening" in caught.value.message_en.lower()
    with factory() as session:
        assert session.get(WorkflowInstance, case_id).state == before
        assert session.get(Case, case_id).reopen_count == 0


def test_a_task_cannot_be_completed_twice(factory, clock, staff):
    case_id, *_ = open_case(factory, clock, staff["intake"])
    task = task_at(factory, case_id, "screen")
    complete(
        factory,
        clock,
        staff["screener"],
        case_id,
        "screen",
        {"decision": "reject", "reason": "ไม่อยู่ในอำนาจหน้าที่"},
    )
    with pytest.raises((TaskNotFound, TaskNotReady)), factory.begin() as session:
        tasks.complete_task(
            session, clock, staff["screener"], task.id, {"decision": "reject", "reason": "ซ้ำ"}
        )
    assert status_of(factory, case_id) == "rejected"


def test_officials_cannot_act_on_tasks_outside_their_unit_or_role(factory, clock, staff):
    case_id, *_ = open_case(factory, clock, staff["intake"])
    task = task_at(factory, case_id, "screen")
    for outsider in ("screener_bkk", "labour", "intake", "executive"):
        with pytest.raises(PermissionDenied), factory.begin() as session:
            tasks.claim(session, clock, staff[outsider], task.id)
    assert task_at(factory, case_id, "screen").assignee_id is None


def test_a_claimed_task_belongs_to_its_holder(factory, clock, staff):
    with factory.begin() as session:
        from tests.conftest import make_user

        other = Actor.for_user(make_user(session, "screener_b", "c5001", ["screener"]))
    case_id, *_ = open_case(factory, clock, staff["intake"])
    task = task_at(factory, case_id, "screen")
    with factory.begin() as session:
        tasks.claim(session, clock, staff["screener"], task.id)
    with pytest.raises(TaskNotReady), factory.begin() as session:
        tasks.claim(session, clock, other, task.id)
    with pytest.raises(TaskNotReady), factory.begin() as session:
        tasks.complete_task(session, clock, other, task.id, {"decision": "refer"})
    assert status_of(factory, case_id) == "screening"
