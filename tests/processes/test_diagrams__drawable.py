"""bpmn-js can draw every diagram, and every user task has a status and a form."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator
from lxml import etree

from engine import definitions
from forms.loader import load_schema, schema_names

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
FLOW_NODES = [
    "startEvent",
    "endEvent",
    "userTask",
    "scriptTask",
    "businessRuleTask",
    "callActivity",
    "exclusiveGateway",
    "eventBasedGateway",
    "intermediateCatchEvent",
    "boundaryEvent",
    "subProcess",
    "lane",
    "participant",
]
BPMN_FILES = [n for n in definitions.read_process_files() if n.endswith(".bpmn")]


def _tree(name: str):  # type: ignore[no-untyped-def]
    return etree.fromstring(definitions.read_process_files()[name].encode())


@pytest.mark.parametrize("name", BPMN_FILES)
def test_every_element_has_a_shape_and_every_flow_an_edge(name: str) -> None:
    tree = _tree(name)
    shapes = {s.get("bpmnElement") for s in tree.iterfind(".//bpmndi:BPMNShape", NS)}
    edges = {e.get("bpmnElement") for e in tree.iterfind(".//bpmndi:BPMNEdge", NS)}
    elements = [el.get("id") for kind in FLOW_NODES for el in tree.iterfind(f".//bpmn:{kind}", NS)]
    assert elements and not [e for e in elements if e not in shapes]
    flows = [f.get("id") for f in tree.iterfind(".//bpmn:sequenceFlow", NS)]
    assert flows and not [f for f in flows if f not in edges]
    for edge in tree.iterfind(".//bpmndi:BPMNEdge", NS):
        assert len(edge.findall("{http://www.omg.org/spec/DD/20100524/DI}waypoint")) >= 2


@pytest.mark.parametrize("name", BPMN_FILES)
def test_user_tasks_name_their_status_form_and_lane(name: str) -> None:
    tree = _tree(name)
    in_lane = {ref.text for ref in tree.iterfind(".//bpmn:lane/bpmn:flowNodeRef", NS)}
    for task in tree.iterfind(".//bpmn:userTask", NS):
        props = {
            p.get("name"): p.get("value") for p in task.iterfind(".//spiffworkflow:property", NS)
        }
        assert props.get("status") and props.get("name_en"), task.get("id")
        assert props.get("form") == task.get("id")
        load_schema(props["form"])
        assert task.get("id") in in_lane


@pytest.mark.parametrize("name", schema_names())
def test_forms_are_valid_schemas_with_labels_for_every_choice(name: str) -> None:
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema["title"] and schema["x-title-en"]
    for field, prop in schema["properties"].items():
        assert prop.get("title") and prop.get("x-title-en"), field
        for value in prop.get("enum", []):
            labels = prop["x-enum-labels"][value]
            assert labels["th"] and labels["en"], (field, value)
