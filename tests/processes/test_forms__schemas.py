"""processes/forms (one JSON Schema per user task) and forms/schemas (the intake form), written
to the conventions the shared validator and renderer rely on, and agreeing with the diagrams'
conditions."""

from __future__ import annotations

import json
import re

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from lxml import etree

from tests.processes.driver import PROCESSES

SCHEMAS = PROCESSES / "forms"  # the task forms travel with the diagrams
GLOBAL = PROCESSES.parent / "forms" / "schemas"  # the intake form
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
USER_TASKS = [
    "screen",
    "review",
    "agency_acknowledge",
    "agency_handle",
    "answer_agency",
    "supervise",
]
FORMS = [*USER_TASKS, "intake"]
WIDGETS = {
    "textarea",
    "area",
    "agency",
    "case",
    "category",
    "date",
    "national_id",
    "phone",
    "radio",
}
CODE = "^[a-z0-9_-]{2,32}$"
TRACKING_CODE = "^[A-Z0-9-]{6,20}$"


def _schema(name: str) -> dict:
    path = SCHEMAS / f"{name}.json"
    path = path if path.is_file() else GLOBAL / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(_schema(name), format_checker=FormatChecker())


def _props(node: dict) -> dict[str, dict]:
    """Every property, nested objects included, by dotted path."""
    out = {}
    for key, prop in node.get("properties", {}).items():
        out[key] = prop
        out.update({f"{key}.{k}": v for k, v in _props(prop).items()})
    return out


def test_every_user_task_of_the_diagrams_has_its_form() -> None:
    found = []
    for path in PROCESSES.glob("*.bpmn"):
        for task in etree.parse(str(path)).iterfind(".//bpmn:userTask", NS):
            found.append(task.get("id"))
            assert (SCHEMAS / f"{task.get('id')}.json").is_file(), task.get("id")
    assert sorted(found) == sorted(USER_TASKS)


@pytest.mark.parametrize("name", FORMS)
def test_form_follows_the_conventions(name: str) -> None:
    schema = _schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    assert schema["title"] and schema["x-title-en"]
    assert set(schema["required"]) <= set(schema["properties"])
    for branch in schema.get("allOf", []):
        assert set(branch.get("then", {}).get("required", [])) <= set(schema["properties"])
        assert set(branch.get("else", {}).get("properties", {})) <= set(schema["properties"])
    for field, prop in _props(schema).items():
        assert prop.get("title") and prop.get("x-title-en"), field
        assert ("description" in prop) == ("x-description-en" in prop), field
        assert prop.get("x-widget", "textarea") in WIDGETS, field
        assert prop.get("x-store", "note") == "note", field
        if "enum" in prop:
            labels = prop["x-enum-labels"]
            assert sorted(labels) == sorted(prop["enum"]), field
            assert all(label["th"] and label["en"] for label in labels.values()), field
        if prop.get("type") == "string":
            bounded = {"maxLength", "pattern", "enum", "format", "const"} & set(prop)
            assert bounded, f"{field}: unbounded string"
        if prop.get("type") == "object":
            assert prop.get("additionalProperties") is False, field
        if prop.get("x-widget") == "textarea":
            assert prop.get("x-store") == "note", f"{field}: free text must stay out of the data"
        if field.split(".")[-1] in ("agency", "category"):
            assert prop["pattern"] == CODE, field
        if field == "duplicate_of":
            assert prop["pattern"] == TRACKING_CODE


@pytest.mark.parametrize("name", USER_TASKS)
def test_only_decisions_and_ids_go_into_the_workflow(name: str) -> None:
    for field, prop in _props(_schema(name)).items():
        if prop.get("x-store") == "note" or prop.get("type") != "string":
            continue
        assert "enum" in prop or "pattern" in prop, f"{field} would put free text in the data"


def _condition_values(variable: str) -> set[str]:
    values = set()
    for path in PROCESSES.glob("*.bpmn"):
        for cond in etree.parse(str(path)).iterfind(".//bpmn:conditionExpression", NS):
            values |= set(re.findall(rf'\b{variable} == "([a-z_]+)"', cond.text))
    return values


@pytest.mark.parametrize(
    ("form", "field", "defaulted"),
    [
        ("screen", "decision", set()),
        ("review", "review_decision", set()),
        ("agency_handle", "action", set()),
        ("supervise", "supervisor_action", {"remind", "extend", "escalate"}),  # default flow
    ],
)
def test_decision_choices_match_the_diagram_conditions(
    form: str, field: str, defaulted: set[str]
) -> None:
    prop = _schema(form)["properties"][field]
    assert field in _schema(form)["required"]
    assert set(prop["enum"]) == _condition_values(field) | defaulted


CASES = [
    ("screen", {"decision": "refer"}, True),
    ("screen", {"decision": "refer", "agency": "mol", "category": "labour"}, True),
    ("screen", {"decision": "refer", "agency": "Ministry of Labour"}, False),
    ("screen", {"decision": "reject"}, False),
    ("screen", {"decision": "reject", "reason": "นอกอำนาจหน้าที่"}, True),
    ("screen", {"decision": "duplicate"}, False),
    ("screen", {"decision": "duplicate", "duplicate_of": "CM-2569-000123"}, True),
    ("screen", {"decision": "duplicate", "duplicate_of": "cm-1"}, False),
    ("screen", {"decision": "request_info"}, False),
    ("screen", {"decision": "request_info", "question": "ขอสำเนาสัญญาจ้าง"}, True),
    ("screen", {"decision": "close"}, False),
    ("screen", {}, False),
    ("review", {"review_decision": "accept"}, True),
    ("review", {"review_decision": "send_back"}, False),
    ("review", {"review_decision": "send_back", "reason": "ยังไม่ครบ"}, True),
    ("agency_acknowledge", {}, True),
    ("agency_acknowledge", {"officer_name": "สมชาย ใจดี"}, True),
    ("answer_agency", {}, False),
    ("answer_agency", {"answer": "ผู้ร้องอยู่ที่ตำบลช้างเผือก"}, True),
    ("agency_handle", {"action": "progress"}, False),
    ("agency_handle", {"action": "progress", "progress_note": "ลงพื้นที่แล้ว"}, True),
    ("agency_handle", {"action": "result"}, False),
    ("agency_handle", {"action": "result", "result_text": "นายจ้างจ่ายค่าจ้างแล้ว"}, True),
    ("agency_handle", {"action": "info_request"}, False),
    ("agency_handle", {"action": "info_request", "question": "ขอที่อยู่นายจ้าง"}, True),
    ("agency_handle", {"action": "decline"}, False),
    ("agency_handle", {"action": "decline", "reason": "ไม่อยู่ในอำนาจ"}, True),
    ("agency_handle", {"action": "forward", "reason": "เป็นเรื่องที่ดิน"}, False),
    ("agency_handle", {"action": "forward", "agency": "dol", "reason": "ที่ดิน"}, True),
    ("agency_handle", {"action": "invite"}, False),
    ("agency_handle", {"action": "invite", "agency": "dla"}, True),
    ("supervise", {"supervisor_action": "remind"}, True),
    ("supervise", {"supervisor_action": "extend", "reason": "รอผลตรวจ"}, False),
    ("supervise", {"supervisor_action": "extend", "extend_days": 61, "reason": "x"}, False),
    ("supervise", {"supervisor_action": "extend", "extend_days": 0, "reason": "x"}, False),
    ("supervise", {"supervisor_action": "extend", "extend_days": 1.5, "reason": "x"}, False),
    ("supervise", {"supervisor_action": "extend", "extend_days": 10, "reason": "รอผลตรวจ"}, True),
    ("supervise", {"supervisor_action": "reassign", "reason": "x"}, False),
    ("supervise", {"supervisor_action": "reassign", "agency": "dla", "reason": "x"}, True),
    ("supervise", {"supervisor_action": "escalate"}, False),
    ("supervise", {"supervisor_action": "close_unresolvable"}, False),
    ("supervise", {"supervisor_action": "close_unresolvable", "reason": "ผู้ร้องย้าย"}, True),
]


@pytest.mark.parametrize(("form", "data", "valid"), CASES)
def test_conditional_requirements(form: str, data: dict, valid: bool) -> None:
    assert _validator(form).is_valid(data) is valid


INTAKE = {
    "title": "นายจ้างค้างจ่ายค่าจ้าง",
    "description": "นายจ้างไม่จ่ายค่าจ้างเดือนที่แล้ว",
    "category": "labour",
    "area_code": "500101",
    "channel": "walk_in",
    "consent": True,
}


@pytest.mark.parametrize(
    ("change", "valid"),
    [
        ({}, True),
        ({"area_code": "50"}, True),
        ({"area_code": "5001"}, True),
        ({"area_code": "501"}, False),
        ({"consent": False}, False),
        ({"title": "สั้น"}, False),
        ({"description": "สั้นไป"}, False),
        ({"channel": "fax"}, False),
        ({"lat": 18.79, "lon": 98.98}, True),
        ({"lat": 30.0}, False),
        ({"lon": 120.0}, False),
        ({"occurred_on": "2026-11-01"}, True),
        ({"occurred_on": "1/11/2569"}, False),
        ({"anonymous": True, "confidential": False}, True),
        ({"complainant": {"name": "สมหญิง รักงาน", "national_id": "1101700230708"}}, True),
        ({"complainant": {"name": "สมหญิง", "national_id": "110170023070"}}, False),
        ({"complainant": {"name": "สมหญิง", "phone": "0812345678"}}, True),
        ({"complainant": {"name": "สมหญิง", "phone": "812345678"}}, False),
        ({"complainant": {"name": "สมหญิง", "email": "somying@example.com"}}, True),
        ({"complainant": {"name": "สมหญิง", "preferred_language": "fr"}}, False),
        ({"secret": "x"}, False),
    ],
)
def test_intake(change: dict, valid: bool) -> None:
    assert _validator("intake").is_valid({**INTAKE, **change}) is valid


def test_intake_shape() -> None:
    schema = _schema("intake")
    props = schema["properties"]
    assert set(schema["required"]) == {
        "title",
        "description",
        "category",
        "area_code",
        "channel",
        "consent",
    }
    assert props["description"]["x-store"] == "note"
    assert (props["description"]["minLength"], props["description"]["maxLength"]) == (10, 20000)
    limits = props["description"]["x-max-length-by-channel"]
    assert limits == {
        "web": 5000,
        "open311": 4000,
        "phone": 20000,
        "walk_in": 20000,
        "letter": 20000,
        "api": 5000,
    }
    assert set(limits) == set(props["channel"]["enum"])
    assert "1567" in props["channel"]["x-enum-labels"]["phone"]["th"]
    assert props["area_code"]["x-widget"] == "area"
    assert props["consent"]["const"] is True
    assert props["anonymous"]["default"] is False and props["confidential"]["default"] is False
    complainant = props["complainant"]["properties"]
    assert complainant["national_id"]["x-widget"] == "national_id"
    assert complainant["preferred_language"]["enum"] == ["th", "en"]
