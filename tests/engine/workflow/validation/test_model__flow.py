"""The flow as drawn: gateway conditions, unreachable steps, dead ends, loops without a way out."""

from __future__ import annotations

from engine.workflow.validation import validate
from tests.engine.workflow.validation import check, read, seen


def test_a_gateway_with_conditions_on_all_flows_and_no_default_is_a_warning():
    assert seen(check("gateways.bpmn"), "gateway-no-default") == [("all_conditions", 7, "warning")]


def test_a_flow_without_condition_that_is_not_the_default_is_an_error():
    validation = check("gateways.bpmn")
    assert seen(validation, "gateway-missing-condition") == [("flow_agency", 26, "error")]
    assert "missing_one" in validation.findings[-1].message_en
    # SpiffWorkflow's own parse error about the same flow is not repeated
    assert seen(validation, "parse-error") == []


def test_a_step_no_path_reaches_is_a_warning():
    assert seen(check("paths.bpmn"), "unreachable") == [("orphan", 23, "warning")]


def test_a_step_without_outgoing_flow_is_an_error_but_a_boundary_event_is_not():
    validation = check("paths.bpmn")
    assert seen(validation, "dead-end") == [("dead_end", 12, "error")]
    assert [f for f in validation.findings if f.element == "review_late"] == []


def test_a_loop_with_no_way_out_is_an_error():
    validation = check("endless_loop.bpmn")
    assert seen(validation, "endless-loop") == [("again", 7, "error")]
    assert "again, remind" in validation.findings[-1].message_en


def test_loops_with_a_way_out_are_fine():
    validation = check("juel.bpmn", "paths.bpmn", "gateways.bpmn", process_id="paths")
    assert seen(validation, "endless-loop") == []


def test_a_boundary_event_attached_to_nothing_is_an_error():
    text = read("valid.bpmn")["valid.bpmn"].replace(
        "<bpmn:endEvent",
        '<bpmn:boundaryEvent id="late" attachedToRef="gone"/>\n    <bpmn:endEvent',
        1,
    )
    assert seen(validate({"v.bpmn": text}), "boundary-not-attached") == [("late", 13, "error")]
