"""Every script, condition and timer expression is compiled when a definition is deployed: a
refused one stops the deploy with its element named, and nothing is stored (issue 13, #16)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.errors import DefinitionInvalid
from engine.models import ProcessDefinition
from engine.workflow import definitions, versions

FLOW = "flow_screen_decision__route"

MUTATIONS = {
    "script": (
        ("agency_outcome = None\n", "agency_outcome = None\nx = __import__('os')\n"),
        {"register"},
    ),
    "timer": (
        ('policy_duration("info_wait")', "policy_duration('info_wait').__class__"),
        {"await_info", "info_timeout"},
    ),
    "condition": (('decision == "refer"', "open('/etc/passwd')"), {"screen_decision", FLOW}),
    "syntax": (('decision == "refer"', "decision =="), {"screen_decision", FLOW}),
}


def stored_versions(factory) -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        return session.scalar(select(func.count()).select_from(ProcessDefinition))


@pytest.mark.parametrize("kind", MUTATIONS)
def test_refused_code_stops_the_deploy_naming_the_element(factory, clock, kind):
    (old, new), element = MUTATIONS[kind]
    files = definitions.read_process_files()
    assert old in files["complaint.bpmn"]
    files["complaint.bpmn"] = files["complaint.bpmn"].replace(old, new, 1)
    before = stored_versions(factory)
    with pytest.raises(DefinitionInvalid) as refused, factory.begin() as session:
        versions.deploy(session, clock(), files, "complaint")
    found = refused.value.findings
    assert any(f.file == "complaint.bpmn" and f.element in element for f in found), found
    assert stored_versions(factory) == before


def test_the_shipped_processes_compile(factory):
    with factory() as session:
        result, *_ = versions.check(session, definitions.read_process_files(), "complaint")
    assert result.parsed is not None
    assert [f for f in result.findings if f.severity == "error"] == []


def test_a_refused_decision_table_expression_stops_the_deploy(factory, clock):
    files = definitions.read_process_files()
    files["routing.dmn"] = files["routing.dmn"].replace(
        '<text>"mol"</text>', "<text>__import__('os')</text>", 1
    )
    before = stored_versions(factory)
    with pytest.raises(DefinitionInvalid) as refused, factory.begin() as session:
        versions.deploy(session, clock(), files, "complaint")
    assert any(
        "routing_table" in f.message_en and f.file == "routing.dmn" for f in refused.value.findings
    )
    assert stored_versions(factory) == before
