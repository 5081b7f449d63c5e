"""The processes Damrong ships validate without errors, and their warnings are the expected ones."""

from __future__ import annotations

from engine.workflow.definitions import read_process_files
from engine.workflow.validation import Context, validate

ENGINE_MESSAGES = frozenset({"sla_breached", "info_provided", "reopen", "withdraw", "agency_done"})
# Damrong sends these messages itself; `province` is case data (`category` comes from the form)
ENGINE = Context(messages_sent_by_engine=ENGINE_MESSAGES, variables=frozenset({"province"}))


def test_the_shipped_processes_have_no_errors_and_only_the_expected_warnings():
    validation = validate(read_process_files(), context=ENGINE)
    assert validation.process_id == "complaint"
    assert validation.parsed is not None
    assert set(validation.parsed.subprocess_specs) == {"agency_handling"}
    assert sorted((f.file, f.element, f.code) for f in validation.findings) == [
        # the agency's and the reviewer's choices are all conditioned, with no default
        ("agency_handling.bpmn", "agency_action", "gateway-no-default"),
        ("complaint.bpmn", "agency_result", "gateway-no-default"),
        # policy_duration() is a helper Damrong gives at run time
        ("complaint.bpmn", "info_timeout", "timer-unchecked"),
        ("complaint.bpmn", "reopen_window_closed", "timer-unchecked"),
        ("complaint.bpmn", "review_result", "gateway-no-default"),
        ("complaint.bpmn", "screen_decision", "gateway-no-default"),
    ]
    assert all(f.severity == "warning" for f in validation.findings)


def test_without_the_engine_context_the_messages_and_case_data_are_doubted():
    validation = validate(read_process_files())
    with_engine = validate(read_process_files(), context=ENGINE).findings
    doubted = {(f.element, f.code) for f in validation.findings}
    doubted -= {(f.element, f.code) for f in with_engine}
    assert doubted == {
        ("await_breach", "message-never-sent"),
        ("withdraw", "message-never-sent"),
        ("reopen", "message-never-sent"),
        ("info_provided", "message-never-sent"),
        ("input_province", "unknown-variable"),
    }
    assert all(f.severity == "warning" for f in validation.findings)
