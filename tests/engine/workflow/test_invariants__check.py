"""`check_cases`: every case's stored workflow agrees with its task, timer and deadline rows and
its status; a row edited by hand is reported for its own case only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select, update

from damrong.wiring import make_sessionmaker
from engine.access.rules import Actor
from engine.models import Case, Task, Timer, WorkflowInstance
from engine.sla.deadlines import sweep_deadlines
from engine.workflow.invariants import Disagreement, check_cases
from engine.workflow.timers import fire_due_timers
from tests.engine.helpers import complete, open_case, open_tasks, send, status_of, task_at


@pytest.fixture
def reader(factory, db_engine):  # type: ignore[no-untyped-def]
    """A read-only session factory on the test database, as `damrong check` builds."""
    return make_sessionmaker(db_engine, write=False)


@pytest.fixture
def cases(factory, clock, staff) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Cases at several places of the complaint process, each reached through the services."""
    clock.set(datetime(2026, 11, 23, 3, 0, tzinfo=UTC))  # a Monday morning in Bangkok
    opened = {name: open_case(factory, clock, staff["intake"])[0] for name in PLACES}
    screener, labour = staff["screener"], staff["labour"]
    refer = {"decision": "refer"}
    for name in ("referred", "in_progress", "under_review", "escalated"):
        complete(factory, clock, screener, opened[name], "screen", refer)
    for name in ("in_progress", "under_review"):
        complete(factory, clock, labour, opened[name], "agency_acknowledge", {})
    progress = {"action": "progress", "progress_note": "นัดนายจ้างเข้าชี้แจง"}
    complete(factory, clock, labour, opened["in_progress"], "agency_handle", progress)
    result = {"action": "result", "result_text": "นายจ้างจ่ายค่าจ้างครบแล้ว"}
    complete(factory, clock, labour, opened["under_review"], "agency_handle", result)
    resolve = {"decision": "resolve", "reason": "ชี้แจงข้อกฎหมายให้ผู้ร้องแล้ว"}
    complete(factory, clock, screener, opened["closed"], "screen", resolve)
    reject = {"decision": "reject", "reason": "ไม่อยู่ในอำนาจ"}
    complete(factory, clock, screener, opened["rejected"], "screen", reject)
    clock.set(datetime(2026, 11, 26, 3, 0, tzinfo=UTC))  # the acknowledgement is overdue
    assert sweep_deadlines(factory, clock).breached >= 1
    clock.advance(days=40)  # the closed case's reopen window runs out
    assert fire_due_timers(factory, clock).fired == 1
    complete(factory, clock, screener, opened["resolved"], "screen", resolve)
    ask = {"decision": "request_info", "question": "ขอสำเนาสัญญาจ้าง"}
    complete(factory, clock, screener, opened["awaiting_information"], "screen", ask)
    return opened


PLACES = [
    "screening",
    "referred",
    "in_progress",
    "under_review",
    "escalated",
    "resolved",
    "closed",
    "rejected",
    "awaiting_information",
]


def test_fresh_cases_agree_with_their_workflows(factory, clock, staff, reader):
    first, *_ = open_case(factory, clock, staff["intake"])
    second, *_ = open_case(factory, clock, staff["intake"])
    assert list(check_cases(reader)) == []
    assert list(check_cases(reader, case_ids=[second, first])) == []


def test_cases_moved_along_every_path_agree(factory, clock, staff, reader, cases):
    assert {name: status_of(factory, case_id) for name, case_id in cases.items()} == {
        **{name: name for name in PLACES},
        "escalated": "referred",
    }
    reopened, *_ = open_case(factory, clock, staff["intake"])
    resolve = {"decision": "resolve", "reason": "ชี้แจงข้อกฎหมายให้ผู้ร้องแล้ว"}
    complete(factory, clock, staff["screener"], reopened, "screen", resolve)
    send(factory, clock, Actor.citizen(reopened), reopened, "reopen", "ยังไม่ได้รับการแก้ไข")
    assert status_of(factory, reopened) == "screening"
    steps = sorted(t.step for t in open_tasks(factory, cases["escalated"]))
    assert steps == ["agency_acknowledge", "supervise"]
    batches: list[int] = []
    assert list(check_cases(reader, batch_size=4, on_batch=batches.append)) == []
    assert sum(batches) == len(cases) + 1 and max(batches) == 4


def _only(reader, case_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    """What the check finds, asserting that every finding is about `case_id`."""
    found = list(check_cases(reader, batch_size=3))
    assert {d.case_id for d in found} == {case_id}, found
    return [d.what for d in found]


def test_a_deleted_task_row_is_reported(factory, reader, cases):
    case_id = cases["under_review"]
    with factory.begin() as session:
        session.execute(delete(Task).where(Task.case_id == case_id))
    found = _only(reader, case_id)
    assert "open user task review has no task row" in found
    assert any(what.startswith("due_at ") for what in found)  # no task is due any more


def test_a_stray_task_row_is_reported(factory, clock, reader, cases):
    case_id = cases["referred"]
    ack = task_at(factory, case_id, "agency_acknowledge")
    with factory.begin() as session:
        stray = Task(
            case_id=case_id,
            spiff_task_id="00000000-0000-4000-8000-000000000000",
            step="review",
            name_th="ตรวจสอบผล",
            name_en="review",
            role="screener",
            form="review",
            org_unit_id=ack.org_unit_id,
            area_code=ack.area_code,
            category_code=ack.category_code,
            case_status="referred",
            created_at=clock(),
        )
        session.add(stray)
        session.flush()
        stray_id = stray.id
    assert _only(reader, case_id) == [f"task row {stray_id} (review) is not open in the workflow"]


def test_a_moved_timer_is_reported(factory, reader, cases):
    case_id = cases["awaiting_information"]
    with factory.begin() as session:
        session.execute(update(Timer).values(fire_at=Timer.fire_at))  # nothing else changes
    assert list(check_cases(reader)) == []
    with factory.begin() as session:
        [timer] = session.scalars(select(Timer).where(Timer.case_id == case_id)).all()
        was = timer.fire_at
        timer.fire_at = was + timedelta(days=3)
        name, moved = timer.event_name, timer.fire_at
    assert _only(reader, case_id) == [
        f"timer {name} fires {was.isoformat()} in the workflow but the row says {moved.isoformat()}"
    ]


def test_a_deleted_timer_row_is_reported(factory, reader, cases):
    case_id = cases["awaiting_information"]
    with factory.begin() as session:
        session.execute(delete(Timer).where(Timer.case_id == case_id))
    [found] = _only(reader, case_id)
    assert found.startswith("timer ") and found.endswith("in the workflow but has no row")


def test_a_changed_status_is_reported(factory, reader, cases):
    case_id = cases["in_progress"]
    with factory.begin() as session:
        session.execute(update(Case).where(Case.id == case_id).values(status="screening"))
        session.execute(update(Task).where(Task.case_id == case_id).values(case_status="screening"))
    assert _only(reader, case_id) == ["status is screening but the workflow says in_progress"]


def test_a_task_row_that_misstates_the_status_is_reported(factory, reader, cases):
    case_id = cases["screening"]
    with factory.begin() as session:
        session.execute(update(Task).where(Task.case_id == case_id).values(case_status="referred"))
        row_id = session.scalar(select(Task.id).where(Task.case_id == case_id))
    found = _only(reader, case_id)
    assert found == [f"task row {row_id} (screen) says the case is referred, not screening"]


def test_a_changed_due_date_is_reported(factory, reader, cases):
    case_id = cases["in_progress"]
    with factory.begin() as session:
        case = session.get(Case, case_id)
        due = case.due_at
        case.due_at = due + timedelta(days=1)
        later = case.due_at
    assert _only(reader, case_id) == [
        f"due_at {later.isoformat()} but its main-path tasks say {due.isoformat()}"
    ]


def test_a_supervisor_task_does_not_set_the_case_due_date(factory, reader, cases):
    case_id = cases["escalated"]
    with factory.begin() as session:
        session.execute(
            update(Task)
            .where(Task.case_id == case_id, Task.role == "supervisor")
            .values(due_at=datetime(2026, 11, 24, tzinfo=UTC))  # earlier than the agency's
        )
    assert list(check_cases(reader)) == []


def test_a_closed_case_reopened_by_hand_is_reported(factory, reader, cases):
    case_id = cases["rejected"]
    with factory.begin() as session:
        session.execute(update(Case).where(Case.id == case_id).values(status="in_progress"))
        session.execute(
            update(WorkflowInstance)
            .where(WorkflowInstance.case_id == case_id)
            .values(completed=False)
        )
    assert _only(reader, case_id) == [
        "the instance's completed flag is not set but the workflow has completed",
        "status is in_progress but the workflow says rejected",
    ]


def test_only_the_cases_asked_for_are_checked(factory, reader, cases):
    broken, other = cases["referred"], cases["screening"]
    with factory.begin() as session:
        session.execute(delete(Task).where(Task.case_id == broken))
    assert list(check_cases(reader, case_ids=[other])) == []
    assert {d.case_id for d in check_cases(reader, case_ids=[broken, other])} == {broken}
    assert list(check_cases(reader, case_ids=[999_999])) == [
        Disagreement(999_999, "there is no such case")
    ]
