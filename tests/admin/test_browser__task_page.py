"""Task pages in a real browser: the reviewer reads the agency's result and opens its file; the
screening form shows only the chosen decision's fields, starting from the case's category and
area, with a script and without one; the buttons say what the task does."""

from __future__ import annotations

from pathlib import Path

from engine.models import Case
from tests.admin.test_browser__staff import sign_in
from tests.engine.cases.test_reviewing__material import RESULT, reported
from tests.engine.helpers import task_at

SHOTS = Path("/tmp/damrong-task-page")
SHOW = "แสดงช่องที่ต้องกรอกสำหรับตัวเลือกนี้"


def new_page(browser, script: bool = True, width: int = 1200, height: int = 900):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="th-TH", java_script_enabled=script
    )
    context.set_default_timeout(10_000)
    return context, context.new_page()


def status_of(factory, case_id: int) -> str:  # type: ignore[no-untyped-def]
    with factory() as session:
        return session.get(Case, case_id).status


def test_the_reviewer_reads_the_result_opens_its_file_and_accepts(
    browser, server, people, factory, clock
):
    case_id = reported(factory, clock, people)
    task_id = task_at(factory, case_id, "review").id
    context, page = new_page(browser)
    sign_in(page, server, "screener")
    page.goto(f"{server}/staff/tasks/{task_id}")
    material = page.locator("#review-material")
    assert RESULT in material.inner_text() and "กระทรวงแรงงาน" in material.inner_text()
    thumb = material.locator("img.thumb")
    assert thumb.evaluate("img => img.complete && img.naturalWidth") == 40  # the image shows
    href = material.get_by_role("link", name="receipt.png", exact=True).get_attribute("href")
    opened = context.request.get(server + href)
    assert opened.status == 200 and opened.headers["content-type"] == "image/jpeg"
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "review-1200.png"), full_page=True)
    page.get_by_label("รับผลและแจ้งผู้ร้อง").check()
    page.get_by_role("button", name="ยืนยันผลการตรวจสอบ").click()
    page.wait_for_url("**/staff/inbox")
    assert status_of(factory, case_id) == "resolved"
    context.close()


def test_the_screening_form_shows_the_chosen_decisions_fields(
    browser, server, people, open_cases, factory
):
    case_id = open_cases("นายจ้างไม่จ่ายค่าจ้างสองเดือน")[0]
    task_id = task_at(factory, case_id, "screen").id
    context, page = new_page(browser, width=390, height=844)
    sign_in(page, server, "screener")
    page.goto(f"{server}/staff/tasks/{task_id}")
    visible = lambda name: page.locator(f"[data-field={name}]").is_visible()  # noqa: E731
    assert visible("decision")
    assert not any(visible(n) for n in ("category", "area_code", "reason", "question"))
    assert page.locator("[name=category]").input_value() == "labour"  # the case's, kept
    assert page.locator("[name='area_code:province']").input_value() == "50"
    assert not page.get_by_role("button", name=SHOW).is_visible()  # the script shows fields
    page.get_by_label("ไม่รับเรื่อง").check()
    assert visible("reason") and visible("category") and not visible("question")
    page.screenshot(path=str(SHOTS / "screen-reject-390.png"), full_page=True)
    page.get_by_label("ขอข้อมูลเพิ่มเติมจากผู้ร้อง").check()
    assert visible("question") and not visible("reason") and not visible("category")
    page.locator("[name=question]").fill("ขอสำเนาสลิปเงินเดือน")
    page.get_by_role("button", name="บันทึกผลการคัดกรอง").click()
    page.wait_for_url("**/staff/inbox")
    assert status_of(factory, case_id) == "awaiting_information"
    context.close()


def test_without_a_script_every_decision_can_be_completed(
    browser, server, people, open_cases, factory
):
    rejected, referred = open_cases("ขอให้ตรวจสอบเพื่อนบ้าน", "นายจ้างเลิกจ้างไม่เป็นธรรม")
    context, page = new_page(browser, script=False)
    sign_in(page, server, "screener")

    page.goto(f"{server}/staff/tasks/{task_at(factory, rejected, 'screen').id}")
    assert page.locator("[data-field=reason]").is_hidden()
    page.get_by_label("ไม่รับเรื่อง").check()
    page.get_by_role("button", name=SHOW).click()  # the server draws the reason
    page.locator("[name=reason]").fill("ไม่อยู่ในอำนาจหน้าที่")
    assert page.get_by_label("ไม่รับเรื่อง").is_checked()
    page.get_by_role("button", name="บันทึกผลการคัดกรอง").click()
    page.wait_for_url("**/staff/inbox")
    assert status_of(factory, rejected) == "rejected"

    page.goto(f"{server}/staff/tasks/{task_at(factory, referred, 'screen').id}")
    page.get_by_label("ส่งต่อหน่วยงาน").check()
    page.get_by_role("button", name="บันทึกผลการคัดกรอง").click()  # category and area kept
    page.wait_for_url("**/staff/inbox")
    assert "ถึงกระทรวงแรงงานแล้ว" in page.locator(".flash").inner_text()
    assert status_of(factory, referred) == "referred"

    task_id = task_at(factory, referred, "agency_acknowledge").id
    other, officer = new_page(browser, script=False)
    sign_in(officer, server, "labour")
    officer.goto(f"{server}/staff/tasks/{task_id}")
    officer.get_by_role("button", name="รับงาน").click()
    officer.get_by_role("button", name="รับเรื่อง").click()
    officer.wait_for_url("**/staff/inbox")
    assert status_of(factory, referred) == "in_progress"
    other.close()
    context.close()
