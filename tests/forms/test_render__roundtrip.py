"""Every shipped form renders, and what a browser posts back parses to the same JSON."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from engine.reference.choices import seed_choices
from forms.formdata import iter_paths, parse_form, widget_of
from forms.loader import schema_names, shared_schema
from forms.render import render_form
from forms.validation import validate
from tests.forms.htmlform import posted

SEED = seed_choices()  # forms take their lists from the caller; these are the seed's


def _sample(node: dict, name: str) -> object:
    """A valid value for one field, chosen to exercise its widget."""
    widget = widget_of(node)
    if "enum" in node:
        return node["enum"][-1]
    if node.get("const") is True or node.get("type") == "boolean":
        return True
    if widget == "area":
        return "500101"
    if widget == "category":
        return "labour"
    if widget == "agency":
        return "mol"
    if widget == "date":
        return "2026-11-29"
    if node.get("type") == "integer":
        return node.get("minimum", 0) + 1
    if node.get("type") == "number":
        return (node.get("minimum", 0) + node.get("maximum", 10)) / 2 + 0.25
    if node.get("x-widget") == "phone":
        return "0812345678"
    if node.get("format") == "email":
        return "somchai@example.org"
    if node.get("x-widget") == "national_id":
        return "1101700230708"
    if node.get("x-widget") == "case":
        return "ABCD-EFGH-JKM"
    if "pattern" in node and name == "line_user_id":
        return "U" + "0123456789abcdef" * 2
    if widget == "textarea":
        return 'บรรทัดแรก <ข้อความ> & "อัญประกาศ"\nบรรทัดที่สอง'
    return "ข้อความตัวอย่าง " + name


def _full_data(schema: dict) -> dict:
    data: dict = {}
    for path, node in iter_paths(schema):
        *parents, last = path.split(".")
        target = data
        for p in parents:
            target = target.setdefault(p, {})
        target[last] = _sample(node, last)
    return data


@pytest.mark.parametrize("name", schema_names())
@pytest.mark.parametrize("lang", ["th", "en"])
def test_every_form_round_trips(name: str, lang: str) -> None:
    schema = shared_schema(name)
    data = _full_data(schema)
    html = render_form(name, data, None, lang, choices=SEED)
    back = parse_form(name, posted(str(html)))
    assert back == data
    assert not back.problems


@pytest.mark.parametrize("name", schema_names())
def test_an_empty_form_posts_nothing_but_unticked_boxes(name: str) -> None:
    html = render_form(name, None, None, choices=SEED)
    back = parse_form(name, posted(str(html)))
    assert all(v is False for v in back.values()), back


def test_the_intake_round_trip_validates_for_the_web() -> None:
    data = _full_data(shared_schema("intake"))
    data.update(channel="web", lat=18.79, lon=98.98)
    back = parse_form("intake", posted(str(render_form("intake", data, None, choices=SEED))))
    assert validate(shared_schema("intake"), back, context={"channel": "web"}) == []


def test_buddhist_dates_become_iso_and_show_again_in_the_buddhist_era() -> None:
    form = MultiDict({"occurred_on:day": "5", "occurred_on:month": "2", "occurred_on:year": "2568"})
    assert parse_form("intake", form)["occurred_on"] == "2025-02-05"
    html = str(render_form("intake", {"occurred_on": "2025-02-05"}, None, choices=SEED))
    assert 'name="occurred_on:year" id="f-occurred_on-year"\n        value="2568"' in html
    assert '<option value="2" selected>กุมภาพันธ์</option>' in html
    # Thai digits and a year written in the Christian era are understood too.
    thai = MultiDict({"occurred_on:day": "๕", "occurred_on:month": "2", "occurred_on:year": "2025"})
    assert parse_form("intake", thai)["occurred_on"] == "2025-02-05"


def test_an_impossible_date_is_kept_as_typed_and_explained() -> None:
    form = MultiDict(
        {"occurred_on:day": "31", "occurred_on:month": "2", "occurred_on:year": "2569"}
    )
    back = parse_form("intake", form)
    problem = back.problems["occurred_on"]
    assert "ไม่ใช่วันที่ที่มีจริง" in problem.message_th and "Buddhist year" in problem.message_en
    html = str(render_form("intake", back, back.problems, choices=SEED))
    assert '<option value="31" selected>31</option>' in html and 'value="2569"' in html


def test_numbers_booleans_nested_objects_and_typed_text() -> None:
    form = MultiDict(
        {
            "lat": " 18.5 ",
            "lon": "๙๙",
            "anonymous": "true",
            "complainant.name": "  สมชาย ใจดี ",
            "complainant.phone": "",
            "extend_days": "x",
        }
    )
    back = parse_form("intake", form)
    assert back["lat"] == 18.5 and back["lon"] == 99
    assert back["anonymous"] is True and back["confidential"] is False
    assert back["complainant"] == {"name": "สมชาย ใจดี"}
    assert parse_form("supervise", MultiDict({"extend_days": "7"}))["extend_days"] == 7
    assert parse_form("supervise", MultiDict({"extend_days": "เจ็ด"}))["extend_days"] == "เจ็ด"
    assert parse_form("intake", MultiDict({"lat": "สิบแปด"}))["lat"] == "สิบแปด"


def test_the_area_lists_give_the_deepest_consistent_code() -> None:
    def area(**parts: str) -> object:
        form = MultiDict({f"area_code:{k}": v for k, v in parts.items()})
        return parse_form("intake", form).get("area_code")

    assert area(province="50", district="5001", subdistrict="500101") == "500101"
    assert area(province="50", district="5001", subdistrict="") == "5001"
    assert area(province="10", district="5001", subdistrict="500101") == "10"  # province changed
    assert area(province="", district="", subdistrict="") is None
    assert parse_form("intake", MultiDict({"area_code": "๕๐๐๑"}))["area_code"] == "5001"
