"""The designer's pages in Debian's chromium (no Thai system font: the served web font must draw
the Thai): a designer signs in and lands on the library, opens the complaint process and its
versions, makes a draft that the real modeler loads and saves through the server, validates it
and deploys it as a version waiting for a second person. Screenshots in /tmp/designer_shots/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from damrong.app import create_app
from damrong.config import Config
from engine.models import ActivationRequest, ProcessDraft
from tests.admin.conftest import add_official
from tests.admin.test_browser__staff import sign_in
from tests.browser import live_server

SHOTS = Path("/tmp/designer_shots")
FONT = "Noto Sans Thai"
BUNDLE = Path(__file__).resolve().parents[2] / "admin" / "static" / "build" / "designer.js"


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


def open_page(browser, server: str, width: int, height: int):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="th-TH")
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems: list[str] = []
    # (A failed resource is reported by the response listener with its address; the console's
    # copy has none, and the browser's own /favicon.ico probe has only that copy.)
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )
    return context, page, problems


def thai_drawn(page) -> bool:  # type: ignore[no-untyped-def]
    """The page's Thai is drawn in the served web font (chromium here has no Thai font)."""
    page.evaluate("document.fonts.ready")
    family = page.locator("h1").evaluate("e => getComputedStyle(e).fontFamily")
    return family.startswith(f'"{FONT}"') and page.evaluate(
        f"document.fonts.check('16px \"{FONT}\"', 'กระบวนงาน')"
    )


def fits(page) -> bool:  # type: ignore[no-untyped-def]
    """Nothing makes the page wider than the screen (wide tables scroll inside their box)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_a_designer_lands_on_the_library_and_opens_the_complaint_process(
    browser, server, designer, width, height
) -> None:  # type: ignore[no-untyped-def]
    context, page, problems = open_page(browser, server, width, height)
    sign_in(page, server, designer)
    assert page.url.endswith("/staff/designer/")
    assert page.locator("h1").inner_text() == "กระบวนงาน"
    complaint = page.locator("section[data-process=complaint]")
    assert "เรื่องร้องเรียน" in complaint.locator("h2").inner_text()
    assert "ใช้งานอยู่" in complaint.locator("tr[data-version='1']").inner_text()
    assert "2569" in complaint.inner_text()  # the Buddhist Era
    assert thai_drawn(page) and fits(page)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"library-{width}x{height}.png"), full_page=True)

    complaint.locator("h2 a").click()
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text().startswith("เรื่องร้องเรียน")
    row = page.locator("table.versions tr[data-version='1']")
    assert "ใช้งานอยู่" in row.inner_text() and "system" in row.inner_text()
    assert "สร้างร่างจากรุ่นนี้" in row.inner_text()
    assert thai_drawn(page) and fits(page)
    page.screenshot(path=str(SHOTS / f"process-{width}x{height}.png"), full_page=True)
    assert problems == [], problems
    context.close()


def test_a_draft_is_drawn_saved_validated_and_deployed_for_approval(
    browser, server, designer, factory
) -> None:  # type: ignore[no-untyped-def]
    if not BUNDLE.exists():
        pytest.fail("admin/static/build/designer.js is missing: run `make install`")
    context, page, problems = open_page(browser, server, 1440, 900)
    sign_in(page, server, designer)
    page.locator("section[data-process=complaint] button", has_text="สร้างร่าง").click()
    page.wait_for_selector("#designer[data-ready=true]")
    draft_id = int(page.url.rsplit("/", 1)[1])
    with factory() as session:
        lock = session.get(ProcessDraft, draft_id).lock

    # The modeler loaded the draft from the server; renaming a task saves it back.
    page.locator("[data-element-id=screen]").click()
    with page.expect_response(lambda r: r.request.method == "PUT" and r.ok):
        page.locator("#bio-properties-panel-name").fill("กลั่นกรองและคัดแยกเรื่อง")
    page.wait_for_selector("[data-designer=status][data-state=saved]")
    saved = _saved(factory, draft_id, lock)
    assert 'name="กลั่นกรองและคัดแยกเรื่อง"' in saved.files["complaint.bpmn"]
    assert saved.updated_by == designer

    # Validate: the server's findings (warnings only) are listed under the diagram.
    page.get_by_role("button", name="ตรวจสอบ (Validate)").click()
    page.locator(".finding[data-source=server]").first.wait_for()
    page.evaluate("document.fonts.ready")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "draft-1440x900.png"), full_page=True)

    # Deploy from the panel below the modeler: a version not live, and a request for it.
    page.locator("#deploy-note").fill("เปลี่ยนชื่องานกลั่นกรองให้ชัดขึ้น")
    page.get_by_role("button", name="ติดตั้งและขออนุมัติ").click()
    page.wait_for_url("**/staff/designer/processes/complaint")
    assert "ติดตั้งรุ่น 2 แล้ว (ยังไม่เปิดใช้)" in page.locator(".flash").inner_text()
    row = page.locator("table.versions tr[data-version='2']")
    assert "มีคำขอเปิดใช้รออนุมัติ" in row.inner_text() and "ให้ชัดขึ้น" in row.inner_text()
    requests = page.locator("table.requests")
    assert "รอผู้ออกแบบคนอื่นหรือผู้ดูแลระบบอนุมัติ" in requests.inner_text()
    assert requests.get_by_role("button", name="อนุมัติและเปิดใช้").count() == 0  # not their own
    page.screenshot(path=str(SHOTS / "process-after-deploy-1440x900.png"), full_page=True)
    assert problems == [], problems
    context.close()


def _saved(factory, draft_id: int, lock: int) -> ProcessDraft:  # type: ignore[no-untyped-def]
    """The draft as the page's save left it (the caller waited for the PUT's answer)."""
    with factory() as session:
        draft = session.scalar(select(ProcessDraft).where(ProcessDraft.id == draft_id))
        assert draft.lock > lock, "the page said saved but the server kept the old lock"
        session.expunge(draft)
        return draft
