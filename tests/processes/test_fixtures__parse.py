"""Interchange fixtures (tests/processes/fixtures/): diagrams as bpmn.io and Camunda Modeler
export them. Each parses with SpiffBpmnParser and carries the diagram interchange a modeler
needs to draw it: a shape for every flow node, lane and pool, an edge for every sequence flow."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FILES = sorted(path.name for path in FIXTURES.glob("*.bpmn"))
CALLED = {"call_activity.bpmn": ["called.bpmn"]}  # a file and the files its calls need
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
NS = {
    "bpmn": BPMN,
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "camunda": "http://camunda.org/schema/1.0/bpmn",
}
PLAIN_NAMESPACES = {BPMN, NS["bpmndi"], NS["dc"], NS["di"]}
PLAIN_NAMESPACES.add("http://www.w3.org/2001/XMLSchema-instance")
FLOW_NODES = {
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
    "userTask",
    "task",
    "scriptTask",
    "serviceTask",
    "callActivity",
    "subProcess",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "eventBasedGateway",
}


def _tree(name: str) -> etree._ElementTree:
    return etree.parse(str(FIXTURES / name))


def _parser(name: str) -> SpiffBpmnParser:
    parser = SpiffBpmnParser()
    for file in [name, *CALLED.get(name, [])]:
        parser.add_bpmn_xml(_tree(file), filename=file)
    return parser


def _bpmn(root: etree._Element, local: str) -> list[etree._Element]:
    return root.findall(f".//{{{BPMN}}}{local}")


def _workflow(name: str, process_id: str, tree: etree._ElementTree | None = None) -> BpmnWorkflow:
    parser = SpiffBpmnParser()
    parser.add_bpmn_xml(tree if tree is not None else _tree(name), filename=name)
    workflow = BpmnWorkflow(parser.get_spec(process_id), parser.get_subprocess_specs(process_id))
    workflow.do_engine_steps()
    return workflow


def _complete(workflow: BpmnWorkflow, name: str, **data: object) -> None:
    [task] = [
        t
        for t in workflow.get_tasks(state=TaskState.READY, manual=True)
        if t.task_spec.bpmn_name == name
    ]
    task.set_data(**data)
    task.run()
    workflow.do_engine_steps()


def _ready(workflow: BpmnWorkflow) -> dict[str, str | None]:
    """The open user tasks by name, with their lanes."""
    ready = workflow.get_tasks(state=TaskState.READY, manual=True)
    return {t.task_spec.bpmn_name: t.task_spec.lane for t in ready}


@pytest.mark.parametrize("name", FILES)
def test_every_fixture_parses_with_spiffworkflow(name):
    root = _tree(name).getroot()
    assert root.xpath("//@id[. = 'Start']") == []  # would silently empty the parsed process
    parser = _parser(name)
    executable = [p.get("id") for p in _bpmn(root, "process") if p.get("isExecutable") == "true"]
    assert executable and set(executable) <= set(parser.get_process_ids())
    for process_id in executable:
        spec = parser.get_spec(process_id)
        declared = root.find(f".//{{{BPMN}}}process[@id='{process_id}']")
        nodes = {el.get("id") for el in declared.iter() if etree.QName(el).localname in FLOW_NODES}
        assert nodes <= set(spec.task_specs), nodes - set(spec.task_specs)


def _bounds(shape: etree._Element) -> tuple[float, float, float, float]:
    bounds = shape.find("dc:Bounds", NS)
    x, y, w, h = (float(bounds.get(k)) for k in ("x", "y", "width", "height"))
    assert w > 0 and h > 0
    return x, y, w, h


def _on_border(box: tuple[float, float, float, float], x: float, y: float) -> bool:
    bx, by, bw, bh = box
    inside = bx - 1 <= x <= bx + bw + 1 and by - 1 <= y <= by + bh + 1
    return inside and min(abs(x - bx), abs(x - bx - bw), abs(y - by), abs(y - by - bh)) <= 1


def _contains(outer: tuple, inner: tuple) -> bool:  # type: ignore[type-arg]
    ox, oy, ow, oh = outer
    ix, iy, iw, ih = inner
    return ox <= ix and oy <= iy and ix + iw <= ox + ow and iy + ih <= oy + oh


@pytest.mark.parametrize("name", FILES)
def test_every_fixture_draws(name):
    root = _tree(name).getroot()
    [plane] = root.findall("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    top = _bpmn(root, "collaboration") or _bpmn(root, "process")
    assert plane.get("bpmnElement") == top[0].get("id")
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    shapes = {s.get("bpmnElement"): s for s in plane.findall("bpmndi:BPMNShape", NS)}
    edges = {e.get("bpmnElement"): e for e in plane.findall("bpmndi:BPMNEdge", NS)}
    assert set(shapes) | set(edges) <= ids  # nothing drawn that is not in the model
    boxes = {element: _bounds(shape) for element, shape in shapes.items()}
    nodes = [el for el in root.iter() if etree.QName(el).localname in FLOW_NODES]
    assert {n.get("id") for n in nodes} <= set(shapes), "a flow node without a shape"
    for pool_or_lane in [*_bpmn(root, "participant"), *_bpmn(root, "lane")]:
        shape = shapes.get(pool_or_lane.get("id"))
        assert shape is not None and shape.get("isHorizontal") == "true", pool_or_lane.get("id")
    for lane in _bpmn(root, "lane"):  # every node of a lane is drawn inside it
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            assert _contains(boxes[lane.get("id")], boxes[ref.text]), (lane.get("name"), ref.text)
    for flow in _bpmn(root, "sequenceFlow"):
        edge = edges.get(flow.get("id"))
        assert edge is not None, f"sequence flow {flow.get('id')} has no edge"
        points = [(float(p.get("x")), float(p.get("y"))) for p in edge.findall("di:waypoint", NS)]
        assert len(points) >= 2
        assert _on_border(boxes[flow.get("sourceRef")], *points[0]), flow.get("id")
        assert _on_border(boxes[flow.get("targetRef")], *points[-1]), flow.get("id")


def test_bpmnio_plain_is_plain_bpmn_with_thai_lanes():
    root = _tree("bpmnio_plain.bpmn").getroot()
    assert root.get("exporter").startswith("bpmn-js")
    for el in root.iter():
        assert etree.QName(el).namespace in PLAIN_NAMESPACES, el.tag
        assert all(etree.QName(a).namespace in {None, *PLAIN_NAMESPACES} for a in el.attrib)
    [participant] = _bpmn(root, "participant")
    assert participant.get("processRef") == "plain_complaint"
    lanes = [lane.get("name") for lane in _bpmn(root, "lane")]
    assert lanes == ["เจ้าหน้าที่กลั่นกรองเรื่อง", "หน่วยงานรับผิดชอบ"]
    [gateway] = _bpmn(root, "exclusiveGateway")
    conditions = [c.text for c in _bpmn(root, "conditionExpression")]
    assert conditions == ['decision == "accept"'] and gateway.get("default")
    assert [t.text for t in _bpmn(root, "timeDuration")] == ['"P3D"']


def test_bpmnio_plain_runs_in_spiffworkflow():
    workflow = _workflow("bpmnio_plain.bpmn", "plain_complaint")
    assert _ready(workflow) == {"พิจารณาเรื่อง": "เจ้าหน้าที่กลั่นกรองเรื่อง"}
    _complete(workflow, "พิจารณาเรื่อง", decision="accept")
    assert _ready(workflow) == {"ดำเนินการแก้ไข": "หน่วยงานรับผิดชอบ"}
    [timer] = workflow.waiting_events()
    assert timer.event_type == "DurationTimerEventDefinition"
    declined = _workflow("bpmnio_plain.bpmn", "plain_complaint")
    _complete(declined, "พิจารณาเรื่อง", decision="decline")  # the default flow
    assert declined.is_completed()


def test_camunda_export_carries_camunda_settings():
    root = _tree("camunda_complaint.bpmn").getroot()
    assert root.get("exporter") == "Camunda Modeler"
    assert root.get("exporterVersion").startswith("5.")
    [process] = _bpmn(root, "process")
    assert (process.get("id"), process.get("isExecutable")) == ("camunda_complaint", "true")
    tasks = _bpmn(root, "userTask")
    groups = {t.get(f"{{{NS['camunda']}}}candidateGroups") for t in tasks}
    assert groups == {"screener", "agency_officer"}
    assert [t.get(f"{{{NS['camunda']}}}formKey") for t in tasks].count("screen") == 1
    assert [t.get(f"{{{NS['camunda']}}}dueDate") for t in tasks].count("${dueDate}") == 1
    fields = root.findall(".//camunda:formData/camunda:formField", NS)
    assert [f.get("type") for f in fields] == ["string", "enum", "boolean"]
    assert len(fields[1].findall("camunda:value", NS)) >= 2
    assert root.findall(".//camunda:constraint[@name='required']", NS)
    conditions = [c.text for c in _bpmn(root, "conditionExpression")]
    assert conditions == ["${decision == 'refer'}", "${decision != 'refer' && urgent}"]
    assert [t.text for t in _bpmn(root, "timeDuration")] == ["P15D"]


def test_camunda_export_fails_at_run_time_until_rewritten():
    """Parsing accepts JUEL and a bare duration; running them is what fails (see NOTES)."""
    workflow = _workflow("camunda_complaint.bpmn", "camunda_complaint")
    with pytest.raises(WorkflowException, match=r"\$\{decision == 'refer'\}"):
        _complete(workflow, "กลั่นกรองเรื่อง", decision="refer", urgent=False)
    tree = _tree("camunda_complaint.bpmn")
    for condition in tree.getroot().iterfind(".//bpmn:conditionExpression", NS):
        condition.text = condition.text.strip("${}").replace("&&", "and")
    rewritten = _workflow("camunda_complaint.bpmn", "camunda_complaint", tree)
    with pytest.raises(WorkflowException, match="P15D"):
        _complete(rewritten, "กลั่นกรองเรื่อง", decision="refer", urgent=False)


def test_nested_lanes_give_a_task_its_innermost_lane():
    spec = _parser("lanes.bpmn").get_spec("lanes_example")
    lanes = {s.bpmn_name: s.lane for s in spec.task_specs.values() if s.manual}
    assert lanes == {
        "กลั่นกรองเรื่อง": "screener",
        "อนุมัติส่งต่อ": "supervisor",
        "ดำเนินการแก้ไข": "agency_officer",
    }


def test_construct_fixtures_hold_their_construct():
    def events(name: str, process_id: str) -> dict[str, str]:
        spec = _parser(name).get_spec(process_id)
        kinds = {
            s.bpmn_name: type(getattr(s, "event_definition", None))
            for s in spec.task_specs.values()
        }
        return {
            name: kind.__name__
            for name, kind in kinds.items()
            if kind.__name__ not in {"NoneType", "NoneEventDefinition"}
        }

    assert events("timers.bpmn", "timers_example") == {
        "ครบ 3 วัน": "DurationTimerEventDefinition",
        "เตือนทุกวัน": "CycleTimerEventDefinition",
        "รอถึงสิ้นปี": "TimeDateEventDefinition",
    }
    assert events("messages.bpmn", "messages_example") == {
        "ผู้ร้องถอนเรื่อง": "MessageEventDefinition",
        "รอข้อมูลจากผู้ร้อง": "MessageEventDefinition",
    }
    assert list(_parser("call_activity.bpmn").get_subprocess_specs("call_activity_example")) == [
        "called_process"
    ]
    juel = [c.text for c in _bpmn(_tree("juel.bpmn").getroot(), "conditionExpression")]
    assert all(text.startswith(("${", "#{")) for text in juel) and len(juel) == 3
    form = _tree("form_data.bpmn").getroot().findall(".//camunda:formField", NS)
    assert {f.get("type") for f in form} == {"string", "enum", "boolean", "long", "date"}
    groups = _tree("candidate_groups.bpmn").getroot().findall(".//bpmn:userTask", NS)
    assert {g.get(f"{{{NS['camunda']}}}candidateGroups") for g in groups} == {
        "screener",
        "agency_officer",
        "screener, supervisor",
        None,  # assigned to one person instead
    }
