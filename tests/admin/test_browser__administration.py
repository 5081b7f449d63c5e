"""The administration in Debian's chromium, as an official reads it: every page of its menu at desk
and phone width, with every Thai text drawn in the served web font (whatever fonts the machine
has), rows named (never `object at 0x`), Flask-Admin's own words in Thai, and times in Bangkok
time in the Buddhist Era; then the same pages in English. Screenshots in /tmp/admin_shots/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from damrong.app import create_app
from damrong.config import Config
from engine.models import AuditEvent, Category
from tests.admin.test_browser__staff import sign_in
from tests.browser import live_server

SHOTS = Path("/tmp/admin_shots")
FONT = "Noto Sans Thai"
ISO_TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d)?(\.\d+)?\+00:00")

# Every element whose own text (or value, placeholder) has Thai, and is not drawn in the served
# font first: a machine without a Thai system font would show those as boxes.
NOT_SERVED_FONT = """font => {
  const thai = /[\\u0E00-\\u0E7F]/, bad = [];
  for (const e of document.querySelectorAll('body *')) {
    if (['SCRIPT', 'STYLE', 'TEMPLATE'].includes(e.tagName)) continue;
    const own = [...e.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('')
      + (e.value || '') + (e.placeholder || '');
    const family = getComputedStyle(e).fontFamily;
    if (thai.test(own) && !family.startsWith(`"${font}"`)) {
      bad.push(`${e.tagName}.${e.className}: ${family}: ${own.trim().slice(0, 30)}`);
    }
  }
  return bad;
}"""


@pytest.fixture
def server(factory, database_url, clock) -> Iterator[str]:  # type: ignore[no-untyped-def]
    app = create_app(Config(database_url=database_url, secret_key="browser-test"), clock=clock)
    with live_server(app) as url:
        yield url


def open_page(browser, width: int, height: int):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="th-TH")
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )
    return context, page, problems


def menu(page, server: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The administration's pages, read from its menu (a new view is covered without a change)."""
    page.goto(server + "/staff/admin/")
    links = page.locator("#admin-navbar-collapse a.nav-link").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    return sorted({href for href in links if href.startswith("/staff/admin/")})


def readable(page, name: str) -> str:  # type: ignore[no-untyped-def]
    """The page's text once its fonts are in, after checking what an official would see."""
    page.evaluate("document.fonts.ready")
    html = page.content()
    assert "object at 0x" not in html, name
    assert ISO_TIME.search(html) is None, (name, ISO_TIME.search(html))
    assert page.evaluate(NOT_SERVED_FONT, FONT) == [], name
    loaded = f"document.fonts.load('16px \"{FONT}\"', 'ผู้ใช้').then(faces => faces.length)"
    assert page.evaluate(loaded) > 0, name  # the served face for Thai is there and loaded
    assert page.evaluate(f"document.fonts.check('16px \"{FONT}\"', 'ผู้ใช้')"), name
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), name
    return page.inner_text("body")


def shoot(page, name: str, width: int, lang: str = "th") -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(exist_ok=True)
    slug = re.sub(r"\W+", "-", name.removeprefix("/staff/admin/")).strip("-") or "index"
    page.screenshot(path=str(SHOTS / f"{lang}-{slug}-{width}.png"), full_page=width > 400)


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_an_administrator_reads_every_page_in_thai(
    browser, server, people, factory, new_category_code, width, height
) -> None:  # type: ignore[no-untyped-def]
    context, page, problems = open_page(browser, width, height)
    sign_in(page, server, "admin")
    pages = menu(page, server)
    assert len(pages) >= 13 and "/staff/admin/admin_users/" in pages

    page.goto(server + "/staff/admin/admin_categories/new/")  # a create form, in Thai
    text = readable(page, "new category")
    assert "สร้างใหม่" in text and "ชื่อภาษาไทย" in text and "__None" not in text
    buttons = page.locator("input[type=submit]").evaluate_all("bs => bs.map(b => b.value)")
    assert buttons == ["บันทึก", "บันทึกและสร้างรายการใหม่", "บันทึกและแก้ไขต่อ"]
    page.locator("#code").fill(new_category_code)
    page.locator("#name_th").fill("น้ำประปา")
    page.locator("#name_en").fill("Water supply")
    page.locator("#keywords").fill('["น้ำประปา"]')
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="บันทึก", exact=True).click()
    assert "สร้างรายการแล้ว" in page.locator(".alert").first.inner_text()  # Flask-Admin's, in Thai
    with factory() as session:
        assert session.get(Category, new_category_code).name_th == "น้ำประปา"
        assert session.scalar(select(AuditEvent.action)) == "admin_created"

    for name in pages:
        page.goto(server + name)
        text = readable(page, name)
        shoot(page, name, width)
        if page.locator("ul.nav-tabs").count():  # a table's list: Flask-Admin's tabs
            tabs = page.locator("ul.nav-tabs").inner_text()
            assert "รายการ" in tabs and "List" not in tabs, name
            assert "Create" not in tabs and "Search" not in tabs and "Add Filter" not in tabs
        if name.endswith("admin_users/"):
            assert "สร้างใหม่" in text and "ชื่อผู้ใช้" in text
            assert page.get_by_role("button", name="ค้นหา").count() == 1
            assert "ศูนย์ดำรงธรรมจังหวัดเชียงใหม่ (c50)" in text
        if name.endswith("admin_audit_events/"):
            assert "23 พ.ย. 2569 09:00 น." in text.replace("\xa0", " ")  # 02:00 UTC
        if name.endswith("admin_process_definitions/"):
            assert "2569" in text and "นำขึ้นระบบเมื่อ" in text

    page.goto(server + "/staff/admin/admin_users/")
    username = page.locator("td.col-username", has_text=re.compile(r"^\s*screener\s*$"))
    with page.expect_navigation(wait_until="load"):
        page.locator("tr", has=username).locator("a[title='แก้ไขรายการ']").click()
    text = readable(page, "edit user")
    chosen = page.locator("#s2id_org_unit .select2-chosen, #org_unit option:checked").first
    assert chosen.inner_text().strip() == "ศูนย์ดำรงธรรมอำเภอเมืองเชียงใหม่ (c5001)"
    assert "ยกเลิก" in text and page.locator("input[value='บันทึกและแก้ไขต่อ']").count() == 1
    shoot(page, "edit-user", width)
    assert problems == [], problems
    context.close()


def test_an_administrator_who_chose_english_reads_it_in_english(browser, server, people) -> None:  # type: ignore[no-untyped-def]
    for width, height in ((1440, 900), (390, 844)):
        context, page, problems = open_page(browser, width, height)
        sign_in(page, server, "admin")
        page.goto(server + "/staff/admin/admin_users/")
        switch = page.locator("a[hreflang=en]").first  # the switch in the menu bar
        if page.locator(".navbar-toggler").is_visible():  # a phone: the menu opens first
            page.locator(".navbar-toggler").click()
            switch.wait_for(state="visible")
            # Followed by its address: a click during the menu's opening animation can land
            # before the link is still, and the navigation it should start never comes.
            page.goto(server + switch.get_attribute("href"), wait_until="load")
        else:
            with page.expect_navigation(wait_until="load"):  # to /staff/lang/en and back here
                switch.click()
        assert page.url.endswith("/staff/admin/admin_users/")
        assert "List" in page.locator("ul.nav-tabs").inner_text()
        for name in menu(page, server):
            page.goto(server + name)
            text = readable(page, name)
            shoot(page, name, width, "en")
            if page.locator("ul.nav-tabs").count():
                tabs = page.locator("ul.nav-tabs").inner_text()
                assert "List" in tabs and "รายการ" not in tabs, name
            if name.endswith("admin_users/"):
                assert "Create" in text and "Username" in text
                assert page.get_by_role("button", name="Search").count() == 1
            if name.endswith("admin_process_definitions/"):
                assert "2569 BE" in text.replace("\xa0", " ") and "Deployed" in text
        assert problems == [], problems
        context.close()
