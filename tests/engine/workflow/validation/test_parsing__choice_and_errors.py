"""Which process is deployed, and SpiffWorkflow's parse errors as findings (never a crash)."""

from __future__ import annotations

import pytest

from engine.workflow.validation import validate
from tests.engine.workflow.validation import check, read, seen


def test_the_one_executable_process_nobody_calls_is_chosen():
    validation = check("calls.bpmn", "archiving.bpmn")
    assert validation.process_id == "calls"


def test_several_candidates_must_be_named():
    validation = check("valid.bpmn", "paths.bpmn")
    assert validation.process_id is None
    found = seen(validation, "several-processes")  # one finding on each candidate, with its line
    assert sorted(e for e, _line, _s in found) == ["paths", "valid"]
    assert all(line and severity == "error" for _e, line, severity in found)
    message = next(f.message_en for f in validation.findings if f.code == "several-processes")
    assert "paths, valid" in message or "valid, paths" in message
    named = check("valid.bpmn", "paths.bpmn", process_id="valid")
    assert named.process_id == "valid"
    assert named.parsed.process_id == "valid"


def test_an_unknown_process_id_lists_those_found():
    validation = check("valid.bpmn", process_id="complaint")
    assert seen(validation, "unknown-process") == [(None, None, "error")]
    assert "valid" in validation.findings[0].message_en


def test_no_executable_process_is_an_error_naming_the_process():
    text = read("valid.bpmn")["valid.bpmn"].replace('isExecutable="true"', 'isExecutable="false"')
    validation = validate({"v.bpmn": text})
    [(element, line, severity)] = seen(validation, "not-executable")
    assert element and line and severity == "error"
    assert element in validation.findings[0].message_en


def test_no_process_at_all_is_an_error():
    text = read("valid.bpmn")["valid.bpmn"]
    start, end = text.index("<bpmn:process"), text.index("</bpmn:process>") + 15
    text = text[:start] + text[end:]
    found = validate({"v.bpmn": text}).findings
    assert any(f.code in ("no-process", "schema") and f.severity == "error" for f in found)


def test_a_parse_error_keeps_spiffworkflows_element_name_and_line():
    validation = check("parse_error.bpmn")
    assert seen(validation, "parse-error") == [("split", 7, "error")]
    error = validation.findings[-1]
    assert error.name == "Two ways out"
    assert error.file == "parse_error.bpmn"
    assert "Multiple outgoing flows" in error.message_en
    assert validation.parsed is None


@pytest.mark.parametrize(
    "broken",
    [
        '<bpmn:task id="t"/>',  # a node with no flows and no incoming
        '<bpmn:scriptTask id="s"><bpmn:script>while True: pass</bpmn:script></bpmn:scriptTask>',
        '<bpmn:callActivity id="c"/>',
        '<bpmn:boundaryEvent id="b" attachedToRef="nowhere"/>',
        '<bpmn:subProcess id="sub"><bpmn:task id="inner"/></bpmn:subProcess>',
        '<bpmn:businessRuleTask id="r"/>',
    ],
)
def test_odd_diagrams_give_findings_not_exceptions(broken):
    text = read("valid.bpmn")["valid.bpmn"].replace(
        "<bpmn:endEvent", broken + "\n    <bpmn:endEvent", 1
    )
    validation = validate({"odd.bpmn": text})
    assert validation.process_id == "valid"
    assert all(f.file == "odd.bpmn" for f in validation.findings)


def test_two_processes_with_one_id_are_an_error_not_a_crash():
    validation = validate({**read("valid.bpmn"), "copy.bpmn": read("valid.bpmn")["valid.bpmn"]})
    assert seen(validation, "duplicate-process") == [("valid", 3, "error")]
    assert validation.findings[0].file == "valid.bpmn"
    assert "copy.bpmn" in validation.findings[0].message_en
