"""Two versions side by side in Debian's chromium (no Thai system font): the old and the new
diagram drawn by the compare bundle, the removed task red in the old one, the added one green in
the new one, the renamed one amber in both, the end event that only moved blue; the legend in
Thai, labels in the served web font; a row of the tables selects and centres its element in both
diagrams, and zooming one zooms the other. Screenshots in /tmp/designer_shots/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete

from damrong.app import create_app
from damrong.config import Config
from engine.models import ActivationRequest, ProcessDraft
from tests.admin.conftest import add_official
from tests.admin.test_browser__designer_pages import open_page, thai_drawn
from tests.admin.test_browser__staff import sign_in
from tests.admin.test_designer__compare import PROCESS, two_versions
from tests.browser import live_server

SHOTS = Path("/tmp/designer_shots")
BUNDLE = Path(__file__).resolve().parents[2] / "admin" / "static" / "build" / "compare.js"
COLOURS = {  # frontend/compare/compare.css
    "added": "rgb(28, 124, 58)",
    "removed": "rgb(179, 38, 30)",
    "changed": "rgb(154, 98, 0)",
    "layout": "rgb(31, 95, 191)",
}


@pytest.fixture
def server(factory, database_url, clock) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with factory.begin() as session:
        session.execute(delete(ActivationRequest))
        session.execute(delete(ProcessDraft))
    app = create_app(Config(database_url=database_url, secret_key="browser-test"), clock=clock)
    with live_server(app) as url:
        yield url


@pytest.fixture
def designer(people, factory, clock) -> str:  # type: ignore[no-untyped-def]
    add_official(factory, "designer1", "central", ["designer"])
    two_versions(factory, clock)
    return "designer1"


def stroke(page, side: str, element: str) -> str:  # type: ignore[no-untyped-def]
    """The outline colour of an element's shape (or flow) in one of the two diagrams."""
    return page.locator(
        f"[data-compare={side}] .djs-element[data-element-id={element}] .djs-visual > :first-child"
    ).evaluate("e => getComputedStyle(e).stroke")


def markers(page, side: str, element: str) -> set[str]:  # type: ignore[no-untyped-def]
    box = page.locator(f"[data-compare={side}] .djs-element[data-element-id={element}]")
    if box.count() == 0:
        return {"(not drawn)"}
    return {c for c in box.get_attribute("class").split() if c.startswith("diff-")}


@pytest.mark.parametrize(("width", "height"), [(1366, 900), (390, 844)])
def test_two_versions_side_by_side_coloured_like_the_tables(
    browser, server, designer, width, height
) -> None:  # type: ignore[no-untyped-def]
    if not BUNDLE.exists():
        pytest.fail("admin/static/build/compare.js is missing: run `make install`")
    context, page, problems = open_page(browser, server, width, height)
    sign_in(page, server, designer)
    page.goto(f"{server}/staff/designer/processes/{PROCESS}?from=1&to=2#compare")
    page.wait_for_selector("#compare-view[data-ready=true]")

    # Removed in the old version, added in the new one, renamed in both, moved only in both.
    assert markers(page, "old", "check") == {"diff-removed"}
    assert markers(page, "new", "check") == {"(not drawn)"}
    assert markers(page, "new", "notify") == {"diff-added"}
    assert markers(page, "old", "notify") == {"(not drawn)"}
    assert markers(page, "old", "receive") == markers(page, "new", "receive") == {"diff-changed"}
    assert markers(page, "old", "end") == markers(page, "new", "end") == {"diff-layout"}
    assert markers(page, "new", "start") == set()  # untouched: no colour
    assert stroke(page, "old", "check") == COLOURS["removed"]
    assert stroke(page, "new", "notify") == COLOURS["added"]
    assert stroke(page, "new", "receive") == COLOURS["changed"]
    assert stroke(page, "new", "end") == COLOURS["layout"]
    assert markers(page, "new", "f_notify_end") == {"diff-added"}  # a new flow, from the differ

    # The legend reads in Thai, in the colours of the marks; the tables' rows say the same.
    legend = page.locator(".compare-legend")
    assert legend.inner_text().split() == ["เพิ่ม", "ลบ", "เปลี่ยน", "ย้ายตำแหน่ง/รูปแบบเท่านั้น"]
    for kind, colour in COLOURS.items():
        swatch = legend.locator(f"li[data-kind={kind}] .swatch")
        assert swatch.evaluate("e => getComputedStyle(e).borderTopColor") == colour
    added_row = page.locator("table.diff-added tr[data-compare-element=notify]")
    assert "แจ้งหน่วยงาน" in added_row.inner_text()
    assert page.locator("table.diff-removed tr[data-compare-element=check]").count() == 1

    # Labels in the served Thai web font (chromium here has no Thai font of its own).
    label = page.locator("[data-compare=new] .djs-element[data-element-id=notify] .djs-label")
    assert label.evaluate("e => getComputedStyle(e).fontFamily").startswith('"Noto Sans Thai"')
    assert page.evaluate("document.fonts.check('12px \"Noto Sans Thai\"', 'แจ้งหน่วยงาน')")
    assert thai_drawn(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    # A row of the table: its element selected and centred in both diagrams.
    page.locator("table.diff-changed tr[data-compare-element=receive]").first.click()
    for side in ("old", "new"):
        shape = page.locator(f"[data-compare={side}] .djs-element[data-element-id=receive]")
        page.wait_for_function("e => e.classList.contains('selected')", arg=shape.element_handle())
        assert centred(page, side, "receive"), side
    page.locator("table.diff-removed tr[data-compare-element=check]").click()
    assert centred(page, "old", "check")

    # Zoom in one place: both diagrams show the same part of the drawing.
    canvas = "document.getElementById('compare-view').compare.viewers[s].get('canvas')"
    before = page.evaluate(f"(s => {canvas}.zoom())('new')")
    page.locator("[data-compare=zoom-in]").click()
    boxes = page.evaluate(
        f"""() => ['old', 'new'].map((s) => {{
             const box = {canvas}.viewbox();
             return [box.x, box.y, box.scale].map((n) => Math.round(n * 100) / 100);
           }})"""
    )
    assert boxes[0] == boxes[1] and boxes[1][2] > before

    page.locator("#compare-view").scroll_into_view_if_needed()
    page.evaluate("document.fonts.ready")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"compare-{width}x{height}.png"), full_page=True)
    assert problems == [], problems
    context.close()


def centred(page, side: str, element: str) -> bool:  # type: ignore[no-untyped-def]
    """The element's middle is near the middle of its diagram's box (within a quarter)."""
    return page.evaluate(
        """([side, id]) => {
             const pane = document.querySelector(`[data-compare=${side}]`).getBoundingClientRect();
             const shape = document
               .querySelector(`[data-compare=${side}] .djs-element[data-element-id=${id}]`)
               .getBoundingClientRect();
             const dx = Math.abs(shape.x + shape.width / 2 - (pane.x + pane.width / 2));
             const dy = Math.abs(shape.y + shape.height / 2 - (pane.y + pane.height / 2));
             return dx < pane.width / 4 && dy < pane.height / 4;
           }""",
        [side, element],
    )
