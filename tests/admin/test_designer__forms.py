"""The form builder's pages as designers use them: a draft's forms with the tasks using each, a
form built field by field (a Thai label, choices, a condition) with the preview drawn as the inbox
draws it and sample data checked, saved against the draft's lock (a stale save refused with the
work kept), the JSON view refusing what is not a usable form; other roles refused, nothing
changed on any refusal."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from engine.models import AuditEvent, ProcessDraft
from tests.admin.test_designer__pages import designers, new_draft, no_drafts, signed_in
from tests.forms.htmlform import posted

__all__ = ["designers", "no_drafts"]  # fixtures used here
FORM = re.compile(r'<form method="post" action="[^"]*/forms/[^"]*" class="fb".*?</form>', re.S)


def builder_url(draft_id: int, name: str) -> str:
    return f"/staff/designer/drafts/{draft_id}/forms/{name}"


def state_of(html: str):  # type: ignore[no-untyped-def]
    """What the builder page's browser would post (its own form only)."""
    found = FORM.search(html)
    assert found, "no builder form on the page"
    return posted(found.group(0))


def slot(data, key: str) -> str:  # type: ignore[no-untyped-def]
    """The input prefix of a field by key (`_f3_`): PostgreSQL gives a copied form's fields back
    in its own order, so tests find fields by key, never by position."""
    count = int(data["_count"])
    return next(f"_f{i}_" for i in range(count) if data[f"_f{i}_key"] == key)


def setting(data, **values: str):  # type: ignore[no-untyped-def]
    """The posted data with these inputs set (each to one value, as a browser sends it)."""
    data = data.copy()
    for key, value in values.items():
        data[key] = value
    return data


def press(client, draft_id: int, name: str, data, button: str):  # type: ignore[no-untyped-def]
    data = data.copy()
    data["_do"] = button
    return client.post(builder_url(draft_id, name), data=data)


def stored(factory, draft_id: int) -> tuple[dict, int]:  # type: ignore[no-untyped-def]
    with factory() as session:
        draft = session.get(ProcessDraft, draft_id)
        return dict(draft.forms), draft.lock


def test_the_drafts_forms_are_listed_with_the_tasks_using_them(app, designers):
    client, token = signed_in(app, "designer1")
    draft_id = new_draft(client, token)
    page = client.get(f"/staff/designer/drafts/{draft_id}/forms")
    assert page.status_code == 200
    screen = page.text[page.text.index('data-form="screen"') :]
    assert "พิจารณากลั่นกรองเรื่อง" in screen.split("</tr>")[0]
    assert "กลั่นกรองเรื่อง</span>" in screen.split("</tr>")[0]  # the task naming it
    assert f'href="{builder_url(draft_id, "screen")}"' in page.text
    new = client.get(f"/staff/designer/drafts/{draft_id}/forms?name=inspect_site")
    assert new.headers["Location"] == builder_url(draft_id, "inspect_site")
    bad = client.get(f"/staff/designer/drafts/{draft_id}/forms?name=../x")
    assert bad.status_code == 422 and "ชื่อแบบฟอร์ม" in bad.text
    client.get("/staff/lang/en")
    assert "Used by tasks" in client.get(f"/staff/designer/drafts/{draft_id}/forms").text


def test_the_builder_shows_a_shipped_form_its_preview_and_json(app, designers):
    client, token = signed_in(app, "designer1")
    draft_id = new_draft(client, token)
    page = client.get(builder_url(draft_id, "screen"))
    assert page.status_code == 200
    data = state_of(page.text)
    decision, reason = slot(data, "decision"), slot(data, "reason")
    assert data[decision + "type"] == "choice"
    assert "reject | ไม่รับเรื่อง | Reject" in data[decision + "choices"]
    assert (
        data[reason + "show_field"] == "decision"
        and data[reason + "show_values"] == "reject, resolve"
    )
    preview = page.text[page.text.index('id="fb-preview"') :]
    assert 'name="decision" value="refer"' in preview  # the inbox's radio buttons
    assert 'data-field="reason" hidden' in preview  # shown once «reject» or «resolve» is chosen
    assert json.loads(data["_schema"])["properties"]["decision"]["enum"][0] == "refer"
    assert "duplicate_of" in page.text[page.text.index("fb-kept-list") :]  # JSON-view-only part


def test_a_field_with_a_thai_label_and_a_condition_is_added_checked_and_saved(
    app, designers, factory
):
    client, token = signed_in(app, "designer1")
    draft_id = new_draft(client, token)
    data = state_of(client.get(builder_url(draft_id, "review")).text)
    data["_new_type"] = "textarea"
    added = press(client, draft_id, "review", data, "add")
    assert added.status_code == 200
    data = state_of(added.text)
    n = int(data["_count"]) - 1
    data = setting(
        data,
        **{
            f"_f{n}_key": "site_visit",
            f"_f{n}_label_th": "ผลการลงพื้นที่",
            f"_f{n}_label_en": "Site visit",
            f"_f{n}_required": "on",
            f"_f{n}_show_field": "review_decision",
            f"_f{n}_show_values": "send_back",
            f"_f{n}_max": "500",
        },
    )
    preview = press(client, draft_id, "review", data, "preview")
    assert 'data-field="site_visit" hidden' in preview.text  # until «send back» is chosen
    assert '"site_visit": [{"field": "review_decision", "values": ["send_back"]}]' in preview.text
    sample = setting(state_of(preview.text), review_decision="send_back", reason="ไม่ครบ")
    checked = press(client, draft_id, "review", sample, "check")
    assert checked.status_code == 422
    assert "กรุณากรอก «ผลการลงพื้นที่»" in checked.text and "«Site visit» is required" in checked.text
    sample = setting(state_of(checked.text), review_decision="accept", site_visit="ไปแล้ว")
    hidden = press(client, draft_id, "review", sample, "check")
    assert "ไม่อนุญาตให้กรอก «ผลการลงพื้นที่»" in hidden.text  # hidden: may not be sent
    forms_before, lock = stored(factory, draft_id)
    saved = press(client, draft_id, "review", state_of(hidden.text), "save")
    assert saved.status_code == 302, saved.text
    forms, new_lock = stored(factory, draft_id)
    assert new_lock == lock + 1 and set(forms) == set(forms_before)
    node = forms["review"]["properties"]["site_visit"]
    assert node == {
        "title": "ผลการลงพื้นที่",
        "x-title-en": "Site visit",
        "type": "string",
        "maxLength": 500,
        "x-widget": "textarea",
    }
    assert {
        "if": {
            "properties": {"review_decision": {"const": "send_back"}},
            "required": ["review_decision"],
        },
        "then": {"required": ["site_visit"]},
        "else": {"properties": {"site_visit": False}},
    } in forms["review"]["allOf"]
    assert forms["review"]["properties"]["reason"] == forms_before["review"]["properties"]["reason"]
    with factory() as session:
        assert session.scalar(
            select(func.count()).where(AuditEvent.action == "process_draft_form_saved")
        )


def test_fields_are_moved_and_removed_with_their_conditions(app, designers):
    client, token = signed_in(app, "designer1")
    draft_id = new_draft(client, token)
    data = state_of(client.get(builder_url(draft_id, "review")).text)
    keys = [data[f"_f{i}_key"] for i in range(3)]
    moved = state_of(press(client, draft_id, "review", data, "down:0").text)
    assert [moved[f"_f{i}_key"] for i in range(3)] == [keys[1], keys[0], keys[2]]
    at = slot(moved, "review_decision")[2]
    gone = state_of(press(client, draft_id, "review", moved, f"remove:{at}").text)
    assert gone["_count"] == "2" and gone[slot(gone, "reason") + "req_field"] == ""  # went too


def test_a_stale_save_is_refused_and_the_work_stays_on_the_page(app, designers, factory):
    client, token = signed_in(app, "designer1")
    draft_id = new_draft(client, token)
    mine = state_of(client.get(builder_url(draft_id, "review")).text)
    other, other_token = signed_in(app, "designer2")
    theirs = state_of(other.get(builder_url(draft_id, "review")).text)
    theirs["_title_th"] = "ตรวจผล (ฉบับของผู้อื่น)"
    assert press(other, draft_id, "review", theirs, "save").status_code == 302
    before = stored(factory, draft_id)
    mine["_title_th"] = "ตรวจผล ฉบับของฉัน"
    stale = press(client, draft_id, "review", mine, "save")
    assert stale.status_code == 409
    assert "บันทึกจากที่อื่น" in stale.text and 'value="ตรวจผล ฉบับของฉัน"' in stale.text
    assert stored(factory, draft_id) == before
    again = press(client, draft_id, "review", state_of(stale.text), "save")  # knowingly
    assert again.status_code == 302
    assert stored(factory, draft_id)[0]["review"]["title"] == "ตรวจผล ฉบับของฉัน"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"D_key": "class"}, "คำสงวน"),
        ({"D_key": "ชื่อไทย"}, "รหัสช่อง"),
        ({"R_key": "review_decision"}, "ซ้ำกับช่องอื่น"),
        ({"D_label_th": ""}, "ชื่อช่องภาษาไทย"),
        ({"D_type": "rocket"}, "ไม่รู้จักชนิด"),
        ({"D_choices": "a | ก\na | ข"}, "ซ้ำกัน"),
        ({"D_choices": "<b> | ก"}, "รหัสตัวเลือก"),
        ({"R_max": "ห้า"}, "ไม่ใช่ตัวเลข"),
        ({"R_min": "10", "R_max": "2"}, "ค่าต่ำสุดมากกว่าค่าสูงสุด"),
        ({"R_req_field": "reason"}, "ต้องอ้างถึงช่องอื่น"),
        ({"R_req_values": "maybe"}, "ไม่ใช่ maybe"),
        ({"D_extra": "[1]"}, "ข้อมูลที่ซ่อนไว้"),
        ({"D_label_th": "ก" * 301}, "ยาวเกิน"),
    ],
)
def test_bad_builder_input_is_refused_precisely_and_changes_nothing(
    app, designers, factory, change, message
):
    client, token = signed_in(app, "designer1")
    draft_id = new_draft(client, token)
    data = state_of(client.get(builder_url(draft_id, "review")).text)
    before = stored(factory, draft_id)
    for key, value in change.items():  # D_: the decision field's inputs, R_: the reason's
        field = "review_decision" if key.startswith("D_") else "reason"
        data[slot(data, field) + key[2:]] = value
    refused = press(client, draft_id, "review", data, "save")
    assert refused.status_code == 422 and message in refused.text, refused.text[:3000]
    assert stored(factory, draft_id) == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[1, 2]", "ออบเจ็กต์ JSON"),
        ("{nope", "อ่าน JSON ไม่ได้"),
        ('{"type": "object", "type": "object"}', "ซ้ำกัน"),
        ("[" * 5000 + "]" * 5000, "ลึกเกิน"),
        ('{"type": "object", "properties": {"a": ' * 40 + "{}" + "}}" * 40, "ลึกเกิน"),
        ('{"type": "object", "properties": {"x": {"type": "rocket"}}}', "JSON Schema ไม่ถูกต้อง"),
        ('{"type": "array"}', "แบบฟอร์มต้องมี"),
        ('{"type": "object", "properties": {"not a key": {}}}', "รหัสช่อง"),
        (
            '{"type": "object", "properties": {"a": {"$ref": "https://evil.example/s"}}}',
            "ภายในแบบฟอร์ม",
        ),
        (
            '{"type": "object", "properties": {"a": {"type": "string", "pattern": "(a+)+$"}}}',
            "pattern",
        ),
        ('{"type": "object", "properties": {"a": {"type": "number", "minimum": NaN}}}', "NaN"),
        ('{"type": "object", "x": "' + "k" * 270_000 + '"}', "256 KB"),
    ],
)
def test_the_json_view_refuses_what_is_no_usable_form(app, designers, factory, text, message):
    client, token = signed_in(app, "designer1")
    draft_id = new_draft(client, token)
    data = state_of(client.get(builder_url(draft_id, "review")).text)
    before = stored(factory, draft_id)
    data["_schema"] = text
    refused = press(client, draft_id, "review", data, "json-save")
    assert refused.status_code == 422 and message in refused.text, refused.text[:2000]
    assert stored(factory, draft_id) == before


def test_the_json_view_loads_into_the_builder_and_saves(app, designers, factory):
    client, token = signed_in(app, "designer1")
    draft_id = new_draft(client, token)
    data = state_of(client.get(builder_url(draft_id, "inspect_site")).text)
    schema = {
        "title": "ตรวจสถานที่",
        "type": "object",
        "properties": {"visited": {"title": "ไปแล้ว", "type": "boolean", "x-widget": "yesno"}},
        "required": ["visited"],
    }
    data["_schema"] = json.dumps(schema, ensure_ascii=False)
    loaded = press(client, draft_id, "inspect_site", data, "json-apply")
    assert loaded.status_code == 200 and state_of(loaded.text)["_f0_type"] == "yesno"
    assert "inspect_site" not in stored(factory, draft_id)[0]  # applied, not saved
    assert press(client, draft_id, "inspect_site", data, "json-save").status_code == 302
    assert stored(factory, draft_id)[0]["inspect_site"] == schema


def test_a_form_is_removed_from_the_draft(app, designers, factory):
    client, token = signed_in(app, "designer1")
    draft_id = new_draft(client, token)
    data = state_of(client.get(builder_url(draft_id, "review")).text)
    gone = press(client, draft_id, "review", data, "delete")
    assert gone.status_code == 302
    assert "review" not in stored(factory, draft_id)[0]


def test_the_preview_alone_answers_the_builders_script(app, designers):
    client, token = signed_in(app, "designer1")
    draft_id = new_draft(client, token)
    data = state_of(client.get(builder_url(draft_id, "review")).text)
    data[slot(data, "review_decision") + "label_th"] = "ผลการตรวจ (แก้ไข)"
    answer = client.post(builder_url(draft_id, "review") + "/preview", data=data)
    assert answer.status_code == 200 and "ผลการตรวจ (แก้ไข)" in answer.text
    assert "<html" not in answer.text and 'name="review_decision"' in answer.text


@pytest.mark.parametrize("role", ["screener", "supervisor", "executive", "labour", "intake"])
def test_other_roles_are_refused_and_nothing_changes(app, designers, factory, role):
    client, token = signed_in(app, "designer1")
    draft_id = new_draft(client, token)
    data = state_of(client.get(builder_url(draft_id, "review")).text)
    before = stored(factory, draft_id)
    other, other_token = signed_in(app, role)
    data["csrf_token"] = other_token
    assert other.get(f"/staff/designer/drafts/{draft_id}/forms").status_code == 403
    assert other.get(builder_url(draft_id, "review")).status_code == 403
    assert press(other, draft_id, "review", data, "save").status_code == 403
    assert other.post(builder_url(draft_id, "review") + "/preview", data=data).status_code == 403
    assert stored(factory, draft_id) == before


def test_a_forged_lock_or_draft_is_refused(app, designers, factory):
    client, token = signed_in(app, "designer1")
    draft_id = new_draft(client, token)
    data = state_of(client.get(builder_url(draft_id, "review")).text)
    before = stored(factory, draft_id)
    for lock in ("", "-1", "1e9", "x" * 50):
        data["_lock"] = lock
        assert press(client, draft_id, "review", data, "save").status_code == 422
    assert press(client, 999_999, "review", data, "save").status_code in (404, 422)
    assert client.get(builder_url(999_999, "review")).status_code == 404
    assert client.get(builder_url(draft_id, "Bad.Name")).status_code == 422
    assert stored(factory, draft_id) == before
