"""The case workspace's process diagram (admin/static/build/viewer.js, from frontend/viewer/) in
Debian's chromium, which has no Thai system font: the labels must use the served web font, start
at a readable size on the active step, and zoom with the buttons."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from damrong.app import create_app
from damrong.config import Config
from tests.admin.test_browser__staff import sign_in
from tests.admin.test_inbox__scope import screen_and_refer
from tests.browser import live_server

SHOTS = Path("/tmp/designer_shots")
FONT = "Noto Sans Thai"
READY = ".diagram[data-process=agency_handling][data-ready=true]"


@pytest.fixture
def server(factory, database_url, clock) -> Iterator[str]:  # type: ignore[no-untyped-def]
    app = create_app(Config(database_url=database_url, secret_key="browser-test"), clock=clock)
    with live_server(app) as url:
        yield url


@pytest.fixture
def referred_case(people, open_cases, factory, clock) -> int:  # type: ignore[no-untyped-def]
    case_id = open_cases("นายจ้างไม่จ่ายค่าล่วงเวลา", category="labour")[0]
    screen_and_refer(factory, clock, people, case_id)
    return case_id


def open_case(browser, server: str, case_id: int, width: int, height: int):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="th-TH")
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, server, "labour")
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(server + f"/staff/cases/{case_id}")
    page.wait_for_selector(READY)
    page.evaluate("document.fonts.ready")
    return context, page, problems


def zoom(page, process: str) -> float:  # type: ignore[no-untyped-def]
    return page.evaluate(
        f"document.querySelector('.diagram[data-process={process}]').viewer.get('canvas').zoom()"
    )


def test_the_case_diagram_reads_in_thai_and_zooms(browser, server, referred_case) -> None:  # type: ignore[no-untyped-def]
    context, page, problems = open_case(browser, server, referred_case, 1440, 900)
    main = page.locator(".diagram[data-process=complaint]")
    label = main.locator("[data-element-id=screen] .djs-label")
    family = label.evaluate("e => getComputedStyle(e).fontFamily")
    assert family.startswith(f'"{FONT}"'), family
    assert page.evaluate(f"document.fonts.check('16px \"{FONT}\"', 'ก')")

    # Readable at first, and the active step (the agency's call activity) is on screen.
    assert zoom(page, "complaint") >= 0.74
    handle = main.locator("[data-element-id=handle]").bounding_box()
    canvas = main.locator(".diagram-canvas").bounding_box()
    assert (
        canvas["x"] <= handle["x"]
        and handle["x"] + handle["width"] <= canvas["x"] + canvas["width"]
    )
    assert (
        canvas["y"] <= handle["y"]
        and handle["y"] + handle["height"] <= canvas["y"] + canvas["height"]
    )
    main.scroll_into_view_if_needed()
    SHOTS.mkdir(exist_ok=True)
    page.locator("#diagram").screenshot(path=str(SHOTS / "case-diagram-1440x900.png"))

    first = zoom(page, "complaint")
    main.get_by_role("button", name="ขยาย").click()
    assert zoom(page, "complaint") > first
    main.get_by_role("button", name="ย่อ").click()
    main.get_by_role("button", name="ย่อ").click()
    assert zoom(page, "complaint") < first
    main.locator("[data-zoom=fit]").click()
    assert zoom(page, "complaint") == pytest.approx(first)
    assert problems == [], problems
    context.close()


def test_the_case_diagram_on_a_phone(browser, server, referred_case) -> None:  # type: ignore[no-untyped-def]
    context, page, problems = open_case(browser, server, referred_case, 390, 844)
    main = page.locator(".diagram[data-process=complaint]")
    assert zoom(page, "complaint") >= 0.74
    assert main.locator("[data-element-id=handle]").is_visible()
    main.scroll_into_view_if_needed()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "case-diagram-390x844.png"))
    assert problems == [], problems
    context.close()
