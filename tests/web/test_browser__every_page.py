"""Every page each demo role reaches from its menus, in a real browser (Debian's chromium).

The pages are not listed here: from where each role starts, the crawl follows the links of every
page (its menus first, then its content), same origin, GET only, to a fixed depth, one page per
address shape (a case, a task, a table's edit form …), skipping sign-out, downloads and language
switches; so a new page is covered as soon as a menu or a page links to it. On each page:
- every element with Thai text is drawn in the served Thai font (its computed font-family starts
  with it and `document.fonts.check` holds for its text), as a machine without a Thai font needs;
- no `object at 0x` (a model without a name), no server error, no link to a refused page;
- axe-core (npm, pinned in package-lock.json) finds no serious or critical violation;
- at 200% zoom of a 1440-px screen (720 CSS px wide) the page does not scroll sideways.
Then keyboard alone on the key pages: a skip link first, the main action reached by Tab, and
every focused element shows a visible focus ring. SQLite only: the pages do not depend on the
database, and one run keeps CI fast.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from damrong import demo
from damrong.app import create_app
from damrong.config import Config
from damrong.wiring import make_sessionmaker
from engine.access import secrets
from engine.access.rules import Actor
from engine.clock import MovableClock
from engine.models import Case, ProcessDraft, User
from engine.workflow import definitions, drafts
from tests.browser import live_server
from tests.conftest import MUTABLE_TABLES
from tests.resets import reset_processes

pytestmark = pytest.mark.skipif(
    "postgresql" in os.environ.get("DAMRONG_TEST_DATABASE_URL", ""),
    reason="the pages are the same on either database: the every-page crawl runs once, on SQLite",
)

AXE = Path(__file__).parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SERVED_FONT = "Noto Sans Thai"
SECRET = "every-page-test"
DEPTH = 3  # the start page, its menus' pages, their pages, and theirs
STAFF = ["admin", "designer1", "screener1", "supervisor1", "labour1", "executive1"]
SAME_PAGE = {"sort", "desc", "page", "page_size", "url", "next"}
ZOOM = {"viewport": {"width": 720, "height": 900}, "device_scale_factor": 2}  # 1440 px at 200%
NOT_PAGES = re.compile(
    r"/staff/lang/|/export|\.(zip|pdf|json|geojson|csv|js|css|webmanifest|svg|png|ico)(\?|$)"
    r"|/files/|/vendor/|/static/"
)
LINKS = """() => [...document.querySelectorAll('a[href]:not([hreflang]):not([download])')]
  .sort((a, b) => !!b.closest('nav, header') - !!a.closest('nav, header'))
  .map(a => a.href.split('#')[0])"""
THAI_FONT = r"""(family) => {
  const thai = /[\u0E00-\u0E7F]/, code = 'PRE, CODE, KBD, SAMP, .code', wrong = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'].includes(el.tagName)) continue;
    let text = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('');
    if (el.matches('input, textarea')) text += (el.value || '') + (el.placeholder || '');
    text = text.trim();
    if (!thai.test(text)) continue;
    const families = getComputedStyle(el).fontFamily.split(',')
      .map(f => f.trim().replace(/^["']|["']$/g, ''));
    // Code keeps a monospace face first; its Thai falls through to the served font.
    const named = el.closest(code) ? families.includes(family) : families[0] === family;
    if (!named || !document.fonts.check(`16px "${family}"`, text.slice(0, 60))) {
      const tag = `<${el.tagName.toLowerCase()} class="${el.className}">`;
      wrong.push(`${tag} in ${families.join(', ')}: ${text.slice(0, 40)}`);
    }
  }
  const served = [...document.fonts].some(f => f.family.replace(/["']/g, '') === family);
  return served ? wrong : ['the page does not serve ' + family];
}"""
AXE_RUN = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => `${v.id} (${v.impact}): ${v.help} — `
    + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join('; '))"""
FOCUS = """() => { const e = document.activeElement, s = getComputedStyle(e);
  return {tag: e.tagName.toLowerCase(), id: e.id, type: e.type || '',
    text: (e.innerText || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 50),
    ring: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2)
      || s.boxShadow !== 'none'}; }"""


@pytest.fixture(scope="module")
def world(db_engine) -> tuple[sessionmaker[Session], MovableClock]:  # type: ignore[no-untyped-def]
    """The demo, built once for this module on a database emptied as `factory` empties it, with one
    draft of the complaint process so that the designer's draft pages are always crawled (a
    draft another test left behind made the crawl depend on the order tests ran in)."""
    factory, clock = make_sessionmaker(db_engine), MovableClock()
    with factory.begin() as session:
        for model in MUTABLE_TABLES:
            session.execute(delete(model))
        session.execute(delete(ProcessDraft))
        reset_processes(session)
    definitions.forget_all()
    demo.build(factory, clock)
    with factory.begin() as session:
        designer = session.scalar(select(User).where(User.username == "designer1"))
        drafts.create(session, clock(), Actor.for_user(designer), "complaint", from_version=1)
    return factory, clock


@pytest.fixture(scope="module")
def server(world, database_url) -> Iterator[str]:  # type: ignore[no-untyped-def]
    config = Config(database_url=database_url, secret_key=SECRET)
    with live_server(create_app(config, clock=world[1])) as url:
        yield url


def shape(url: str) -> str:
    """One page per address shape: the path without its numbers, and the query's names but those
    that only sort, page or say where to go back to (the same page in another order)."""
    parts = urlsplit(url)
    keys = "&".join(sorted({key for key, _ in parse_qsl(parts.query)} - SAME_PAGE))
    return re.sub(r"\d+", "N", parts.path) + "?" + keys


@functools.cache
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8") + ";0"


def check_page(page, url: str) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    """(problems, links) of one page, opened as its user would."""
    response = page.goto(url, wait_until="load")
    page.evaluate("document.fonts.ready")
    problems = []
    if response is None or response.status >= 400:
        problems.append(f"answers {response.status if response else 'nothing'}")
    if "object at 0x" in page.content():
        problems.append("shows a Python object's address (object at 0x…)")
    problems += page.evaluate(THAI_FONT, SERVED_FONT)[:5]
    page.evaluate(axe_source())  # what add_script_tag would add, without lifting the CSP
    problems += page.evaluate(AXE_RUN)
    wide, screen = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if wide > screen:
        problems.append(f"scrolls sideways at 200% zoom ({wide} px wide on a {screen} px screen)")
    return problems, page.evaluate(LINKS)


def crawl(context, starts: list[str], origin: str) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """Every page reachable from `starts` to DEPTH: {address: problems}."""
    page = context.new_page()
    seen_shapes = {shape(url) for url in starts}
    queue, found = [(url, 0) for url in starts], {}
    while queue:
        url, depth = queue.pop(0)
        found[url], links = check_page(page, url)
        for link in links if depth < DEPTH else []:
            ours = link.startswith(origin + "/") and not NOT_PAGES.search(link)
            if ours and shape(link) not in seen_shapes:
                seen_shapes.add(shape(link))
                queue.append((link, depth + 1))
    page.close()
    return found


def sign_in(context, server: str, username: str) -> str:  # type: ignore[no-untyped-def]
    """Signs in on the staff sign-in page; returns where the user lands."""
    page = context.new_page()
    page.goto(server + "/staff/signin")
    page.fill("#username", username)
    page.fill("#password", demo.PASSWORD)
    with page.expect_navigation(wait_until="load"):
        page.click("button[type=submit].primary")
    landed = page.url
    page.close()
    return landed


def report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{url}\n  - " + "\n  - ".join(p) for url, p in found.items() if p)


@pytest.mark.parametrize("username", STAFF)
def test_every_page_a_staff_role_reaches_is_thai_readable_and_accessible(browser, server, username):
    context = browser.new_context(locale="th-TH", **ZOOM)
    context.set_default_timeout(20_000)
    start = sign_in(context, server, username)
    assert "/staff/signin" not in start, username
    found = crawl(context, [start], server)
    context.close()
    menu = {"admin": "/staff/admin/admin_users/", "designer1": "/staff/designer/processes/"}
    assert any(menu.get(username, "/staff/cases") in url for url in found), sorted(found)
    assert len(found) >= 4, sorted(found)  # the menu's pages at least
    assert not report(found), f"{username}:\n{report(found)}"


def kept_cases(world) -> list[dict]:  # type: ignore[no-untyped-def]
    """The demo's cases as a citizen's phone keeps them ("my cases": code and saved link)."""
    factory, clock = world
    with factory() as session:
        codes = session.scalars(select(Case.tracking_code).order_by(Case.id)).all()
    issued = int(clock().timestamp())
    return [
        {
            "code": code,
            "path": "/portal/t/" + secrets.make_tracking_token(code, SECRET.encode(), issued),
        }
        for code in codes
    ]


def test_every_portal_and_directory_page_a_citizen_reaches_is_thai_readable_and_accessible(
    browser, server, world
):
    context = browser.new_context(locale="th-TH", **ZOOM)
    context.set_default_timeout(20_000)
    kept = json.dumps(kept_cases(world))
    context.add_init_script(f"localStorage.setItem('damrong.myCases', {json.dumps(kept)})")
    found = crawl(context, [server + "/portal/"], server)
    context.close()
    assert any("/directory" in url for url in found), sorted(found)
    assert any("/portal/t/" in url for url in found), sorted(found)  # their kept cases
    assert any("/portal/complaint" in url for url in found), sorted(found)
    assert not report(found), f"citizen:\n{report(found)}"


def tab_to(page, selector: str, limit: int = 80) -> list[dict]:  # type: ignore[no-untyped-def]
    """Presses Tab until `selector` has the focus; returns each element focused on the way."""
    path = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        path.append(page.evaluate(FOCUS))
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return path
    raise AssertionError(f"Tab never reached {selector}: {[p['text'] or p['tag'] for p in path]}")


def skip_link_first(page) -> dict:  # type: ignore[no-untyped-def]
    """The first Tab of a page: the skip link, shown on screen; Enter moves on to the content."""
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUS)
    assert first["text"] == "ข้ามไปยังเนื้อหาหลัก", first
    box = page.locator(":focus").bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, box  # not left off-screen when focused
    page.keyboard.press("Enter")
    return first


def unringed(path: list[dict]) -> list[dict]:
    return [p for p in path if not p["ring"]]


def test_an_official_signs_in_claims_and_reaches_the_task_form_by_keyboard_alone(browser, server):
    context = browser.new_context(locale="th-TH", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(server + "/staff/signin")
    assert page.evaluate("document.activeElement.id") == "username"  # the cursor is there at once
    page.keyboard.type("screener1")
    path = tab_to(page, "#password")
    page.keyboard.type(demo.PASSWORD)
    path += tab_to(page, "main button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "กล่องงาน"
    path += [skip_link_first(page)] + tab_to(page, "main table .primary")  # claim, or open
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/staff/tasks/" in page.url
    path += tab_to(page, ".task-form button[value=submit]")  # the task's main action
    context.close()
    assert not unringed(path), f"focused without a visible focus ring: {unringed(path)}"


def test_a_citizen_reaches_the_complaint_forms_send_button_by_keyboard_alone(browser, server):
    context = browser.new_context(locale="th-TH", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server + "/portal/")
    path = [skip_link_first(page)] + tab_to(page, "main a.button--primary")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/portal/complaint" in page.url
    path += tab_to(page, "main button.button--primary[type=submit]", limit=150)
    context.close()
    assert not unringed(path), f"focused without a visible focus ring: {unringed(path)}"


def test_an_administrator_reaches_a_tables_new_record_by_keyboard_alone(browser, server):
    context = browser.new_context(locale="th-TH", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(context, server, "admin")
    page.goto(server + "/staff/admin/admin_users/")
    path = [skip_link_first(page)] + tab_to(page, "main a[href*='/new/']")
    context.close()
    assert not unringed(path), f"focused without a visible focus ring: {unringed(path)}"
