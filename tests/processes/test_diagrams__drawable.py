"""The diagrams: what bpmn-js needs to draw them, what makes them readable, and what
SpiffWorkflow needs to run them (Python expressions, properties, forms, initialised data)."""

from __future__ import annotations

import ast
from dataclasses import dataclass

import pytest
from jsonschema import Draft202012Validator
from lxml import etree
from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from forms.loader import load_schema
from tests.processes.driver import PROCESSES, START_DATA

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
FLOW_NODES = [
    "startEvent",
    "endEvent",
    "userTask",
    "scriptTask",
    "businessRuleTask",
    "callActivity",
    "subProcess",
    "exclusiveGateway",
    "parallelGateway",
    "eventBasedGateway",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
]
BPMN_FILES = sorted(p.name for p in PROCESSES.glob("*.bpmn"))
ROLES = {"screener", "agency_officer", "supervisor"}
STATUSES = {"screening", "awaiting_information", "referred", "in_progress", "under_review"}
STATUSES |= {"resolved", "closed", "rejected", "withdrawn"}
HELPERS = {"category_default_agency", "refer_case", "notify", "policy_duration"}


def _tree(name: str) -> etree._Element:
    return etree.parse(str(PROCESSES / name)).getroot()


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    def overlaps(self, other: Box, margin: float = 0) -> bool:
        return (
            self.x - margin < other.x + other.w
            and other.x - margin < self.x + self.w
            and self.y - margin < other.y + other.h
            and other.y - margin < self.y + self.h
        )

    def contains(self, other: Box) -> bool:
        return (
            self.x <= other.x
            and self.y <= other.y
            and other.x + other.w <= self.x + self.w
            and other.y + other.h <= self.y + self.h
        )

    def on_border(self, x: float, y: float) -> bool:
        inside = self.x - 1 <= x <= self.x + self.w + 1 and self.y - 1 <= y <= self.y + self.h + 1
        edge = min(abs(x - self.x), abs(x - self.x - self.w), abs(y - self.y))
        return inside and min(edge, abs(y - self.y - self.h)) <= 1

    def crossed_by(self, a: tuple[float, float], b: tuple[float, float]) -> bool:
        """Whether the axis-parallel segment a-b passes through the inside of the box."""
        (x1, y1), (x2, y2) = a, b
        lo_x, hi_x, lo_y, hi_y = min(x1, x2), max(x1, x2), min(y1, y2), max(y1, y2)
        return (
            lo_x < self.x + self.w - 1
            and hi_x > self.x + 1
            and lo_y < self.y + self.h - 1
            and hi_y > self.y + 1
        )


def _box(el: etree._Element) -> Box:
    b = el.find("dc:Bounds", NS)
    return Box(*(float(b.get(k)) for k in ("x", "y", "width", "height")))


@dataclass
class Diagram:
    kinds: dict[str, str]  # element id -> BPMN tag
    shapes: dict[str, Box]
    labels: dict[str, Box]
    edges: dict[str, list[tuple[float, float]]]
    flows: dict[str, tuple[str, str]]
    attached: dict[str, str]  # boundary event -> host
    lanes: dict[str, set[str]]  # lane name -> flow node ids


def _diagram(name: str) -> Diagram:
    tree = _tree(name)
    kinds = {el.get("id"): etree.QName(el).localname for k in FLOW_NODES for el in _all(tree, k)}
    kinds.update({el.get("id"): "lane" for el in tree.iterfind(".//bpmn:lane", NS)})
    kinds.update({el.get("id"): "participant" for el in tree.iterfind(".//bpmn:participant", NS)})
    shapes, labels = {}, {}
    for shape in tree.iterfind(".//bpmndi:BPMNShape", NS):
        shapes[shape.get("bpmnElement")] = _box(shape)
        label = shape.find("bpmndi:BPMNLabel", NS)
        if label is not None:
            labels[shape.get("bpmnElement")] = _box(label)
    edges = {}
    for edge in tree.iterfind(".//bpmndi:BPMNEdge", NS):
        points = [(float(w.get("x")), float(w.get("y"))) for w in edge.findall("di:waypoint", NS)]
        edges[edge.get("bpmnElement")] = points
        label = edge.find("bpmndi:BPMNLabel", NS)
        if label is not None:
            labels[edge.get("bpmnElement")] = _box(label)
    flows = {
        f.get("id"): (f.get("sourceRef"), f.get("targetRef"))
        for f in tree.iterfind(".//bpmn:sequenceFlow", NS)
    }
    attached = {b.get("id"): b.get("attachedToRef") for b in _all(tree, "boundaryEvent")}
    lanes = {
        lane.get("name"): {ref.text for ref in lane.iterfind("bpmn:flowNodeRef", NS)}
        for lane in tree.iterfind(".//bpmn:lane", NS)
    }
    return Diagram(kinds, shapes, labels, edges, flows, attached, lanes)


def _all(tree: etree._Element, kind: str) -> list[etree._Element]:
    return list(tree.iterfind(f".//bpmn:{kind}", NS))


def _nodes(d: Diagram) -> list[str]:
    return [i for i, k in d.kinds.items() if k not in ("lane", "participant", "subProcess")]


# -- diagram interchange: bpmn-js draws only what has shapes and edges ---------------------------


@pytest.mark.parametrize("name", BPMN_FILES)
def test_every_element_has_a_shape_and_every_flow_an_edge(name: str) -> None:
    d = _diagram(name)
    assert {"lane", "participant", "userTask"} <= set(d.kinds.values())
    assert [i for i in d.kinds if i not in d.shapes] == []
    assert d.flows and [f for f in d.flows if f not in d.edges] == []
    assert all(len(points) >= 2 for points in d.edges.values())
    tree = _tree(name)
    [participant] = _all(tree, "participant")
    [process] = _all(tree, "process")
    assert participant.get("processRef") == process.get("id")
    assert process.get("isExecutable") == "true"
    plane = tree.find(".//bpmndi:BPMNPlane", NS)
    assert plane.get("bpmnElement") == tree.find(".//bpmn:collaboration", NS).get("id")


@pytest.mark.parametrize("name", BPMN_FILES)
def test_bpmn_is_valid_against_the_bpmn_20_schema(name: str) -> None:
    SpiffBpmnParser(validator=BpmnValidator()).add_bpmn_xml(_tree(name), filename=name)


@pytest.mark.parametrize("name", BPMN_FILES)
def test_edges_are_orthogonal_and_start_and_end_on_their_shapes(name: str) -> None:
    d = _diagram(name)
    for flow, (source, target) in d.flows.items():
        points = d.edges[flow]
        for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
            assert x1 == x2 or y1 == y2, f"{flow}: diagonal segment"
        assert d.shapes[source].on_border(*points[0]), f"{flow} does not leave {source}"
        assert d.shapes[target].on_border(*points[-1]), f"{flow} does not reach {target}"


@pytest.mark.parametrize("name", BPMN_FILES)
def test_shapes_and_labels_do_not_overlap(name: str) -> None:
    d = _diagram(name)
    nodes = _nodes(d)
    for i, a in enumerate(nodes):
        for b in nodes[i + 1 :]:
            if d.attached.get(a) == b or d.attached.get(b) == a:
                continue  # a boundary event sits on its task's border
            assert not d.shapes[a].overlaps(d.shapes[b], margin=10), (a, b)
    for owner, label in d.labels.items():
        for node in nodes:
            if node != owner:
                assert not label.overlaps(d.shapes[node]), f"label of {owner} covers {node}"


@pytest.mark.parametrize("name", BPMN_FILES)
def test_edges_do_not_run_through_other_shapes(name: str) -> None:
    d = _diagram(name)
    for flow, (source, target) in d.flows.items():
        ends = {source, target, d.attached.get(source)}
        points = d.edges[flow]
        for node in _nodes(d):
            if node in ends:
                continue
            for a, b in zip(points, points[1:], strict=False):
                assert not d.shapes[node].crossed_by(a, b), f"{flow} runs through {node}"


@pytest.mark.parametrize("name", BPMN_FILES)
def test_lanes_are_roles_and_hold_their_nodes(name: str) -> None:
    d = _diagram(name)
    tree = _tree(name)
    assert set(d.lanes) <= ROLES
    lane_ids = {lane.get("name"): lane.get("id") for lane in tree.iterfind(".//bpmn:lane", NS)}
    top_level = [
        el.get("id") for k in FLOW_NODES for el in tree.iterfind(f"./bpmn:process/bpmn:{k}", NS)
    ]
    members = [n for refs in d.lanes.values() for n in refs]
    assert sorted(members) == sorted(top_level), "every node in exactly one lane"
    pool = d.shapes[_all(tree, "participant")[0].get("id")]
    for lane, refs in d.lanes.items():
        box = d.shapes[lane_ids[lane]]
        assert pool.contains(box)
        for node in refs:
            assert box.contains(d.shapes[node]) or node in d.attached, (lane, node)


# -- what SpiffWorkflow and the engine need --------------------------------------------------------


@pytest.mark.parametrize("name", BPMN_FILES)
def test_user_tasks_name_their_status_form_and_lane(name: str) -> None:
    tree = _tree(name)
    d = _diagram(name)
    for task in _all(tree, "userTask"):
        props = {
            p.get("name"): p.get("value") for p in task.iterfind(".//spiffworkflow:property", NS)
        }
        assert props.get("status") in STATUSES, task.get("id")
        assert props.get("name_en"), task.get("id")
        assert props.get("form") == task.get("id")
        schema = load_schema(props["form"])
        Draft202012Validator.check_schema(schema)
        assert any(task.get("id") in refs for refs in d.lanes.values())


@pytest.mark.parametrize("name", BPMN_FILES)
def test_statuses_and_resolutions_are_known(name: str) -> None:
    for prop in _tree(name).iterfind(".//spiffworkflow:property", NS):
        if prop.get("name") == "status":
            assert prop.get("value") in STATUSES
        if prop.get("name") == "resolution":
            assert prop.get("value") in {"duplicate", "no_response", "resolved", "unresolvable"}


@pytest.mark.parametrize("name", BPMN_FILES)
def test_expressions_are_python_that_the_sandbox_accepts(name: str) -> None:
    tree = _tree(name)
    text = (PROCESSES / name).read_text(encoding="utf-8")
    assert "${" not in text and 'id="Start"' not in text
    for cond in tree.iterfind(".//bpmn:conditionExpression", NS):
        assert compile_restricted_eval(cond.text).errors == (), cond.text
    for timer in tree.iterfind(".//bpmn:timeDuration", NS):
        assert compile_restricted_eval(timer.text).errors == (), timer.text
        assert "policy_duration(" in timer.text  # durations come from the engine's policy
    for script in tree.iterfind(".//bpmn:script", NS):
        assert compile_restricted_exec(script.text).errors == (), script.text
        assert "import" not in script.text and "__" not in script.text


@pytest.mark.parametrize("name", BPMN_FILES)
def test_exclusive_splits_have_a_condition_or_default_on_every_branch(name: str) -> None:
    tree = _tree(name)
    for gateway in _all(tree, "exclusiveGateway"):
        out = [f for f in _all(tree, "sequenceFlow") if f.get("sourceRef") == gateway.get("id")]
        if len(out) > 1:
            for flow in out:
                conditional = flow.find("bpmn:conditionExpression", NS) is not None
                assert conditional or gateway.get("default") == flow.get("id"), flow.get("id")
                assert flow.get("name"), flow.get("id")


def _names(code: str, mode: str) -> tuple[set[str], set[str]]:
    """(names read, names assigned) by a script or expression."""
    read, written = set(), set()
    for node in ast.walk(ast.parse(code, mode=mode)):
        if isinstance(node, ast.Name):
            (written if isinstance(node.ctx, ast.Store) else read).add(node.id)
    return read, written


def test_every_variable_read_is_initialised_before_the_first_user_task() -> None:
    # SpiffWorkflow raises NameError on an unknown name in a condition, so every variable a
    # condition or script reads is put in the data by the engine (START_DATA) or by `register`.
    # `agency_to_refer` is the one exception: `choose_agency` sets it just before it is read.
    register = _tree("complaint.bpmn").find(".//bpmn:scriptTask[@id='register']/bpmn:script", NS)
    _, initialised = _names(register.text, "exec")
    known = (
        initialised | set(START_DATA) | {"agency_to_refer"} | HELPERS | {"None", "True", "False"}
    )
    for name in BPMN_FILES:
        tree = _tree(name)
        for cond in tree.iterfind(".//bpmn:conditionExpression", NS):
            read, _ = _names(cond.text, "eval")
            assert read <= known, (cond.text, read - known)
        for script in tree.iterfind(".//bpmn:script", NS):
            read, _ = _names(script.text, "exec")
            assert read <= known, (script.text, read - known)


def test_the_business_rule_task_calls_the_routing_decision() -> None:
    tree = _tree("complaint.bpmn")
    [task] = _all(tree, "businessRuleTask")
    assert task.get("id") == "route"
    assert task.find(".//spiffworkflow:calledDecisionId", NS).text == "routing"
    [call] = _all(tree, "callActivity")
    assert (call.get("id"), call.get("calledElement")) == ("handle", "agency_handling")


def test_messages_are_declared_once_with_the_names_the_engine_sends() -> None:
    names = {
        name: sorted(m.get("name") for m in _all(_tree(name), "message")) for name in BPMN_FILES
    }
    assert names == {
        "agency_handling.bpmn": ["sla_breached"],
        "complaint.bpmn": ["info_provided", "reopen", "withdraw"],
    }
