"""Errors beside their fields, values kept and escaped, Thai by default and English on request."""

from __future__ import annotations

import re

from engine.reference.choices import seed_choices
from forms.formdata import format_date
from forms.loader import shared_schema
from forms.render import render_field, render_form
from forms.validation import validate
from tests.forms.htmlform import element_ids, posted

SEED = seed_choices()  # forms take their lists from the caller; these are the seed's

XSS = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


def _field_html(html: str, name: str) -> str:
    """The wrapper div of one field."""
    start = html.index(f'data-field="{name}"')
    end = html.find('<div class="form-field', start + 1)
    return html[start : end if end > 0 else len(html)]


def test_errors_sit_beside_their_fields_and_are_described() -> None:
    schema = shared_schema("screen")
    errors = {e.field: e for e in validate(schema, {"decision": "reject"})}
    html = str(render_form("screen", {"decision": "reject"}, errors, choices=SEED))
    reason = _field_html(html, "reason")
    assert 'id="f-reason-error"' in reason and "กรุณากรอก «เหตุผล»" in reason
    assert 'aria-describedby="f-reason-hint f-reason-error"' in reason
    assert 'aria-invalid="true"' in reason
    assert "f-reason-error" not in _field_html(html, "decision")
    # The summary at the top links to the field.
    assert '<a href="#f-reason">กรุณากรอก «เหตุผล»</a>' in html
    assert html.index("form-error-summary") < html.index('data-field="decision"')


def test_english_labels_hints_choices_and_errors() -> None:
    errors = {e.field: e for e in validate(shared_schema("screen"), {})}
    html = str(render_form("screen", {}, errors, lang="en", choices=SEED))
    assert "Decision" in html and "What to do with this complaint." in html
    assert "Refer to an agency" in html and "«Decision» is required" in html
    assert "ผลการพิจารณา" not in html and "กรุณากรอก" not in html


def test_thai_is_the_default() -> None:
    html = str(render_form("review", None, None, choices=SEED))
    assert "ผลการตรวจสอบ" in html and "รับผลและแจ้งผู้ร้อง" in html
    assert "Review decision" not in html


def test_script_in_values_and_messages_stays_text() -> None:
    values = {"title": XSS, "description": "</textarea>" + XSS, "complainant": {"name": XSS}}
    errors = {"title": (XSS, XSS), "": ("<b>ทั้งฟอร์ม</b>", "<b>form</b>")}
    html = str(render_form("intake", values, errors, choices=SEED))
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>ทั้งฟอร์ม</b>" not in html and "&lt;b&gt;ทั้งฟอร์ม&lt;/b&gt;" in html
    # What comes back from the browser is exactly what was typed.
    back = posted(html)
    assert back["title"] == XSS and back["description"] == "</textarea>" + XSS
    assert back["complainant.name"] == XSS


def test_values_are_kept_in_every_widget() -> None:
    values = {
        "title": "ถนนชำรุด",
        "category": "health",
        "area_code": "500101",
        "channel": "letter",
        "anonymous": True,
        "occurred_on": "2026-01-31",
        "lat": 18.5,
    }
    sent = posted(str(render_form("intake", values, None, choices=SEED)))
    assert sent["title"] == "ถนนชำรุด" and sent["category"] == "health"
    assert sent["area_code:province"] == "50" and sent["area_code:district"] == "5001"
    assert sent["area_code:subdistrict"] == "500101"
    assert sent["channel"] == "letter" and sent["anonymous"] == "true"
    assert (sent["occurred_on:day"], sent["occurred_on:month"]) == ("31", "1")
    assert sent["occurred_on:year"] == "2569" and sent["lat"] == "18.5"


def test_ids_are_unique_and_labels_point_at_them() -> None:
    html = str(render_form("intake", {"area_code": "50"}, None, choices=SEED))
    ids = element_ids(html)
    assert len(ids) == len(set(ids))
    for target in re.findall(r'<label[^>]* for="([^"]+)"', html):
        assert target in ids


def test_area_picker_lists_provinces_then_the_chosen_province_districts() -> None:
    html = str(render_form("intake", {"area_code": "50"}, None, choices=SEED))
    area = _field_html(html, "area_code")
    assert area.count("<option") > 77 + 20  # the provinces and Chiang Mai's districts
    assert '<option value="5001">เมืองเชียงใหม่</option>' in area
    assert 'name="area_code:subdistrict" data-level="subdistrict" disabled' in area
    assert 'name="_refresh" value="area_code"' in area  # works without JavaScript
    assert 'data-areas-url="/api/v1/areas?parent="' in area
    english = str(render_form("intake", {"area_code": "10"}, None, "en", choices=SEED))
    assert '<option value="10" selected>Bangkok</option>' in english


def test_agency_picker_offers_agencies_only_and_accepts_live_lists() -> None:
    html = str(render_form("screen", {"agency": "mol"}, None, choices=SEED))
    agency = _field_html(html, "agency")
    assert '<option value="mol" selected>กระทรวงแรงงาน</option>' in agency
    assert 'value="central"' not in agency and "— ไม่ระบุ —" in agency
    live = [{"code": "x1", "name_th": "หน่วยใหม่", "name_en": "New unit", "kind": "agency"}]
    html = str(render_form("screen", None, None, "en", choices={"agency": live}))
    assert '<option value="x1">New unit</option>' in _field_html(html, "agency")


def test_category_picker_explains_each_category() -> None:
    html = str(render_form("intake", {"category": "labour"}, None, choices=SEED))
    category = _field_html(html, "category")
    assert '<option value="labour" selected>แรงงาน</option>' in category
    assert "ค่าจ้าง การเลิกจ้าง" in category and "ประเภทไหนตรงกับเรื่องของฉัน" in category


def test_one_field_alone_and_a_file_upload() -> None:
    html = str(
        render_field(
            "intake", "complainant.phone", {}, {"complainant.phone": ("ผิด", "bad")}, choices=SEED
        )
    )
    assert 'type="tel"' in html and 'name="complainant.phone"' in html and "ผิด" in html
    from forms.fields import Field
    from forms.render import _environment
    from forms.texts import texts_for

    macros = _environment().get_template("fields.html").module
    upload = Field(name="photos", widget="file", label="รูปถ่าย", multiple=True, accept="image/*")
    out = str(macros.field(upload, texts_for("th")))
    assert 'type="file"' in out and "multiple" in out and 'accept="image/*"' in out


def test_dates_read_in_the_buddhist_era() -> None:
    assert format_date("2026-11-29") == "29 พฤศจิกายน 2569"
    assert format_date("2026-11-29", "en") == "29 November 2569 BE (2026)"
