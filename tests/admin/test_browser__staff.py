"""The staff web in a real browser (Debian's chromium driven by Playwright) on a real server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from damrong.app import create_app
from damrong.config import Config
from engine.models import AuditEvent, Case, Task
from tests.admin.conftest import PASSWORD
from tests.admin.test_inbox__scope import screen_and_refer
from tests.browser import live_server

SCREENSHOT = Path("/tmp/damrong-staff-inbox.png")


@pytest.fixture
def server(factory, database_url, clock) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with live_server(
        create_app(Config(database_url=database_url, secret_key="browser-test"), clock=clock)
    ) as url:
        yield url


@pytest.fixture
def page(browser, server):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="th-TH")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, server: str, username: str, password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/")  # the portal: staff follow its sign-in link
    page.click("a[href='/staff/']")
    page.fill("#username", username)
    page.fill("#password", password)
    with page.expect_navigation(wait_until="load"):  # the next page with its stylesheet applied
        page.click("button[type=submit].primary")


def test_a_screener_claims_a_task_fixes_an_error_and_the_case_moves_on(
    page, server, people, open_cases, factory
):
    case_id = open_cases("ถนนหน้าหมู่บ้านเป็นหลุมบ่อ น้ำท่วมขัง", category="local_nuisance")[0]
    sign_in(page, server, "screener")
    assert page.locator("h1").inner_text() == "กล่องงาน"
    row = page.locator("tr", has_text="ถนนหน้าหมู่บ้านเป็นหลุมบ่อ")
    assert "sla-on_track" in row.get_attribute("class")
    due = row.locator("td.due").inner_text()
    assert "26 พ.ย. 2569" in due and "เหลือ 3 วันทำการ" in due  # Buddhist Era, working days
    assert "ศรีภูมิ / เมืองเชียงใหม่" in row.inner_text() and "กลั่นกรองเรื่อง" in row.inner_text()
    border = row.locator("td").first.evaluate("e => getComputedStyle(e).borderLeftColor")
    assert border == "rgb(28, 124, 58)"  # green: on track
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('16px \"Noto Sans Thai\"', 'กล่องงาน')")
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    row.get_by_role("button", name="รับงาน").click()
    assert page.locator("h1").inner_text() == "กลั่นกรองเรื่อง"
    page.get_by_label("ศูนย์แก้ไขได้เอง").check()
    page.locator("[name=public_note]").fill("ประสานเทศบาลให้ซ่อมถนนแล้ว")
    page.get_by_role("button", name="บันทึกผลการคัดกรอง").click()
    reason_field = page.locator("[data-field=reason]")
    assert "กรุณากรอก «เหตุผล»" in reason_field.inner_text()  # beside the field, in Thai
    assert page.locator("[name=public_note]").input_value() == "ประสานเทศบาลให้ซ่อมถนนแล้ว"
    assert page.get_by_label("ศูนย์แก้ไขได้เอง").is_checked()

    page.locator("[name=reason]").fill("เทศบาลรับไปซ่อมภายในสัปดาห์นี้")
    page.get_by_role("button", name="บันทึกผลการคัดกรอง").click()
    assert page.url.endswith("/staff/inbox")
    assert "บันทึกงานของเรื่อง" in page.locator(".flash").inner_text()
    assert page.locator("tr", has_text="ถนนหน้าหมู่บ้านเป็นหลุมบ่อ").count() == 0
    with factory() as session:
        assert session.get(Case, case_id).status == "resolved"


def test_an_agency_officer_is_never_shown_another_agencys_task(
    page, server, people, open_cases, factory, clock
):
    labour_case, road_case = (
        open_cases("นายจ้างค้างจ่ายค่าจ้างสองเดือน", category="labour")[0],
        open_cases("โรงงานปล่อยกลิ่นเหม็นตอนกลางคืน", category="local_nuisance")[0],
    )
    for case_id in (labour_case, road_case):
        screen_and_refer(factory, clock, people, case_id)
    open_cases("เรื่องใหม่ยังไม่กลั่นกรอง", category="labour")
    sign_in(page, server, "labour")
    page.goto(server + "/staff/inbox?tab=unclaimed")
    body = page.locator("table.inbox").inner_text()
    assert "นายจ้างค้างจ่ายค่าจ้างสองเดือน" in body
    assert "โรงงานปล่อยกลิ่นเหม็น" not in body and "เรื่องใหม่ยังไม่กลั่นกรอง" not in body
    with factory() as session:
        other = session.scalar(select(Task.id).where(Task.case_id == road_case))
    response = page.goto(server + f"/staff/tasks/{other}")
    assert response.status == 403 and "ไม่มีสิทธิ์" in page.inner_text("main")
    page.get_by_role("link", name="เรื่องร้องเรียน").click()  # the case list: their agency's only
    cases = page.locator("main").inner_text()
    assert "นายจ้างค้างจ่ายค่าจ้างสองเดือน" in cases
    assert "โรงงานปล่อยกลิ่นเหม็น" not in cases and "เรื่องใหม่ยังไม่กลั่นกรอง" not in cases
    response = page.goto(server + f"/staff/cases/{road_case}")
    assert response.status == 403


def test_an_official_signs_in_and_out(page, server, people):
    page.goto(server + "/staff/inbox")
    assert "/staff/signin" in page.url  # strangers are sent to sign in, and come back after
    page.fill("#username", "screener")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    assert page.url.endswith("/staff/inbox") and page.locator("h1").inner_text() == "กล่องงาน"
    assert "screener · ศูนย์ดำรงธรรม" in page.locator(".who .user").inner_text()
    nav = page.locator("header nav").inner_text()
    assert "กล่องงาน" in nav and "ผู้ดูแลระบบ" not in nav and "รับเรื่อง" not in nav
    page.get_by_role("button", name="ออกจากระบบ").click()
    assert "/staff/signin" in page.url
    page.goto(server + "/staff/inbox")
    assert "/staff/signin" in page.url and page.locator("#username").is_visible()


def test_five_wrong_passwords_make_this_browser_wait_then_sign_in_works(
    page, server, people, clock
):  # type: ignore[no-untyped-def]
    for _ in range(5):
        sign_in(page, server, "screener", "not-the-password")
        assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in page.inner_text("[role=alert]")
    sign_in(page, server, "screener")  # the right password, but this address must wait first
    assert "ใส่รหัสผ่านผิดหลายครั้ง กรุณารอ 2 วินาที" in page.inner_text("[role=alert]")
    assert page.locator("#username").input_value() == "screener"
    clock.advance(seconds=3)  # a growing delay, not a 15-minute lock-out of the account
    sign_in(page, server, "screener")
    assert page.locator("h1").inner_text() == "กล่องงาน"


def test_a_post_without_the_csrf_token_is_refused(page, server, people, open_cases, factory):
    open_cases("ทดสอบการปลอมคำขอ")
    sign_in(page, server, "screener")
    with factory() as session:
        task_id = session.scalar(select(Task.id))
    forged = page.request.post(server + f"/staff/tasks/{task_id}/claim", form={"x": "1"})
    assert forged.status == 400
    with factory() as session:
        assert session.get(Task, task_id).assignee_id is None


def test_english_switch_and_phone_layout(browser, server, people, open_cases):
    open_cases("ทดสอบบนโทรศัพท์")
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = context.new_page()
    sign_in(phone, server, "screener")
    phone.get_by_role("link", name="English").click()
    assert phone.locator("h1").inner_text() == "Inbox"
    assert "Nov 2569 BE" in phone.locator("td.due").first.inner_text()
    phone.evaluate("document.fonts.ready.then(() => true)")  # measure the page as it settles
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1  # no sideways scrolling of the whole page
    context.close()


def test_a_supervisor_extends_an_overdue_deadline_with_a_reason(
    page, server, people, open_cases, factory, clock
):
    case_id = open_cases("ลูกจ้างถูกเลิกจ้างโดยไม่ได้รับค่าชดเชย", category="labour")[0]
    screen_and_refer(factory, clock, people, case_id)
    clock.advance(days=40)
    sign_in(page, server, "supervisor")
    page.get_by_role("link", name="งานเกินกำหนด").click()
    group = page.locator("section[data-unit=mol]")
    assert "กระทรวงแรงงาน" in group.inner_text()
    group.locator("tr", has_text="ลูกจ้างถูกเลิกจ้าง").get_by_role("link", name="ติดตาม").click()
    agency_task = select(Task.due_at).where(Task.case_id == case_id, Task.role == "agency_officer")
    with factory() as session:
        due_before = session.scalar(agency_task)
    page.get_by_label("ขยายเวลา").check()
    page.locator("[name=extend_days]").fill("5")
    page.get_by_role("button", name="บันทึกคำสั่ง").click()
    assert "เหตุผล" in page.locator("[data-field=reason]").inner_text()
    page.locator("[name=reason]").fill("หน่วยงานขอเวลาตรวจสอบเอกสารเพิ่ม")
    page.get_by_role("button", name="บันทึกคำสั่ง").click()
    assert page.url.endswith(f"/staff/cases/{case_id}")
    assert "ขยายกำหนดเวลา" in page.locator("#timeline").inner_text()
    with factory() as session:
        due_after = session.scalar(agency_task)
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "sla_extended"))
    assert due_after > due_before and event.actor_label == "supervisor"
    assert event.detail["reason"] == "หน่วยงานขอเวลาตรวจสอบเอกสารเพิ่ม"
    page.get_by_role("link", name="งานเกินกำหนด").click()
    assert page.locator("tr", has_text="ลูกจ้างถูกเลิกจ้าง").count() == 0


def test_an_admin_adds_a_category(page, server, people, factory, new_category_code):
    sign_in(page, server, "admin")
    page.get_by_role("link", name="ผู้ดูแลระบบ").click()
    page.goto(server + "/staff/admin/admin_categories/new/")
    page.fill("#code", "water_supply")
    page.fill("#name_th", "น้ำประปา")
    page.fill("#name_en", "Water supply")
    page.fill("#keywords", '["น้ำไม่ไหล"]')
    page.locator("input[type=submit]").first.click()
    assert "water_supply" in page.inner_text("body")
    with factory() as session:
        from engine.models import AuditEvent, Category

        assert session.get(Category, "water_supply").name_th == "น้ำประปา"
        assert session.scalar(select(AuditEvent.id).where(AuditEvent.action == "admin_created"))


def choose_area(page, subdistrict: str) -> None:  # type: ignore[no-untyped-def]
    """Pick province, district and subdistrict in the area picker, each list filled in turn."""
    district = subdistrict[:4]
    page.select_option("[name='area_code:province']", subdistrict[:2])
    page.wait_for_selector(
        f"[name='area_code:district'] option[value='{district}']", state="attached"
    )
    page.select_option("[name='area_code:district']", district)
    page.wait_for_selector(
        f"[name='area_code:subdistrict'] option[value='{subdistrict}']", state="attached"
    )
    page.select_option("[name='area_code:subdistrict']", subdistrict)


def test_an_intake_officer_registers_a_walk_in_complaint_and_gets_a_receipt(
    page, server, people, factory
):
    sign_in(page, server, "intake")
    assert page.locator("h1").inner_text() == "รับเรื่องร้องเรียน"
    page.get_by_label("ติดต่อด้วยตนเอง").check()
    page.locator("[name=title]").fill("ไฟฟ้าดับบ่อยในหมู่บ้าน")
    page.locator("[name=description]").fill("ไฟฟ้าดับวันละหลายครั้ง เครื่องใช้ไฟฟ้าเสียหาย")
    page.select_option("[name=category]", "local_nuisance")
    choose_area(page, "500101")
    page.locator("[name='complainant.name']").fill("สมศรี มีสุข")
    page.locator("[name=consent]").check()
    page.get_by_role("button", name="บันทึกและออกใบรับเรื่อง").click()
    assert page.locator("h1").inner_text() == "ใบรับเรื่องร้องเรียน"
    with factory() as session:
        case = session.scalar(select(Case))
    assert page.inner_text("#tracking-code") == case.tracking_code
    assert page.inner_text("#registration-number") == case.registration_number
    assert case.channel == "walk_in" and case.area_code == "500101"
    assert page.get_by_role("button", name="พิมพ์ใบรับเรื่อง").is_visible()


def test_the_diagram_highlights_the_current_step(page, server, people, open_cases, factory, clock):
    case_id = open_cases("นายจ้างไม่จ่ายค่าล่วงเวลา", category="labour")[0]
    screen_and_refer(factory, clock, people, case_id)
    sign_in(page, server, "labour")
    page.goto(server + f"/staff/cases/{case_id}")
    page.wait_for_selector(".diagram[data-process=agency_handling][data-ready=true]")
    main = page.locator(".diagram[data-process=complaint]")
    assert "done" in main.locator("[data-element-id=screen]").get_attribute("class")
    assert "active" in main.locator("[data-element-id=handle]").get_attribute("class")
    sub = page.locator(".diagram[data-process=agency_handling]")
    assert "active" in sub.locator("[data-element-id=agency_acknowledge]").get_attribute("class")
    page.screenshot(path="/tmp/damrong-staff-diagram.png", full_page=True)
