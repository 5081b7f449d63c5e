"""Work that flows without re-claiming (issue 16, item 5): the case's next task stays with the
official who completed the previous one when it is for the same role and unit and they still may
do it; it goes to the group otherwise, and when they release it."""

from __future__ import annotations

from sqlalchemy import select

from engine.access.rules import Actor
from engine.cases import tasks
from engine.models import AuditEvent, OutboxMessage, User
from tests.engine.helpers import complete, open_case, send, task_at

REFER = {"decision": "refer"}
ASK = {"decision": "request_info", "question": "ขอสำเนาสัญญาจ้าง"}
PROGRESS = {"action": "progress", "progress_note": "นัดนายจ้างมาชี้แจงแล้ว"}
RESULT = {"action": "result", "result_text": "นายจ้างจ่ายค่าจ้างครบแล้ว"}


def _referred(factory, clock, staff) -> int:  # type: ignore[no-untyped-def]
    case_id, *_ = open_case(factory, clock, staff["intake"])
    complete(factory, clock, staff["screener"], case_id, "screen", REFER)
    return case_id


def test_an_agency_officer_keeps_the_case_from_acknowledging_to_the_result(factory, clock, staff):
    case_id = _referred(factory, clock, staff)
    assert task_at(factory, case_id, "agency_acknowledge").assignee_id is None, "first: group"
    complete(factory, clock, staff["labour"], case_id, "agency_acknowledge", {})
    handle = task_at(factory, case_id, "agency_handle")
    assert handle.assignee_id == staff["labour"].user_id
    with factory() as session:  # the new task's notice goes to them, not the whole group
        notice = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.case_id == case_id, OutboxMessage.event == "task_created")
            .order_by(OutboxMessage.id.desc())
        ).first()
        assert notice.recipient == f"user:{staff['labour'].user_id}"
    with factory() as session:  # it is in their own list, not the group's
        mine = tasks.list_tasks(session, staff["labour"], scope="mine")
        assert [t.id for t in mine.items] == [handle.id]
    complete(factory, clock, staff["labour"], case_id, "agency_handle", PROGRESS)
    again = task_at(factory, case_id, "agency_handle")
    assert again.id != handle.id and again.assignee_id == staff["labour"].user_id
    complete(factory, clock, staff["labour"], case_id, "agency_handle", RESULT)
    review = task_at(factory, case_id, "review")
    assert review.assignee_id is None, "another role's task goes to the center's group"


def test_a_screener_keeps_the_case_after_asking_the_complainant(factory, clock, staff):
    case_id, *_ = open_case(factory, clock, staff["intake"])
    complete(factory, clock, staff["screener"], case_id, "screen", ASK)
    send(factory, clock, Actor.citizen(case_id), case_id, "info_provided", "แนบสัญญาจ้างแล้ว")
    assert task_at(factory, case_id, "screen").assignee_id == staff["screener"].user_id


def test_a_released_task_goes_back_to_the_group(factory, clock, staff):
    case_id = _referred(factory, clock, staff)
    complete(factory, clock, staff["labour"], case_id, "agency_acknowledge", {})
    handle = task_at(factory, case_id, "agency_handle")
    with factory.begin() as session:
        tasks.unclaim(session, clock, staff["labour"], handle.id)
    assert task_at(factory, case_id, "agency_handle").assignee_id is None
    complete(factory, clock, staff["labour2"], case_id, "agency_handle", PROGRESS)
    assert task_at(factory, case_id, "agency_handle").assignee_id == staff["labour2"].user_id


def test_nobody_keeps_a_task_they_may_no_longer_do(factory, clock, staff):
    left = open_case(factory, clock, staff["intake"])[0]
    complete(factory, clock, staff["screener"], left, "screen", ASK)
    moved_on = open_case(factory, clock, staff["intake"])[0]
    complete(factory, clock, staff["supervisor"], moved_on, "screen", ASK)
    with factory.begin() as session:  # while the complainants look for their papers…
        session.get(User, staff["screener"].user_id).active = False
        session.get(User, staff["supervisor"].user_id).roles = ["supervisor"]
    for case_id in (left, moved_on):
        send(factory, clock, Actor.citizen(case_id), case_id, "info_provided", "แนบแล้ว")
        assert task_at(factory, case_id, "screen").assignee_id is None


def test_deactivating_or_removing_the_role_gives_held_tasks_back(factory, clock, staff):
    kept = _referred(factory, clock, staff)
    complete(factory, clock, staff["labour"], kept, "agency_acknowledge", {})
    other = _referred(factory, clock, staff)
    complete(factory, clock, staff["labour2"], other, "agency_acknowledge", {})
    admin = staff["admin"]
    with factory.begin() as session:
        still = session.get(User, staff["labour2"].user_id)
        assert tasks.release_held(session, clock(), admin, still) == 0, "still may: kept"
        gone = session.get(User, staff["labour"].user_id)
        gone.active = False
        assert tasks.release_held(session, clock(), admin, gone) == 1
    assert task_at(factory, kept, "agency_handle").assignee_id is None
    assert task_at(factory, other, "agency_handle").assignee_id == staff["labour2"].user_id
    with factory() as session:
        event = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.case_id == kept, AuditEvent.action == "unclaimed")
            .order_by(AuditEvent.id.desc())
        ).first()
        assert event.detail == {"from": gone.username, "reason": "deactivated"}
