"""A gateway condition that reads a variable nothing sets is a warning at deploy (not a case
that fails at the gateway later), and a form file that is no JSON Schema is an error."""

from __future__ import annotations

from pathlib import Path

from engine.workflow import definitions, versions

FIXTURES = Path(__file__).resolve().parents[1].parent / "processes" / "fixtures"


def test_a_condition_reading_an_unset_variable_is_a_warning_naming_the_gateway(factory):
    files = {"camunda_complaint.bpmn": (FIXTURES / "camunda_complaint.bpmn").read_text()}
    with factory() as session:
        result, *_ = versions.check(session, files, apply_rewrites=True)
    warned = [f for f in result.findings if f.code == "unknown-variable"]
    assert [(f.element, f.severity) for f in warned] == [("Gateway_1l3f0sd", "warning")]
    assert "urgent" in warned[0].message_en and "urgent" in warned[0].message_th
    assert warned[0].line and warned[0].file == "camunda_complaint.bpmn"


def test_the_shipped_conditions_read_only_what_forms_scripts_and_cases_set(factory):
    with factory() as session:
        for process_id, files in definitions.shipped_bundles():
            result, *_ = versions.check(session, files, process_id)
            assert [f for f in result.findings if f.code == "unknown-variable"] == [], process_id


def test_a_form_file_that_is_no_json_schema_is_an_error(factory):
    files = dict(dict(definitions.shipped_bundles())["complaint"])
    for bad in ("{not json", "[1, 2]", '{"type": 12}'):
        files["forms/screen.json"] = bad
        with factory() as session:
            result, *_ = versions.check(session, files, "complaint")
        [problem] = [f for f in result.findings if f.code == "form-invalid"]
        assert problem.severity == "error" and problem.element == "screen", bad
        assert problem.file == "forms/screen.json"


def test_a_timer_naming_no_sla_policy_is_an_error(factory):
    files = dict(dict(definitions.shipped_bundles())["complaint"])
    files["complaint.bpmn"] = files["complaint.bpmn"].replace(
        'policy_duration("reopen_window")', 'policy_duration("reopen_windwo")', 1
    )
    with factory() as session:
        result, *_ = versions.check(session, files, "complaint")
    [problem] = [f for f in result.findings if f.code == "unknown-sla-policy"]
    # SpiffWorkflow keeps the timer's expression on the event-based gateway that waits for it
    assert problem.element in ("resolved_wait", "reopen_window_closed")
    assert problem.severity == "error" and problem.line
    assert "reopen_windwo" in problem.message_en
