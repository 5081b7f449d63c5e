"""A decision table edited in the designer (dmn-js, in Debian's chromium with no Thai font of its
own): the designer opens a draft of the complaint process, picks routing.dmn from the file list,
the decision table opens in Thai with its cells in the served web font, a cell is changed, the
draft is saved through the same PUT as the diagrams, its DMN carries the change and the server's
validation of the draft still passes. Screenshots in /tmp/designer_shots/."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import delete, select

from damrong.app import create_app
from damrong.config import Config
from engine.models import ActivationRequest, ProcessDraft
from tests.admin.conftest import add_official
from tests.admin.test_browser__designer_pages import BUNDLE, SHOTS, open_page, thai_drawn
from tests.admin.test_browser__staff import sign_in
from tests.browser import live_server

CELL = "td[data-row-id=rule_1][data-col-id=output_routed_agency]"
VALIDATE = """async (url) => {
  const token = document.querySelector('meta[name=csrf-token]').content;
  const r = await fetch(url, {method: 'POST', body: '{}',
    headers: {'Content-Type': 'application/json', 'X-CSRF-Token': token, 'X-CSRFToken': token}});
  return [r.status, await r.json()];
}"""


@pytest.fixture
def server(factory, database_url, clock) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with factory.begin() as session:  # drafts and requests are not emptied by the fixtures
        session.execute(delete(ActivationRequest))
        session.execute(delete(ProcessDraft))
    app = create_app(Config(database_url=database_url, secret_key="browser-test"), clock=clock)
    with live_server(app) as url:
        yield url


@pytest.fixture
def designer(people, factory) -> str:  # type: ignore[no-untyped-def]
    add_official(factory, "designer1", "central", ["designer"])
    return "designer1"


def open_table(page, server: str, designer: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, server, designer)
    page.locator("section[data-process=complaint] button", has_text="สร้างร่าง").click()
    page.wait_for_selector("#designer[data-ready=true]")
    with page.expect_response(lambda r: r.url.endswith("/build/dmn.js") and r.ok):
        page.locator("[data-designer=files]").select_option("routing.dmn")
    page.wait_for_selector(f".designer-dmn {CELL}")
    page.evaluate("document.fonts.ready")


@pytest.mark.parametrize(("width", "height"), [(1366, 900), (390, 844)])
def test_a_decision_table_cell_is_edited_saved_and_still_valid(
    browser, server, designer, factory, width, height
) -> None:  # type: ignore[no-untyped-def]
    if not BUNDLE.exists():
        pytest.fail("admin/static/build/designer.js is missing: run `make install`")
    context, page, problems = open_page(browser, server, width, height)
    open_table(page, server, designer)
    draft_id = int(page.url.rsplit("/", 1)[1])
    with factory() as session:
        lock = session.get(ProcessDraft, draft_id).lock

    # The table reads in Thai, cells and labels in the served Thai font.
    table = page.locator(".designer-dmn .dmn-decision-table-container")
    assert "นโยบายการเลือกกฎ:" in table.inner_text() and "เมื่อ" in table.inner_text()
    assert "หน่วยงานรับผิดชอบ" in table.inner_text()  # the decision's Thai name
    cell = page.locator(f".designer-dmn {CELL}")
    assert cell.evaluate("e => getComputedStyle(e).fontFamily").startswith('"Noto Sans Thai"')
    assert page.evaluate("document.fonts.check('14px \"Noto Sans Thai\"', 'หน่วยงานรับผิดชอบ')")
    assert thai_drawn(page)
    missing = page.evaluate("document.getElementById('designer').designer.dmn().missingStrings()")
    assert missing == [], missing
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"dmn-{width}x{height}.png"), full_page=True)

    # Change rule 1's agency: the page saves every file with the lock, as for a diagram.
    cell.locator(".feel-editor").click()
    editor = cell.locator(".cm-content")
    editor.wait_for()
    page.keyboard.press("ControlOrMeta+a")
    with page.expect_response(lambda r: r.request.method == "PUT" and r.ok):
        page.keyboard.type('"dol"')
        page.locator(".designer-toolbar h1").click()  # leave the cell
    page.wait_for_selector("[data-designer=status][data-state=saved]")
    with factory() as session:
        draft = session.scalar(select(ProcessDraft).where(ProcessDraft.id == draft_id))
        assert draft.lock > lock
        dmn = draft.files["routing.dmn"]
        assert "complaint.bpmn" in draft.files
    rule = dmn[dmn.index('<rule id="rule_1"') :]
    rule = rule[: rule.index("</rule>")]
    assert '"dol"' in rule and '"mol"' not in rule
    assert "หน่วยงานรับผิดชอบ" in dmn and 'id="rule_4"' in dmn  # the rest is kept

    # The server's validation of the saved draft finds no error.
    answer = page.evaluate(VALIDATE, f"/staff/designer/drafts/{draft_id}/validate")
    assert answer[0] == 200, answer
    assert [f for f in answer[1]["findings"] if f["severity"] == "error"] == []

    # Back to the diagram: the modeler draws it again.
    page.locator("[data-designer=files]").select_option("complaint.bpmn")
    page.wait_for_selector("[data-designer=canvas] [data-element-id=screen]")
    assert page.locator(".designer-dmn").is_hidden()
    assert problems == [], problems
    context.close()
