"""Messages someone must send, and call activities naming a process that exists."""

from __future__ import annotations

from engine.workflow.definitions import read_process_files
from engine.workflow.validation import Context
from tests.engine.workflow.validation import check, read, seen


def test_a_message_nothing_sends_is_a_warning():
    validation = check("messages.bpmn")
    assert seen(validation, "message-never-sent") == [
        ("wait_ping", 10, "warning"),
        ("wait_withdraw", 15, "warning"),
    ]
    # "done" is thrown by an end event of another process in the file
    assert [f for f in validation.findings if f.element == "wait_done"] == []


def test_messages_the_engine_sends_are_not_reported():
    engine = Context(messages_sent_by_engine=frozenset({"withdraw", "ping"}))
    assert seen(check("messages.bpmn", context=engine), "message-never-sent") == []


def test_a_call_activity_naming_an_unknown_process_is_an_error():
    validation = check("calls.bpmn", "archiving.bpmn")
    assert seen(validation, "unknown-called-process") == [("handle", 7, "error")]
    assert "agency_handling" in validation.findings[-1].message_en
    assert validation.process_id == "calls"  # archiving is called, so not a candidate


def test_a_called_process_is_parsed_from_its_deployed_files():
    deployed = read_process_files()  # the live version: complaint, agency_handling, routing
    context = Context(
        called={"agency_handling": deployed, "archiving": read("archiving.bpmn")},
        messages_sent_by_engine=frozenset({"sla_breached"}),
    )
    validation = check("calls.bpmn", context=context)
    assert [f for f in validation.findings if f.severity == "error"] == []
    assert set(validation.parsed.subprocess_specs) == {"agency_handling", "archiving"}
    # the deployed version's own findings are not the designer's business here
    assert {f.file for f in validation.findings} == {"calls.bpmn"}
