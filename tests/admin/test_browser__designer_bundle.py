"""The process designer's browser bundle (admin/static/build/designer.js, from frontend/designer/)
on its real page template and the staff web's real CSP, in Debian's chromium. The server side of
the designer is stood in for by small routes that serve the shipped complaint process as a draft,
record what the page saves, and answer the Validate button with one finding."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import jsonify, render_template, request

from damrong.app import create_app
from damrong.config import Config
from tests.admin.test_browser__staff import sign_in
from tests.browser import live_server

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "admin" / "static" / "build" / "designer.js"
SHOTS = Path("/tmp/designer_shots")
FONT = "Noto Sans Thai"
PAGE = "/staff/_test/designer"
# Thai vowels and tone marks written above, below or after a consonant: never first on a line.
MARKS = re.compile("^[\u0e30-\u0e3a\u0e45\u0e47-\u0e4e]")


class FakeDesignerServer:
    """The designer's load, save, validate and reference URLs, as the page expects them."""

    def __init__(self) -> None:
        processes = ROOT / "processes"
        self.files = {
            p.name: p.read_text(encoding="utf-8") for p in sorted(processes.glob("*.bpmn"))
        }
        self.files["routing.dmn"] = (processes / "routing.dmn").read_text(encoding="utf-8")
        self.forms = {
            p.stem: json.loads(p.read_text(encoding="utf-8"))
            for p in sorted((processes / "forms").glob("*.json"))
        }
        self.lock = 7
        self.saves: list[dict] = []
        self.validations: list[dict] = []
        self.conflict = False
        self.reference = True
        self.changed = threading.Event()

    def install(self, app) -> None:  # type: ignore[no-untyped-def]
        """The page (in the staff blueprint: its sign-in, CSP, template helpers) and the URLs."""

        def page():  # type: ignore[no-untyped-def]
            return render_template(
                "staff/designer/modeler.html",
                process_id="complaint",
                title="เรื่องร้องเรียน (ร่าง)",
                load_url="/_test/designer/load",
                save_url="/_test/designer/save",
                validate_url="/_test/designer/validate",
                reference_url="/_test/designer/reference" if self.reference else None,
                lock=self.lock,
                back_url="/staff/",
            )

        def load():  # type: ignore[no-untyped-def]
            return jsonify(
                files=self.files, forms=self.forms, lock=self.lock, process_id="complaint"
            )

        def save():  # type: ignore[no-untyped-def]
            body = request.get_json()
            body["csrf"] = request.headers.get("X-CSRF-Token", "")
            self.saves.append(body)
            self.changed.set()
            if self.conflict or body.get("lock") != self.lock:
                return jsonify(error="conflict"), 409
            self.lock += 1
            self.files = body["files"]
            return jsonify(lock=self.lock)

        def validate():  # type: ignore[no-untyped-def]
            self.validations.append(request.get_json())
            finding = {
                "file": "complaint.bpmn",
                "line": 187,
                "element": "review",
                "name": "ตรวจสอบผล จากหน่วยงาน",
                "severity": "error",
                "code": "unknown-form",
                "message": "แบบฟอร์ม 'review_v9' ไม่มีในร่างนี้",
                "rewrite": "review",
            }
            return jsonify(findings=[finding])

        def reference():  # type: ignore[no-untyped-def]
            return jsonify(
                roles=[
                    {"code": "screener", "name_th": "เจ้าหน้าที่กลั่นกรอง", "name_en": "Screener"},
                    {
                        "code": "agency_officer",
                        "name_th": "เจ้าหน้าที่หน่วยงาน",
                        "name_en": "Agency officer",
                    },
                ],
                forms=[{"code": name, "name_th": name, "name_en": name} for name in self.forms],
                sla_policies=[
                    {"code": "standard_15", "name_th": "15 วันทำการ", "name_en": "15 working days"}
                ],
                statuses=[],  # empty: the bundle's own vocabulary
                processes=[
                    {
                        "code": "agency_handling",
                        "name_th": "หน่วยงานดำเนินการ",
                        "name_en": "Agency handling",
                    }
                ],
            )

        app.add_url_rule(PAGE, endpoint="staff._test_designer", view_func=page)
        app.add_url_rule("/_test/designer/load", view_func=load)
        app.add_url_rule("/_test/designer/save", view_func=save, methods=["PUT"])
        app.add_url_rule("/_test/designer/validate", view_func=validate, methods=["POST"])
        app.add_url_rule("/_test/designer/reference", view_func=reference)
        # Chromium asks for /favicon.ico on its own schedule and logs its 404 as a console error
        # with no response event; the app serves no icon (see the closing note).
        app.add_url_rule("/favicon.ico", endpoint="_test_favicon", view_func=lambda: ("", 204))

    def wait_for_save(self, count: int, timeout: float = 10) -> dict:
        """The `count`-th save the page sent (waiting for it)."""
        for _ in range(int(timeout * 10)):
            if len(self.saves) >= count:
                return self.saves[count - 1]
            self.changed.wait(0.1)
            self.changed.clear()
        raise AssertionError(f"the page sent {len(self.saves)} saves, expected {count}")


@pytest.fixture
def fake() -> FakeDesignerServer:
    if not BUNDLE.exists():
        pytest.fail("admin/static/build/designer.js is missing: run `make install`")
    return FakeDesignerServer()


@pytest.fixture
def server(factory, database_url, clock, fake) -> Iterator[str]:  # type: ignore[no-untyped-def]
    app = create_app(Config(database_url=database_url, secret_key="designer-test"), clock=clock)
    fake.install(app)
    with live_server(app) as url:
        yield url


def open_designer(browser, server: str, width: int, height: int):  # type: ignore[no-untyped-def]
    """A signed-in official's page on the designer, drawn; with the page's CSP complaints."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="th-TH")
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, server, "screener")
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )
    page.goto(server + PAGE)
    page.wait_for_selector("#designer[data-ready=true]")
    page.evaluate("document.fonts.ready")
    return context, page, problems


def designer(page, script: str):  # type: ignore[no-untyped-def]
    """Evaluate `script` with `d` the page's designer API and `m` its modeler."""
    api = "const d = document.getElementById('designer').designer; const m = d.modeler;"
    return page.evaluate(f"() => {{ {api} {script} }}")


def test_a_designer_draws_edits_and_saves_in_thai(browser, server, people, fake) -> None:  # type: ignore[no-untyped-def]
    context, page, problems = open_designer(browser, server, 1440, 900)
    ready_ms = int(page.get_attribute("#designer", "data-ready-ms"))
    print(f"\ndesigner: diagram rendered {ready_ms} ms after navigation started")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "designer-1440x900.png"))

    # The complaint process is drawn, its labels in the served Thai font.
    screen = page.locator("[data-element-id=screen]")
    assert screen.is_visible()
    family = screen.locator(".djs-label").evaluate("e => getComputedStyle(e).fontFamily")
    assert family.startswith(f'"{FONT}"'), family
    assert page.evaluate(f"document.fonts.check('16px \"{FONT}\"', 'ก')")
    # Thai labels wrap between words: no line starts with a vowel or tone mark cut off its
    # consonant (it would show on a dotted circle).
    lines = page.locator(".djs-label tspan").evaluate_all("es => es.map(e => e.textContent)")
    assert len(lines) > 40
    assert [line for line in lines if MARKS.match(line)] == []

    # Thai first: the palette, and the properties panel's groups and fields.
    titles = page.locator(".djs-palette .entry").evaluate_all(
        "es => es.map(e => e.getAttribute('aria-label'))"
    )
    assert "สร้างเหตุการณ์เริ่มต้น" in titles and "สร้างงาน" in titles
    page.locator(".djs-palette [data-action='create.start-event']").hover()
    assert page.locator(".djs-palette-tooltip-label").inner_text() == "สร้างเหตุการณ์เริ่มต้น"
    screen.click()
    panel = page.locator(".bio-properties-panel")
    assert "งานของเจ้าหน้าที่" in panel.locator(".bio-properties-panel-header").inner_text()
    assert "ทั่วไป" in panel.inner_text() and "ดำรงธรรม" in panel.inner_text()

    # Damrong's group: the task's status from the fixed vocabulary, its form from the draft's.
    status = page.locator("select[name=damrong-status]")
    assert status.input_value() == "screening"
    status.select_option("awaiting_information")
    assert page.locator("select[name=damrong-form]").input_value() == "screen"
    saved = fake.wait_for_save(1)
    assert saved["lock"] == 7 and saved["csrf"]
    status_property = '<spiffworkflow:property name="status" value="awaiting_information" />'
    assert status_property in saved["files"]["complaint.bpmn"]
    assert saved["files"]["routing.dmn"] == fake.files["routing.dmn"]  # passed through
    page.wait_for_selector("[data-designer=status][data-state=saved]")
    assert "บันทึกร่างแล้ว" in page.inner_text("[data-designer=status]")

    # Renaming the task in the panel saves the new XML, with the lock the server gave.
    name = page.locator("#bio-properties-panel-name")
    name.fill("กลั่นกรองและคัดแยกเรื่อง")
    saved = fake.wait_for_save(2)
    assert saved["lock"] == 8
    assert 'name="กลั่นกรองและคัดแยกเรื่อง"' in saved["files"]["complaint.bpmn"]

    # A task dropped on the canvas and left unconnected: bpmnlint says so, and shows it.
    page.locator(".djs-palette [data-action='create.task']").click()
    box = page.locator("[data-designer=canvas]").bounding_box()
    page.mouse.move(box["x"] + 700, box["y"] + 140)
    page.mouse.click(box["x"] + 700, box["y"] + 140)
    new_id = designer(page, "return m.get('selection').get()[0].id;")
    finding = page.locator(f".finding[data-source=lint] [data-element='{new_id}']").first
    finding.wait_for()
    said = page.locator(f".finding[data-source=lint]:has([data-element='{new_id}'])")
    assert "องค์ประกอบไม่ได้เชื่อมกับเส้นใด" in " ".join(said.all_inner_texts())
    assert "finding-error" in page.locator(f"[data-element-id='{new_id}']").get_attribute("class")
    screen.click()
    finding.click()
    assert designer(page, "return m.get('selection').get().map(e => e.id);") == [new_id]

    # The server's finding, from the Validate button: listed, and it shows its element.
    page.get_by_role("button", name="ตรวจสอบ (Validate)").click()
    server_finding = page.locator(".finding[data-source=server]")
    server_finding.wait_for()
    assert "แบบฟอร์ม 'review_v9' ไม่มีในร่างนี้" in server_finding.inner_text()
    assert "บรรทัด 187" in server_finding.inner_text() and "review" in server_finding.inner_text()
    assert "complaint.bpmn" in fake.validations[0]["files"]
    server_finding.locator("button").click()
    assert designer(page, "return m.get('selection').get().map(e => e.id);") == ["review"]

    # Zoom buttons.
    before = designer(page, "return m.get('canvas').zoom();")
    assert before >= 0.59  # readable at first, not the whole process shrunk to a thumbnail
    page.locator("[data-designer=zoom-in]").click()
    bigger = designer(page, "return m.get('canvas').zoom();")
    page.locator("[data-designer=zoom-out]").click()
    page.locator("[data-designer=zoom-out]").click()
    smaller = designer(page, "return m.get('canvas').zoom();")
    assert bigger > before > smaller

    page.screenshot(path=str(SHOTS / "designer-1440x900-findings.png"), full_page=True)

    # The replace menu (the context pad's wrench) in Thai too.
    page.locator(".djs-context-pad [data-action=replace]").click()
    popup = page.locator(".djs-popup")
    popup.wait_for()
    assert "งานสคริปต์" in popup.inner_text() and "เรียกกระบวนงานอื่น" in popup.inner_text()
    page.keyboard.press("Escape")
    missing = designer(page, "return d.missingStrings();")
    assert problems == [], problems  # no CSP refusals, no script errors
    context.close()
    assert missing == [], f"strings without a Thai translation: {missing}"


def test_someone_elses_save_is_a_conflict_in_thai_and_english(
    browser, server, people, fake
) -> None:  # type: ignore[no-untyped-def]
    context, page, _ = open_designer(browser, server, 1440, 900)
    fake.conflict = True
    designer(page, "m.get('selection').select(m.get('elementRegistry').get('review'));")
    page.locator("#bio-properties-panel-name").fill("ตรวจผลงาน")
    fake.wait_for_save(1)
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "มีผู้อื่นแก้ไขร่างนี้แล้ว" in alert.inner_text()
    assert "Someone else changed this draft" in alert.inner_text()
    assert alert.get_by_role("button", name="โหลดใหม่").is_visible()
    page.locator("#bio-properties-panel-name").fill("ตรวจผลงานอีกครั้ง")
    page.wait_for_timeout(2500)
    assert len(fake.saves) == 1  # nothing more is sent over the other person's draft
    context.close()


def test_on_a_phone_the_panel_stacks_under_the_diagram(browser, server, people, fake) -> None:  # type: ignore[no-untyped-def]
    context, page, problems = open_designer(browser, server, 390, 844)
    canvas = page.locator("[data-designer=canvas]").bounding_box()
    panel = page.locator("[data-designer=properties]").bounding_box()
    assert canvas["width"] > 340 and panel["y"] >= canvas["y"] + canvas["height"]
    page.locator("[data-element-id=received]").click()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "designer-390x844.png"))
    page.screenshot(path=str(SHOTS / "designer-390x844-full.png"), full_page=True)
    assert problems == [], problems
    context.close()


def test_without_reference_lists_a_lanes_role_is_free_text(browser, server, people, fake) -> None:  # type: ignore[no-untyped-def]
    fake.reference = False
    context, page, problems = open_designer(browser, server, 1440, 900)
    designer(
        page, "m.get('selection').select(m.get('elementRegistry').get('lane_agency_officer'));"
    )
    role = page.locator("#bio-properties-panel-damrong-role")
    assert role.evaluate("e => e.tagName") == "INPUT"
    role.fill("agency_officer")
    saved = fake.wait_for_save(1)["files"]["complaint.bpmn"]
    lane = saved[saved.index('<bpmn:lane id="lane_agency_officer"') :]
    lane = lane[: lane.index("</bpmn:lane>")]
    assert '<spiffworkflow:property name="role" value="agency_officer" />' in lane
    status = page.locator("select[name=damrong-status]")  # statuses keep their vocabulary
    designer(page, "m.get('selection').select(m.get('elementRegistry').get('closed'));")
    assert status.input_value() == "closed"
    assert problems == [], problems
    context.close()
