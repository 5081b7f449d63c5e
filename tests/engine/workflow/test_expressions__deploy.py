"""Every script, condition and timer expression is compiled when a definition is deployed: a
refused one stops the deploy with its element named, and nothing is stored (issue 13, #16)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.errors import DefinitionInvalid
from engine.models import ProcessDefinition
from engine.workflow import definitions

MUTATIONS = {
    "script": (
        ("agency_outcome = None\n", "agency_outcome = None\nx = __import__('os')\n"),
        "register (ลงทะเบียนเรื่อง): script",
    ),
    "timer": (
        ('policy_duration("info_wait")', "policy_duration('info_wait').__class__"),
        "await_info",
    ),
    "condition": (('decision == "refer"', "open('/etc/passwd')"), "condition to route"),
    "syntax": (('decision == "refer"', "decision =="), "condition to route"),
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
        definitions.deploy(session, clock(), files)
    assert any(p.startswith("complaint.bpmn: ") and element in p for p in refused.value.problems)
    assert stored_versions(factory) == before


def test_the_shipped_processes_compile():
    assert definitions.check(definitions.read_process_files(), "complaint") is not None


def test_a_refused_decision_table_expression_stops_the_deploy(factory, clock):
    files = definitions.read_process_files()
    files["routing.dmn"] = files["routing.dmn"].replace(
        '<text>"mol"</text>', "<text>__import__('os')</text>", 1
    )
    before = stored_versions(factory)
    with pytest.raises(DefinitionInvalid) as refused, factory.begin() as session:
        definitions.deploy(session, clock(), files)
    assert any("table routing_table rule 1 output" in p for p in refused.value.problems)
    assert stored_versions(factory) == before
