"""Definitions are stored once by content hash, and cases stay on the version they began on."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.errors import DefinitionInvalid
from engine.models import ProcessDefinition, WorkflowInstance
from engine.workflow import definitions
from tests.engine.helpers import complete, open_case


def test_deploying_the_same_files_twice_stores_one_version(factory, clock):
    with factory.begin() as session:
        first, created = definitions.deploy(session, clock())
        assert created is False  # the session fixture deployed processes/ already
        again, created_again = definitions.deploy(session, clock())
    assert first.id == again.id and not created_again


def test_a_running_case_stays_on_its_version_after_a_new_deploy(factory, clock, staff):
    case_id, *_ = open_case(factory, clock, staff["intake"])
    files = definitions.read_process_files()
    files["complaint.bpmn"] = files["complaint.bpmn"].replace(
        "</bpmn:definitions>", "<!-- v2 --></bpmn:definitions>"
    )
    with factory.begin() as session:
        new, created = definitions.deploy(session, clock(), files)
        old_id = session.get(WorkflowInstance, case_id).definition_id
    try:
        assert created and new.version >= 2 and new.id != old_id
        newer_case, *_ = open_case(factory, clock, staff["intake"])
        with factory() as session:
            assert session.get(WorkflowInstance, newer_case).definition_id == new.id
        assert (
            complete(factory, clock, staff["screener"], case_id, "screen", {"decision": "refer"})
            == "referred"
        )
        with factory() as session:
            assert session.get(WorkflowInstance, case_id).definition_id == old_id
    finally:
        with factory.begin() as session:
            session.execute(
                WorkflowInstance.__table__.delete().where(WorkflowInstance.definition_id == new.id)
            )
            session.delete(session.get(ProcessDefinition, new.id))
        definitions.forget_current()


@pytest.mark.parametrize(
    ("mutation", "problem"),
    [
        (lambda x: x.replace('id="screen"', 'id="Start"', 1), "Start"),
        (
            lambda x: x.replace(
                "</bpmn:process>",
                '<bpmn:sequenceFlow id="juel" sourceRef="a" targetRef="b">'
                "<bpmn:conditionExpression>${decision == 1}"
                "</bpmn:conditionExpression></bpmn:sequenceFlow></bpmn:process>",
                1,
            ),
            "JUEL",
        ),
        (lambda x: x[: len(x) // 2], "parse error"),
    ],
)
def test_broken_definitions_are_refused_when_deployed(factory, clock, mutation, problem):
    files = definitions.read_process_files()
    files["complaint.bpmn"] = mutation(files["complaint.bpmn"])
    with factory() as session:
        before = len(session.scalars(select(ProcessDefinition)).all())
    with pytest.raises(DefinitionInvalid) as caught, factory.begin() as session:
        definitions.deploy(session, clock(), files)
    assert problem in str(caught.value)
    with factory() as session:
        assert len(session.scalars(select(ProcessDefinition)).all()) == before
