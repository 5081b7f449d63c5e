"""The supervisor's day on the demo data in a real browser: the console from the menu shows an
overdue, an at-risk and an escalated case; the supervise form opens from the case page and from
the inbox row; officials who may not supervise the case see no link and are refused."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from damrong import demo
from damrong.app import create_app
from damrong.config import Config
from engine.models import Case
from tests.admin.conftest import add_official
from tests.browser import live_server

OVERDUE, AT_RISK, ESCALATED = (title for title, *_ in demo.FOLLOW_UPS)


@pytest.fixture
def server(factory, database_url, clock) -> Iterator[str]:  # type: ignore[no-untyped-def]
    demo.build(factory, clock)  # what `damrong init --demo` builds, on the test database
    with live_server(
        create_app(Config(database_url=database_url, secret_key="browser-test"), clock=clock)
    ) as url:
        yield url


@pytest.fixture
def new_page(browser):  # type: ignore[no-untyped-def]
    contexts = []

    def make(width: int = 1200, height: int = 900):  # type: ignore[no-untyped-def]
        context = browser.new_context(viewport={"width": width, "height": height}, locale="th-TH")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def sign_in(page, server: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/staff/signin")
    page.fill("#username", username)
    page.fill("#password", demo.PASSWORD)
    with page.expect_navigation(wait_until="load"):
        page.click("button[type=submit].primary")


def case_id(factory, title: str) -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        return session.scalar(select(Case.id).where(Case.title == title))


def test_a_supervisor_sees_late_work_and_opens_the_supervise_form_from_case_and_inbox(
    new_page, server, factory
):
    overdue = case_id(factory, OVERDUE)
    page = new_page()
    sign_in(page, server, "supervisor1")
    page.get_by_role("navigation", name="เมนูหลัก").get_by_role("link", name="งานเกินกำหนด").click()
    assert page.locator("h1").inner_text().startswith("งานเกินกำหนด")
    late = page.locator("tr[data-state=breached]", has_text=OVERDUE)
    assert "เกินกำหนด" in late.inner_text() and "วันทำการ" in late.inner_text()
    assert "รับงานโดย" in late.inner_text()  # who holds it
    risky = page.locator("tr[data-state=at_risk]", has_text=AT_RISK)
    assert "ใกล้ครบกำหนด" in risky.inner_text() and "เหลือ" in risky.inner_text()
    escalated = page.locator("tr[data-escalated]", has_text=ESCALATED).first
    assert "ยกระดับแล้ว" in escalated.inner_text()
    assert "ศูนย์ดำรงธรรมจังหวัดเชียงใหม่" in escalated.inner_text()
    assert escalated.get_by_role("link", name="กำกับติดตาม").count() == 0  # the province acts

    # from the case page
    late.get_by_role("link", name=re.compile(r"^[0-9A-Z]{4}-")).click()
    assert page.locator("h1").inner_text() == OVERDUE
    page.get_by_role("link", name="กำกับติดตาม").click()
    assert page.url == f"{server}/staff/cases/{overdue}/supervise"
    assert OVERDUE in page.locator("h1").inner_text()
    assert "เกินกำหนด" in page.locator("#open-work").inner_text()
    assert page.get_by_label("ขยายเวลา").count() == 1  # the form is there

    # from the inbox row
    page.get_by_role("navigation", name="เมนูหลัก").get_by_role("link", name="กล่องงาน").click()
    page.locator("[data-tab=all]").click()
    row = page.locator("tr.sla-breached", has_text=OVERDUE)
    row.get_by_role("link", name="กำกับติดตาม").click()
    assert page.url == f"{server}/staff/cases/{overdue}/supervise"
    assert OVERDUE in page.locator("h1").inner_text()


def test_the_console_reads_on_a_phone(new_page, server):
    phone = new_page(390, 844)
    sign_in(phone, server, "supervisor1")
    phone.goto(server + "/staff/supervision?order=late")
    phone.evaluate("document.fonts.ready.then(() => true)")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 391  # no sideways scroll
    button = phone.locator("tr", has_text=OVERDUE).get_by_role("link", name="กำกับติดตาม")
    box = button.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    # the inbox's wide table scrolls in its box; its screen-reader texts must not widen the page
    phone.goto(server + "/staff/inbox?tab=all")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 391


def test_who_may_not_supervise_sees_no_link_and_is_refused(new_page, server, factory):
    overdue, escalated = case_id(factory, OVERDUE), case_id(factory, ESCALATED)
    screener = new_page()
    sign_in(screener, server, "screener1")
    screener.goto(f"{server}/staff/cases/{overdue}")
    assert screener.locator("h1").inner_text() == OVERDUE
    assert screener.get_by_role("link", name="กำกับติดตาม").count() == 0
    screener.goto(f"{server}/staff/inbox?tab=all")
    assert screener.locator("a[href$='/supervise']").count() == 0
    refused = screener.goto(f"{server}/staff/cases/{overdue}/supervise")
    assert refused.status in (403, 404)
    assert "Internal Server Error" not in screener.content()

    # the district's supervisor, once the case went up to the province
    district = new_page()
    sign_in(district, server, "supervisor1")
    district.goto(f"{server}/staff/cases/{escalated}")
    assert district.locator("h1").inner_text() == ESCALATED
    assert district.get_by_role("link", name="กำกับติดตาม").count() == 0
    assert district.goto(f"{server}/staff/cases/{escalated}/supervise").status == 403

    # a supervisor of another province
    add_official(factory, "supervisor_bkk", "c10", ["supervisor"])
    other = new_page()
    sign_in(other, server, "supervisor_bkk")
    other.goto(server + "/staff/supervision")
    assert OVERDUE not in other.locator("main").inner_text()
    assert other.locator("a[href$='/supervise']").count() == 0
    for target in (overdue, escalated):
        assert other.goto(f"{server}/staff/cases/{target}/supervise").status in (403, 404)
