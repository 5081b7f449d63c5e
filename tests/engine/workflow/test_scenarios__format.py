"""The scenario format: one reader that refuses anything else with a message in Thai and
English naming the field, and changes nothing."""

from __future__ import annotations

import json

import pytest

from engine.errors import ValidationFailed
from engine.workflow import scenarios

GOOD = {
    "name": "refer_and_close",
    "title_th": "ส่งต่อแล้วปิด",
    "start": {"category": "labour", "data": {"title": "ทดสอบ"}},
    "steps": [
        {"complete": "screen", "data": {"decision": "refer"}},
        {"advance": "P3D"},
        {"advance": {"working_days": 2}},
        {"message": "withdraw"},
        {"sweep": True},
    ],
    "expect": {"path": ["received", "screen"], "status": "closed"},
}


def test_a_good_scenario_reads_in_its_normal_form() -> None:
    checked = scenarios.check(GOOD)
    assert checked["steps"][1] == {"advance": {"days": 3}}
    assert checked["steps"][0] == {"complete": "screen", "data": {"decision": "refer"}}
    assert checked["title_en"] == "" and checked["expect"]["status"] == "closed"
    assert scenarios.parse(json.dumps(GOOD, ensure_ascii=False)) == checked


def test_the_shipped_scenarios_read() -> None:
    found = scenarios.shipped_files()
    assert {p.stem for _pid, p in found} >= {
        "refer_agency_and_close",
        "request_info_then_withdraw",
        "sla_breach_escalates",
    }
    for process_id, path in found:
        document = scenarios.parse(path.read_text(encoding="utf-8"))
        assert document["name"] == path.stem and document["expect"]["path"], path
        assert process_id == "complaint"


@pytest.mark.parametrize(
    ("change", "field", "english"),
    [
        ({"name": "Bad Name"}, "name", "a-z 0-9"),
        ({"name": "<script>"}, "name", "a-z 0-9"),
        ({"name": 7}, "name", "a-z 0-9"),
        ({"title_th": "ก" * 201}, "title_th", "200 characters"),
        ({"surprise": 1}, "surprise", "Unknown field"),
        ({"start": {"category": "labour; drop"}}, "start.category", "is a code"),
        ({"start": {"data": []}}, "start.data", "is an object"),
        ({"start": {"when": "now"}}, "start", "may hold only"),
        ({"steps": {"complete": "screen"}}, "steps", "list of 100"),
        ({"steps": [{"complete": "screen"}] * 101}, "steps", "list of 100"),
        ({"steps": [{}]}, "steps[0]", "exactly one of"),
        ({"steps": [{"complete": "a", "message": "withdraw"}]}, "steps[0]", "exactly one of"),
        ({"steps": [{"complete": "x y"}]}, "steps[0].complete", "element id"),
        ({"steps": [{"complete": "screen", "data": "refer"}]}, "steps[0].data", "object"),
        ({"steps": [{"complete": "screen", "as": "admin"}]}, "steps[0].as", "unknown field"),
        ({"steps": [{"advance": {"days": 0}}]}, "steps[0].advance", "1 to 400"),
        ({"steps": [{"advance": {"days": 401}}]}, "steps[0].advance", "1 to 400"),
        ({"steps": [{"advance": {"days": 1.5}}]}, "steps[0].advance", '"PnD"'),
        ({"steps": [{"advance": {"days": True}}]}, "steps[0].advance", '"PnD"'),
        ({"steps": [{"advance": {"hours": 3}}]}, "steps[0].advance", '"PnD"'),
        ({"steps": [{"advance": "PT3H"}]}, "steps[0].advance", '"PnD"'),
        ({"steps": [{"message": "explode"}]}, "steps[0].message", "one of info_provided"),
        ({"steps": [{"sweep": "yes"}]}, "steps[0].sweep", "true"),
        ({"expect": {"path": "screen"}}, "expect.path", "is a list"),
        ({"expect": {"path": ["ok", "<b>"]}}, "expect.path[1]", "item 2"),
        ({"expect": {"status": "done"}}, "expect.status", "is one of"),
        ({"expect": {"cases": 1}}, "expect", "may hold only"),
    ],
)
def test_a_wrong_field_is_named_in_thai_and_english(change: dict, field: str, english: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        scenarios.check({**GOOD, **change})
    ((name, (th, en)),) = caught.value.fields.items()
    assert name == field
    assert english in en and th and th != en


@pytest.mark.parametrize(
    "text", ["", "{", "[]", "null", '"text"', "[" * 100_000, "x" * 70_000, b"\xff", 12]
)
def test_text_that_is_no_scenario_is_refused(text: object) -> None:
    with pytest.raises(ValidationFailed) as caught:
        scenarios.parse(text)
    assert set(caught.value.fields) == {"scenario"}


def test_an_oversized_scenario_is_refused() -> None:
    big = {**GOOD, "start": {"data": {"description": "ก" * 70_000}}}
    with pytest.raises(ValidationFailed) as caught:
        scenarios.check(big)
    assert "too large" in caught.value.fields["scenario"][1]


def test_compare_names_the_first_difference() -> None:
    expect = {"path": ["a", "b", "c"], "status": "closed"}
    assert scenarios.compare(expect, ["a", "b", "c"], "closed") == []
    ((th, en),) = scenarios.compare(expect, ["a", "x", "c"], "closed")
    assert "position 2: expected b, got x" in en and "ลำดับ 2" in th
    ((_, en),) = scenarios.compare(expect, ["a", "b"], "closed")
    assert "expected c, got (จบ / end)" in en
    ((_, en),) = scenarios.compare({"status": "closed"}, [], "withdrawn")
    assert "expected to be closed, got withdrawn" in en
