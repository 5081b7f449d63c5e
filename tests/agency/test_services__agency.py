"""Engine-side rules of the agency exchange, without HTTP: scope, stage, same tasks as the inbox."""

from __future__ import annotations

import pytest

from agency import actions
from engine.errors import CaseNotFound, NotWaiting, PermissionDenied, ValidationFailed
from tests.agency.conftest import referred_case
from tests.engine.helpers import complete, open_tasks, status_of


def act(factory, clock, actor, case_id, action, **body):  # type: ignore[no-untyped-def]
    with factory.begin() as session:
        return actions.act(session, clock, actor, case_id, action, body).status


def test_only_agency_officers_of_the_holding_agency_may_act(factory, clock, staff):
    case_id = referred_case(factory, clock, staff)
    for who in ("screener", "supervisor", "admin", "executive"):
        with pytest.raises(PermissionDenied), factory.begin() as session:
            actions.act(session, clock, staff[who], case_id, "acknowledge", {})
    for who in ("local", "police"):
        with pytest.raises(CaseNotFound), factory.begin() as session:
            actions.act(session, clock, staff[who], case_id, "acknowledge", {})
    assert status_of(factory, case_id) == "referred"
    assert act(factory, clock, staff["labour2"], case_id, "acknowledge") == "in_progress"


def test_an_agency_action_and_the_inbox_complete_the_same_task(factory, clock, staff):
    case_id = referred_case(factory, clock, staff)
    act(factory, clock, staff["labour"], case_id, "acknowledge")
    [task] = open_tasks(factory, case_id)
    assert task.step == "agency_handle"
    # The officer who acknowledged keeps the case (issue 16: no re-claiming): they report
    # progress in the inbox; the agency's system, acting as them, then the result.
    assert task.assignee_id == staff["labour"].user_id
    complete(
        factory,
        clock,
        staff["labour"],
        case_id,
        "agency_handle",
        {"action": "progress", "progress_note": "ตรวจสอบเอกสารแล้ว"},
    )
    with pytest.raises(NotWaiting) as refused, factory.begin() as session:
        actions.act(session, clock, staff["labour"], case_id, "acknowledge", {})
    assert refused.value.detail["status"] == "in_progress"
    assert act(factory, clock, staff["labour"], case_id, "result", result_text="เสร็จ") == (
        "under_review"
    )
    assert [t.step for t in open_tasks(factory, case_id)] == ["review"]


def test_attachments_are_checked_by_content_and_size():
    pdf = "JVBERi0xLjQK"  # %PDF-1.4
    [(name, kind, _)] = actions.check_attachments(
        [{"filename": "../../x/ผล.pdf", "content_base64": pdf}]
    )
    assert (name, kind) == ("ผล.pdf", "application/pdf")
    too_big = "A" * (4 * (actions.MAX_ATTACHMENT_BYTES // 3 + 2))
    for bad in (
        [{"filename": "a.png", "content_base64": "PHNjcmlwdD4="}],  # <script> named .png
        [{"filename": "a.pdf", "content_base64": too_big}],
        [{"filename": "", "content_base64": pdf}],
        [{"filename": "a.pdf", "content_base64": pdf}] * 6,
        "not a list",
    ):
        with pytest.raises(ValidationFailed):
            actions.check_attachments(bad)
