"""The form builder in Debian's chromium, on the real Content-Security-Policy: a designer adds a
field with a Thai label and a condition, the preview (drawn by the server's renderer) follows as
they type, hides the field until its condition holds, and Check lists the errors an official
would get. A script written into labels, help and choices stays text in the builder's preview
and in the real task page of a case running on the version carrying that form: no dialog opens.
Screenshots at 1366x900 and 390x844 in /tmp/designer_shots/."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import delete, select

from damrong.app import create_app
from damrong.config import Config
from engine.access.rules import Actor
from engine.models import ActivationRequest, ProcessDraft, Task, User
from engine.workflow import approvals, draftforms, drafts
from forms import builder
from forms.loader import load_schema
from tests.admin.conftest import add_official
from tests.admin.test_browser__designer_pages import SHOTS, fits, open_page, thai_drawn
from tests.admin.test_browser__staff import sign_in
from tests.browser import live_server

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(2)>'


@pytest.fixture
def server(factory, database_url, clock) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with factory.begin() as session:  # drafts and requests are not emptied by the fixtures
        session.execute(delete(ActivationRequest))
        session.execute(delete(ProcessDraft))
    app = create_app(Config(database_url=database_url, secret_key="browser-test"), clock=clock)
    with live_server(app) as url:
        yield url


@pytest.fixture
def designer(people, factory) -> Actor:  # type: ignore[no-untyped-def]
    add_official(factory, "designer1", "central", ["designer"])
    with factory() as session:
        return Actor.for_user(session.scalar(select(User).where(User.username == "designer1")))


def draft_of_complaint(factory, clock, designer: Actor) -> int:  # type: ignore[no-untyped-def]
    with factory.begin() as session:
        return drafts.create(session, clock(), designer, "complaint", from_version=1).id


def no_dialogs(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Every dialog a page opens (an injected alert would be one), dismissed and recorded."""
    opened: list[str] = []

    def seen(dialog) -> None:  # type: ignore[no-untyped-def]
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", seen)
    return opened


@pytest.mark.parametrize(("width", "height"), [(1366, 900), (390, 844)])
def test_a_field_with_a_thai_label_and_a_condition_updates_the_preview_and_is_checked(
    browser, server, designer, factory, clock, width, height
) -> None:  # type: ignore[no-untyped-def]
    draft_id = draft_of_complaint(factory, clock, designer)
    context, page, problems = open_page(browser, server, width, height)
    dialogs = no_dialogs(page)
    sign_in(page, server, "designer1")
    page.goto(f"{server}/staff/designer/drafts/{draft_id}/forms/review")
    assert page.locator("h1").inner_text().startswith("ตัวสร้างแบบฟอร์ม")
    assert page.locator("#fb-preview-button").is_hidden()  # JavaScript refreshes instead

    page.select_option("#fb-new-type", "textarea")
    with page.expect_navigation(wait_until="load"):
        page.click("#fb-add")
    field = page.locator(".fb-field").last
    assert field.locator("[data-type-select]").input_value() == "textarea"
    assert field.locator("[data-for-types='choice choices']").is_hidden()  # no choices here
    with page.expect_response(lambda r: r.url.endswith("/preview") and r.ok):
        field.locator("input[name$=_key]").fill("site_visit")
    with page.expect_response(lambda r: r.url.endswith("/preview") and r.ok):
        field.locator("input[name$=_label_th]").fill("ผลการลงพื้นที่")
    preview = page.locator("#fb-preview")
    preview.locator("[data-field=site_visit]").wait_for()
    assert "ผลการลงพื้นที่" in preview.inner_text()
    assert field.locator("legend").inner_text().endswith("ผลการลงพื้นที่ site_visit")

    field.locator("summary", has_text="เงื่อนไข").click()
    field.locator("input[name$=_required]").check()
    field.locator("select[name$=_show_field]").select_option("review_decision")
    with page.expect_response(lambda r: r.url.endswith("/preview") and r.ok):
        field.locator("input[name$=_show_values]").fill("send_back")
    page.wait_for_function(
        "document.querySelector('#fb-preview [data-field=site_visit]').hidden === true"
    )
    preview.get_by_label("ส่งกลับให้หน่วยงานดำเนินการเพิ่ม").check()
    assert preview.locator("[data-field=site_visit]").is_visible()  # its condition now holds
    assert "ผลการลงพื้นที่" in preview.inner_text()

    with page.expect_navigation(wait_until="load"):
        page.click("#fb-check-button")
    check = page.locator("#fb-check")
    assert "กรุณากรอก «ผลการลงพื้นที่»" in check.inner_text()
    assert "«Why it is sent back» is required" in check.inner_text()
    assert page.locator("#fb-preview .form-field[data-field=site_visit]").is_visible()  # kept
    assert thai_drawn(page) and fits(page)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"form-builder-{width}x{height}.png"), full_page=True)

    with page.expect_navigation(wait_until="load"):
        page.click("#fb-save")
    assert "บันทึกแบบฟอร์ม «review» ในร่างแล้ว" in page.locator(".flash").inner_text()
    with factory() as session:
        saved = session.get(ProcessDraft, draft_id).forms["review"]
    assert saved["properties"]["site_visit"]["title"] == "ผลการลงพื้นที่"
    page.goto(f"{server}/staff/designer/drafts/{draft_id}/forms")
    assert "กลั่นกรองเรื่อง" in page.locator("tr[data-form=screen]").inner_text()
    assert fits(page)
    page.screenshot(path=str(SHOTS / f"form-list-{width}x{height}.png"), full_page=True)
    checked = f"422 {server}/staff/designer/drafts/{draft_id}/forms/review"  # Check's answer
    assert dialogs == [] and [p for p in problems if p != checked] == [], (dialogs, problems)
    context.close()


def test_a_script_in_labels_help_and_choices_stays_text_in_the_preview_and_the_task_page(
    browser, server, designer, factory, clock, people, open_cases
) -> None:  # type: ignore[no-untyped-def]
    draft_id = draft_of_complaint(factory, clock, designer)
    schema = load_schema("screen")
    decision = schema["properties"]["decision"]
    decision["title"] = f"ผลการพิจารณา {SCRIPT}"
    decision["description"] = f"คำอธิบาย {IMAGE}"
    decision["x-enum-labels"]["refer"]["th"] = f"ส่งต่อ {IMAGE}"
    schema["properties"]["reason"]["title"] = f"เหตุผล {IMAGE}"
    builder.check_schema(schema)
    with factory.begin() as session:
        lock = session.get(ProcessDraft, draft_id).lock
        draftforms.save_form(session, clock(), designer, draft_id, "screen", schema, lock)

    context, page, problems = open_page(browser, server, 1366, 900)
    dialogs = no_dialogs(page)
    sign_in(page, server, "designer1")
    page.goto(f"{server}/staff/designer/drafts/{draft_id}/forms/screen")
    preview = page.locator("#fb-preview")
    assert f"ผลการพิจารณา {SCRIPT}" in preview.inner_text()
    assert f"ส่งต่อ {IMAGE}" in preview.inner_text() and f"คำอธิบาย {IMAGE}" in preview.inner_text()
    assert page.locator("img[src=x]").count() == 0
    assert page.locator("input[value=decision]").count() == 1  # the key, then its label:
    label = page.locator(".fb-field", has=page.locator("input[value=decision]"))
    assert label.locator("input[name$=_label_th]").input_value() == f"ผลการพิจารณา {SCRIPT}"
    context.close()

    # Deployed, approved by a second person: a new case runs on that version.
    with factory.begin() as session:
        asked = drafts.deploy(session, clock(), designer, draft_id, note="ทดสอบการหลีกอักขระ")
        approvals.approve(session, clock(), people["admin"], asked.id)
    case_id = open_cases("ไฟฟ้าดับทั้งซอยทุกคืน")[0]
    with factory() as session:
        task_id = session.scalar(select(Task.id).where(Task.case_id == case_id))
    context, page, problems = open_page(browser, server, 1366, 900)
    dialogs += no_dialogs(page)
    sign_in(page, server, "screener")
    page.goto(f"{server}/staff/tasks/{task_id}")
    form = page.locator("form.task-form")
    page.get_by_label("ไม่รับเรื่อง").check()  # the reason shows for a rejection
    assert f"ผลการพิจารณา {SCRIPT}" in form.inner_text()
    assert f"ส่งต่อ {IMAGE}" in form.inner_text() and f"เหตุผล {IMAGE}" in form.inner_text()
    assert page.locator("img[src=x]").count() == 0
    page.screenshot(path=str(SHOTS / "form-escaped-task-1366x900.png"), full_page=True)
    assert dialogs == [] and problems == [], (dialogs, problems)
    context.close()
