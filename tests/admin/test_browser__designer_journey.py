"""The designer's whole day in Debian's chromium (issue 15's quality bar): a designer opens the
complaint process, makes a form with a new field, adds a user task in the screeners' lane, sees
the one finding on the new element and fixes it, test-runs a scenario through the new task,
deploys v2 as a draft with a note; a second designer approves it. A case opened then runs on v2
while an earlier one stays on v1; the earlier one is migrated after a dry run; rolling back makes
new cases start on v1 again. Screenshots in /tmp/designer_shots/journey-*.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from engine.models import ProcessDefinition, ProcessDraft, WorkflowInstance
from tests.admin.conftest import add_official
from tests.admin.test_browser__designer_pages import BUNDLE, open_page, server  # noqa: F401
from tests.admin.test_browser__staff import sign_in

SHOTS = Path("/tmp/designer_shots")
NEW_TASK = "ตรวจซ้ำโดยหัวหน้างาน"
FIELD_LABEL = "ผลการตรวจซ้ำ"


def version_of(factory, case_id: int) -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        definition_id = session.get(WorkflowInstance, case_id).definition_id
        return session.get(ProcessDefinition, definition_id).version


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(exist_ok=True)
    page.evaluate("document.fonts.ready")
    page.screenshot(path=str(SHOTS / f"journey-{name}.png"), full_page=True)


def test_a_designer_changes_the_complaint_process_and_a_colleague_approves_it(
    browser,
    server,  # noqa: F811  (the imported fixture)
    people,
    factory,
    open_cases,
) -> None:  # type: ignore[no-untyped-def]
    if not BUNDLE.exists():
        pytest.fail("admin/static/build/designer.js is missing: run `make install`")
    for name in ("designer1", "designer2"):
        add_official(factory, name, "central", ["designer"])
    [earlier] = open_cases("นายจ้างไม่จ่ายค่าจ้างสองเดือน")
    assert version_of(factory, earlier) == 1

    context, page, problems = open_page(browser, server, 1440, 900)
    sign_in(page, server, "designer1")
    page.locator("section[data-process=complaint] button", has_text="สร้างร่าง").click()
    page.wait_for_selector("#designer[data-ready=true]")
    draft_url = page.url
    draft_id = int(draft_url.rsplit("/", 1)[1])

    # 1. A form with a new field, made in the builder (no JSON Schema in sight).
    page.locator("[data-tool=forms]").click()
    page.fill("#new-name", "double_check")
    page.locator("#new-name").press("Enter")
    page.wait_for_selector("#fb-add")
    page.select_option("#fb-new-type", "textarea")
    page.click("#fb-add")
    page.wait_for_selector("input[name=_f0_key]")
    page.fill("input[name=_title_th]", NEW_TASK)
    page.fill("input[name=_f0_key]", "check_note")
    page.fill("input[name=_f0_label_th]", FIELD_LABEL)
    page.fill("input[name=_f0_label_en]", "Second check")
    page.check("input[name=_f0_required]")
    page.click("#fb-save")
    page.wait_for_load_state("load")
    with factory() as session:
        saved = session.get(ProcessDraft, draft_id).forms["double_check"]
    assert saved["properties"]["check_note"]["title"] == FIELD_LABEL
    assert "check_note" in saved["required"]
    shot(page, "form-builder")

    # 2. A user task in the screeners' lane, between screening and its decision.
    page.goto(draft_url)
    page.wait_for_selector("#designer[data-ready=true]")
    flow = page.locator("[data-element-id=flow_screen__screen_decision]")
    box = flow.bounding_box()
    page.click(".djs-palette .entry[data-action='space-tool']")  # make room first
    x = box["x"] + box["width"] / 2
    lane_y = box["y"] + 300
    page.mouse.move(x, lane_y)
    page.mouse.down()
    page.mouse.move(x + 80, lane_y)
    page.mouse.move(x + 160, lane_y)
    page.mouse.up()
    box = flow.bounding_box()
    page.click(".djs-palette .entry[data-action='create.task']")
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x - 5, y + 3)
    page.mouse.move(x, y)
    page.mouse.click(x, y)
    page.click(".djs-context-pad .entry[data-action=replace]")
    page.click(".djs-popup [data-id=replace-with-user-task]")
    new_id = page.evaluate(
        "document.querySelector('.djs-element.selected').getAttribute('data-element-id')"
    )
    assert new_id.startswith("Activity_")

    # 3. One finding, on the new element; clicking it selects the element; naming it fixes it.
    findings = page.locator(".finding")
    findings.first.wait_for()
    mine = [f for f in findings.all() if new_id in f.inner_text()]
    assert len(mine) == 1 and "ยังไม่มีชื่อ" in mine[0].inner_text()
    assert findings.count() == 1, [f.inner_text() for f in findings.all()]
    page.locator("[data-element-id=screen]").click()  # select something else first
    mine[0].click()
    selected = page.evaluate(
        "Array.from(document.querySelectorAll('.djs-element.selected'))"
        ".map(e => e.getAttribute('data-element-id'))"
    )
    assert selected == [new_id]
    page.fill("#bio-properties-panel-name", NEW_TASK)
    page.locator(f".finding:has-text('{new_id}')").wait_for(state="detached")
    page.locator("#group-damrong select, [data-group-id=group-damrong] select").first.wait_for()
    form_select = page.locator("[data-group-id=group-damrong] select").first
    with page.expect_response(lambda r: r.request.method == "PUT" and r.ok):
        form_select.select_option("double_check")
    page.wait_for_selector("[data-designer=status][data-state=saved]")
    with factory() as session:
        xml = session.get(ProcessDraft, draft_id).files["complaint.bpmn"]
    assert f'id="{new_id}"' in xml and NEW_TASK in xml and "double_check" in xml
    shot(page, "modeler")

    # 4. A test-run through the new task: the real services, nothing kept.
    page.locator("[data-tool=test-run]").click()
    page.locator("#start-form button[type=submit]").click()
    page.wait_for_selector("#complete-task")
    page.check("input[name=decision][value=refer]")
    page.click("#complete-task")
    page.wait_for_selector(f"li[data-task={new_id}]")
    if page.locator("textarea[name=check_note]").count() == 0:
        page.locator(f"li[data-task={new_id}] button").click()
    page.click("#complete-task")  # empty: the officials' error (a 422), nothing lost
    assert page.locator("#task-form").get_by_text("จำเป็น").count() >= 1
    assert problems.pop().startswith("422 "), "the refused form is the only problem"
    page.fill("textarea[name=check_note]", "ตรวจแล้ว เอกสารครบ")
    page.click("#complete-task")
    page.wait_for_selector(f"li[data-task={new_id}]", state="detached")
    steps = page.locator("table.steps").inner_text()
    assert new_id in steps and "referred" in page.locator("#case-status").inner_text()
    page.fill("#save input[name=name]", "double_check_path")
    page.click("#save-scenario")
    page.wait_for_load_state("load")
    with factory() as session:
        scenario = session.get(ProcessDraft, draft_id).scenarios["double_check_path"]
        assert new_id in scenario["expect"]["path"]
        assert (
            session.scalar(select(WorkflowInstance).where(WorkflowInstance.case_id > earlier))
            is None
        )
    shot(page, "test-run")

    # 5. Deploy v2 as a version waiting for approval, with a note.
    page.goto(draft_url)
    page.wait_for_selector("#designer[data-ready=true]")
    page.locator("#deploy-note").fill("เพิ่มการตรวจซ้ำก่อนส่งต่อหน่วยงาน")
    page.get_by_role("button", name="ติดตั้งและขออนุมัติ").click()
    page.wait_for_url("**/staff/designer/processes/complaint")
    assert "ติดตั้งรุ่น 2 แล้ว (ยังไม่เปิดใช้)" in page.locator(".flash").inner_text()
    assert page.locator("table.requests").get_by_role("button", name="อนุมัติและเปิดใช้").count() == 0

    # 6. A second designer approves it; a case opened now runs on v2, the earlier one on v1.
    other, other_page, other_problems = open_page(browser, server, 1440, 900)
    sign_in(other_page, server, "designer2")
    other_page.goto(server + "/staff/designer/processes/complaint")
    other_page.locator("table.requests").get_by_role("button", name="อนุมัติและเปิดใช้").click()
    other_page.wait_for_load_state("load")
    assert "ใช้งานอยู่" in other_page.locator("table.versions tr[data-version='2']").inner_text()
    [later] = open_cases("ถูกเลิกจ้างโดยไม่ได้รับค่าชดเชย")
    assert (version_of(factory, earlier), version_of(factory, later)) == (1, 2)

    # 7. The earlier case moves to v2 after a dry run.
    page.goto(server + "/staff/designer/processes/complaint/migrate")
    page.select_option("select[name=from]", "1")
    page.select_option("select[name=to]", "2")
    page.get_by_role("button", name="ทดลองย้าย (ไม่เปลี่ยนข้อมูล)").click()
    page.wait_for_selector("[data-summary]")
    assert "ย้ายได้ 1 เรื่อง" in page.locator("[data-summary]").inner_text()
    assert version_of(factory, earlier) == 1
    shot(page, "dry-run")
    page.locator("[data-move]").click()
    page.wait_for_selector("[data-back]")
    assert "ย้ายแล้ว 1 เรื่อง" in page.locator("[data-summary]").inner_text()
    assert version_of(factory, earlier) == 2

    # 8. Rolling back: v1 asked for again and approved; new cases start on v1.
    page.goto(server + "/staff/designer/processes/complaint")
    row = page.locator("table.versions tr[data-version='1']")
    row.locator("summary").click()
    row.locator("textarea[name=note]").fill("ย้อนกลับชั่วคราว รอหน่วยงานพร้อม")
    row.get_by_role("button", name="ส่งคำขอ").click()
    page.wait_for_load_state("load")
    other_page.goto(server + "/staff/designer/processes/complaint")
    other_page.locator("table.requests").get_by_role("button", name="อนุมัติและเปิดใช้").click()
    other_page.wait_for_load_state("load")
    assert "ใช้งานอยู่" in other_page.locator("table.versions tr[data-version='1']").inner_text()
    [rolled_back] = open_cases("นายจ้างให้ทำงานเกินเวลาโดยไม่จ่ายค่าล่วงเวลา")
    assert version_of(factory, rolled_back) == 1
    assert version_of(factory, later) == 2, "running cases stay on their version"
    shot(other_page, "after-rollback")
    assert problems == [] and other_problems == [], problems + other_problems
    other.close()
    context.close()
