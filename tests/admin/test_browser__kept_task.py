"""Work that flows without re-claiming, in a real browser (issue 16, item 5): the officer who
acknowledged a referred case finds its next task under "my tasks" without claiming it again; a
colleague of the same unit cannot take it; released, it goes back to the group's queue. The same
for a screener whose question the complainant has answered."""

from __future__ import annotations

from engine.access.rules import Actor
from engine.models import User
from tests.admin.test_browser__staff import sign_in
from tests.admin.test_inbox__scope import screen_and_refer
from tests.engine.helpers import send, task_at

TITLE = "นายจ้างค้างจ่ายค่าจ้างและค่าล่วงเวลา"
HANDLE = "ดำเนินการ และรายงานผล"


def signed_in(browser, server: str, username: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="th-TH")
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, server, username)
    return context, page


def tab(page, server: str, code: str):  # type: ignore[no-untyped-def]
    """The inbox tab `code`; returns the row of the test's case (maybe absent)."""
    page.goto(f"{server}/staff/inbox?tab={code}")
    return page.locator("table.inbox tbody tr", has_text=TITLE)


def assignee_of(factory, case_id: int, step: str):  # type: ignore[no-untyped-def]
    return task_at(factory, case_id, step).assignee_id


def test_the_officer_who_acknowledged_keeps_the_case_until_releasing_it(
    browser, server, people, open_cases, factory, clock
):
    case_id = open_cases(TITLE, category="labour")[0]
    screen_and_refer(factory, clock, people, case_id)
    context, page = signed_in(browser, server, "labour")
    row = tab(page, server, "unclaimed")
    row.get_by_role("button", name="รับงาน").click()  # the first task: from the group, claimed
    assert page.locator("h1").inner_text() == "ตอบรับเรื่อง"
    page.get_by_role("button", name="รับเรื่อง").click()
    page.wait_for_url("**/staff/inbox")

    mine = tab(page, server, "mine")  # the next task is already theirs: no second claim
    assert mine.count() == 1 and HANDLE in mine.inner_text()
    assert mine.get_by_role("button", name="รับงาน").count() == 0
    assert page.locator("[data-tab=mine] .count").inner_text() == "1"
    assert tab(page, server, "unclaimed").count() == 0, "not offered to the group"
    mine = tab(page, server, "mine")
    mine.get_by_role("link", name="เปิดงาน").click()
    assert page.locator("h1").inner_text() == HANDLE
    assert "งานนี้ยังไม่มีผู้รับ" not in page.locator("main").inner_text()
    assert assignee_of(factory, case_id, "agency_handle") == people["labour"].user_id

    other, colleague = signed_in(browser, server, "labour2")  # same unit, same role
    assert tab(colleague, server, "mine").count() == 0
    assert tab(colleague, server, "unclaimed").count() == 0
    colleague.goto(f"{server}/staff/cases/{case_id}")  # the case shows the task, not to take
    tasks = colleague.locator("#tasks")
    assert HANDLE in tasks.inner_text() and tasks.get_by_role("link", name=HANDLE).count() == 0
    task_id = task_at(factory, case_id, "agency_handle").id
    colleague.goto(f"{server}/staff/tasks/{task_id}")  # the address typed: whose it is, no claim
    with factory() as session:
        holder = session.get(User, people["labour"].user_id).display_name
    assert f"งานนี้อยู่กับ {holder}" in colleague.locator("#held-by").inner_text()
    assert colleague.get_by_role("button", name="รับงาน").count() == 0
    assert "งานนี้ยังไม่มีผู้รับ" not in colleague.locator("main").inner_text()
    assert assignee_of(factory, case_id, "agency_handle") == people["labour"].user_id

    mine = tab(page, server, "mine")  # the officer gives it back
    mine.get_by_role("button", name="คืนงาน").click()
    assert "คืนงานให้กลุ่มแล้ว" in page.locator(".flash").inner_text()
    assert tab(page, server, "mine").count() == 0
    assert assignee_of(factory, case_id, "agency_handle") is None
    queued = tab(colleague, server, "unclaimed")  # back in the group's queue for anyone
    assert queued.count() == 1 and HANDLE in queued.inner_text()
    queued.get_by_role("button", name="รับงาน").click()
    assert colleague.locator("h1").inner_text() == HANDLE
    assert assignee_of(factory, case_id, "agency_handle") == people["labour2"].user_id
    other.close()
    context.close()


def test_the_screener_who_asked_gets_the_answered_case_back(
    browser, server, people, open_cases, factory, clock
):
    case_id = open_cases(TITLE, category="labour")[0]
    context, page = signed_in(browser, server, "screener")
    tab(page, server, "unclaimed").get_by_role("button", name="รับงาน").click()
    page.get_by_label("ขอข้อมูลเพิ่มเติมจากผู้ร้อง").check()
    page.locator("[name=question]").fill("ขอสำเนาสลิปเงินเดือนสามเดือนล่าสุด")
    page.get_by_role("button", name="บันทึกผลการคัดกรอง").click()
    page.wait_for_url("**/staff/inbox")
    assert tab(page, server, "mine").count() == 0, "waiting for the complainant: no task"

    send(factory, clock, Actor.citizen(case_id), case_id, "info_provided", "แนบสลิปแล้ว")
    mine = tab(page, server, "mine")
    assert mine.count() == 1 and "กลั่นกรองเรื่อง" in mine.inner_text()
    assert mine.get_by_role("button", name="รับงาน").count() == 0
    mine.get_by_role("link", name="เปิดงาน").click()
    assert page.locator("h1").inner_text() == "กลั่นกรองเรื่อง"
    assert assignee_of(factory, case_id, "screen") == people["screener"].user_id
    context.close()
