"""An agency officer forwards a case from Damrong's inbox while its center approves forwards:
the page says the forward waits for the center, and the task stays in the officer's inbox."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from werkzeug.datastructures import MultiDict

from engine.cases import tasks as task_service
from engine.models import ForwardRequest, OrgUnit
from tests.admin.conftest import csrf_of
from tests.admin.test_inbox__scope import screen_and_refer, signed_in
from tests.engine.helpers import complete, open_case, task_at

TITLE = "นายจ้างไม่จ่ายค่าล่วงเวลาสามเดือน"
REASON = "ผู้ร้องทำงานให้องค์การบริหารส่วนตำบล เป็นอำนาจของท้องถิ่น"


@pytest.fixture
def approving_center(factory):  # type: ignore[no-untyped-def]
    """Chiang Mai's provincial center approves its districts' forwards."""
    with factory.begin() as session:
        session.execute(
            update(OrgUnit).where(OrgUnit.code == "c50").values(forward_needs_approval=True)
        )
    yield
    with factory.begin() as session:
        session.execute(update(OrgUnit).values(forward_needs_approval=False))


def forward_from_inbox(app, factory, clock, people, lang: str = "th"):  # type: ignore[no-untyped-def]
    """The labour ministry's officer forwards a referred case to the DLA from the task page."""
    case_id = open_case(factory, clock, people["intake"], title=TITLE, category="labour")[0]
    screen_and_refer(factory, clock, people, case_id)
    complete(factory, clock, people["labour"], case_id, "agency_acknowledge", {})
    task_id = task_at(factory, case_id, "agency_handle").id
    with factory.begin() as session:
        task_service.claim(session, clock, people["labour"], task_id)
    officer = signed_in(app, "labour")
    if lang == "en":
        officer.get("/staff/lang/en")
    page = officer.get(f"/staff/tasks/{task_id}").text
    # A browser posts the chosen radio `action` first, then the submit button's own `action`.
    sent = officer.post(
        f"/staff/tasks/{task_id}",
        data=MultiDict(
            [
                ("csrf_token", csrf_of(page)),
                ("action", "forward"),
                ("agency", "dla"),
                ("reason", REASON),
                ("action", "submit"),
            ]
        ),
        follow_redirects=True,
    )
    return case_id, task_id, officer, sent


@pytest.mark.usefixtures("approving_center")
def test_the_officer_is_told_the_forward_waits_and_keeps_the_task(app, people, factory, clock):
    case_id, task_id, officer, sent = forward_from_inbox(app, factory, clock, people)
    assert sent.status_code == 200
    assert "รอศูนย์อนุมัติ" in sent.text and "งานยังอยู่ในกล่องงานของท่าน" in sent.text
    assert "กรมส่งเสริมการปกครองท้องถิ่น" in sent.text
    assert "บันทึกงานของเรื่อง" not in sent.text  # not "done"
    assert TITLE in officer.get("/staff/inbox").text
    page = officer.get(f"/staff/tasks/{task_id}")
    assert page.status_code == 200
    assert 'id="forward-waiting"' in page.text and REASON in page.text
    with factory() as session:
        assert session.scalar(select(ForwardRequest.status)) == "pending"


@pytest.mark.usefixtures("approving_center")
def test_the_same_in_english(app, people, factory, clock):
    _case_id, _task_id, _officer, sent = forward_from_inbox(app, factory, clock, people, "en")
    assert "is waiting for the center" in sent.text
    assert "Department of Local Administration" in sent.text
    assert "the task stays in your inbox" in sent.text and "done." not in sent.text


def test_without_approval_the_forward_happens_and_the_task_is_done(app, people, factory, clock):
    case_id, task_id, officer, sent = forward_from_inbox(app, factory, clock, people)
    assert "ถึงกรมส่งเสริมการปกครองท้องถิ่นแล้ว" in sent.text  # the agency it went to
    assert "รอศูนย์อนุมัติ" not in sent.text
    assert officer.get(f"/staff/tasks/{task_id}").status_code == 404
