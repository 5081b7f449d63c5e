"""A designer comparing two versions sees what changed in meaning, never where shapes moved."""

from __future__ import annotations

import json
import re
from pathlib import Path

from engine.workflow.definitions import read_process_files
from engine.workflow.diff import diff_versions

DIAGRAMS = Path(__file__).parent / "migration_diagrams"


def _small(version: str) -> dict[str, str]:
    return {
        "small.bpmn": (DIAGRAMS / f"small_{version}.bpmn").read_text(encoding="utf-8"),
        "levels.dmn": (DIAGRAMS / f"small_{version}.dmn").read_text(encoding="utf-8"),
    }


def _shipped() -> dict[str, str]:
    return {k: v for k, v in read_process_files().items() if k.endswith((".bpmn", ".dmn"))}


def _changes(result: dict, element: str) -> dict[str, dict]:
    """An element's changes by what changed (a condition also by its target)."""
    entry = next(c for c in result["changed"] if c["element"] == element)
    out = {}
    for change in entry["changes"]:
        target = change.get("target")
        out[change["what"] + (f":{target}" if target else "")] = change
    return out


def test_the_same_files_have_no_changes() -> None:
    files = _small("v1")
    result = diff_versions(files, {}, files, {})
    assert result == {
        "added": [],
        "removed": [],
        "changed": [],
        "forms": {"added": [], "removed": [], "changed": []},
    }


def test_moving_shapes_and_edges_is_no_change() -> None:
    files = _shipped()
    moved = {
        name: re.sub(r'(x|y)="(\d+(?:\.\d+)?)"', lambda m: f'{m[1]}="{float(m[2]) + 37}"', text)
        for name, text in files.items()
    }
    assert moved != files
    result = diff_versions(files, {}, moved, {})
    assert result["added"] == result["removed"] == result["changed"] == []


def test_a_small_pair_lists_each_kind_of_change() -> None:
    result = diff_versions(_small("v1"), {}, _small("v2"), {})
    assert [(e["element"], e["type"], e["line"]) for e in result["added"]] == [
        ("approve", "userTask", 47)
    ]
    assert [(e["element"], e["name"], e["file"]) for e in result["removed"]] == [
        ("obsolete", "Obsolete step", "small.bpmn")
    ]
    changed = {e["element"] for e in result["changed"]}
    assert changed == {"check", "compute", "decide", "delegate", "wait", "nudged", "levels"}

    check = _changes(result, "check")
    assert check["name"]["old"] == "Check" and check["name"]["new"] == "Check the request"
    assert (check["form"]["old"], check["form"]["new"]) == ("check", "check_v2")
    assert check["property:name_en"]["new"] == "Check the request"
    compute = _changes(result, "compute")
    assert (compute["script"]["old"], compute["script"]["new"]) == ("score = 1", "score = 2")
    assert (compute["lane"]["old"], compute["lane"]["new"]) == ("screener", "agency_officer")
    decide = _changes(result, "decide")
    assert decide["condition:compute"]["new"] == 'choice in ("compute", "score")'
    assert _changes(result, "delegate")["called_element"]["new"] == "helper_v2"
    assert _changes(result, "delegate")["flows"]["new"] == ["approve"]
    wait = _changes(result, "wait")
    assert wait["timer"]["old"] == 'timeDuration: "P3D"'
    assert wait["timer"]["new"] == 'timeDuration: "P5D"'
    assert _changes(result, "nudged")["interrupting"]["new"] is True
    json.dumps(result)  # JSON-able as it is


def test_decision_table_rules_added_removed_and_changed() -> None:
    result = diff_versions(_small("v1"), {}, _small("v2"), {})
    entry = next(e for e in result["changed"] if e["element"] == "levels")
    assert (entry["type"], entry["file"], entry["process"]) == (
        "decision",
        "levels.dmn",
        "definitions_levels",
    )
    rules = {c["rule"]: c for c in entry["changes"] if c["what"] == "dmn_rule"}
    assert rules["mid"]["old"]["outputs"] == ['"mid"']
    assert rules["mid"]["new"]["outputs"] == ['"medium"']
    assert rules["high"]["new"] is None and rules["high"]["old"]["inputs"] == ["-"]
    assert rules["top"]["old"] is None and rules["top"]["new"]["inputs"] == [">= 10"]


def test_reordered_rules_are_a_change_under_first_hit() -> None:
    v1 = _small("v1")
    text = v1["levels.dmn"]
    low = re.search(r"      <rule id=\"low\">.*\n", text)[0]  # type: ignore[index]
    swapped = text.replace(low, "").replace("    </decisionTable>", low + "    </decisionTable>")
    result = diff_versions(v1, {}, {**v1, "levels.dmn": swapped}, {})
    (entry,) = result["changed"]
    assert entry["changes"] == [
        {"what": "dmn_rule_order", "old": ["low", "mid", "high"], "new": ["mid", "high", "low"]}
    ]


def test_the_complaint_process_against_an_edited_copy() -> None:
    old = _shipped()
    text = old["complaint.bpmn"]
    text = text.replace('value="Review the agency\'s result"', 'value="Review the result"')
    text = text.replace('policy_duration("reopen_window")', '"P20D"')
    text = text.replace(  # a task after review: review → double_check → review_result
        '<bpmn:sequenceFlow id="flow_review__review_result" sourceRef="review" '
        'targetRef="review_result"/>',
        '<bpmn:sequenceFlow id="flow_review__double_check" sourceRef="review" '
        'targetRef="double_check"/>\n'
        '<bpmn:userTask id="double_check" name="ตรวจซ้ำ"/>\n'
        '<bpmn:sequenceFlow id="flow_double_check__review_result" sourceRef="double_check" '
        'targetRef="review_result"/>',
    )
    result = diff_versions(old, {}, {**old, "complaint.bpmn": text}, {})
    assert [(e["process"], e["element"], e["name"]) for e in result["added"]] == [
        ("complaint", "double_check", "ตรวจซ้ำ")
    ]
    assert result["removed"] == []
    review = _changes(result, "review")
    assert review["property:name_en"]["new"] == "Review the result"
    assert (review["flows"]["old"], review["flows"]["new"]) == (["review_result"], ["double_check"])
    assert _changes(result, "reopen_window_closed")["timer"]["new"] == 'timeDuration: "P20D"'
    lines = {e["element"]: e["line"] for e in result["changed"]}
    assert text.splitlines()[lines["review"] - 1].strip().startswith('<bpmn:userTask id="review"')


def test_form_fields_added_removed_and_changed() -> None:
    old = {
        "review": {
            "type": "object",
            "required": ["decision"],
            "properties": {
                "decision": {"type": "string", "enum": ["accept", "send_back"]},
                "note": {"type": "string", "maxLength": 500},
                "place": {"type": "object", "properties": {"province": {"type": "string"}}},
            },
        },
        "gone": {"type": "object", "properties": {}},
    }
    new = {
        "review": {
            "type": "object",
            "required": ["decision", "note"],
            "properties": {
                "decision": {"type": "string", "enum": ["accept", "send_back", "escalate"]},
                "note": {"type": "string", "maxLength": 500},
                "place": {"type": "object", "properties": {"district": {"type": "string"}}},
                "score": {"type": "integer"},
            },
        },
        "fresh": {"type": "object", "properties": {}},
    }
    forms = diff_versions({}, old, {}, new)["forms"]
    assert forms["added"] == ["fresh"] and forms["removed"] == ["gone"]
    (review,) = forms["changed"]
    assert review["form"] == "review"
    assert review["fields_added"] == ["place.district", "score"]
    assert review["fields_removed"] == ["place.province"]
    changed = {c["field"]: c for c in review["fields_changed"]}
    assert changed["decision"]["new"] == {"enum": ["accept", "send_back", "escalate"]}
    assert changed["note"]["old"] == {"required": False}
    assert changed["note"]["new"] == {"required": True}


def test_an_unchanged_form_is_not_listed() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    assert diff_versions({}, {"f": schema}, {}, {"f": dict(schema)})["forms"]["changed"] == []
