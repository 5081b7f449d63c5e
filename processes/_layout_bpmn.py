"""One process to BPMN 2.0 XML with its diagram interchange (shapes, edges, labels)."""

from __future__ import annotations

from _layout_geometry import flow_label_bounds, node_label_bounds, place, waypoints
from _layout_model import KINDS, NSMAP, POOL_HEADER, POOL_X, Flow, Node, Process, X, Y
from lxml import etree


def _q(prefix: str, tag: str) -> str:
    return f"{{{NSMAP[prefix]}}}{tag}"


def _fmt(v: float) -> str:
    return str(int(round(v)))


def _sub(parent: etree._Element, prefix: str, tag: str, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, _q(prefix, tag))
    for k, v in attrs.items():
        el.set(k, v)
    return el


def _extension_properties(parent: etree._Element, node: Node) -> None:
    if not node.props and not node.decision:
        return
    ext = _sub(parent, "bpmn", "extensionElements")
    if node.decision:
        _sub(ext, "spiffworkflow", "calledDecisionId").text = node.decision
    if node.props:
        props = _sub(ext, "spiffworkflow", "properties")
        for name, value in node.props.items():
            _sub(props, "spiffworkflow", "property", name=name, value=value)


def _flow_node(parent: etree._Element, node: Node, flows: list[Flow]) -> None:
    tag = KINDS[node.kind][0]
    el = _sub(parent, "bpmn", tag, id=node.id)
    if node.name:
        el.set("name", node.name)
    if node.kind == "call":
        el.set("calledElement", node.called or "")
    if node.kind == "boundary":
        el.set("cancelActivity", "true" if node.interrupting else "false")
        el.set("attachedToRef", node.attached_to or "")
    for f in flows:
        if f.default and f.source == node.id:
            el.set("default", f.flow_id)
    if node.documentation:
        _sub(el, "bpmn", "documentation").text = node.documentation
    _extension_properties(el, node)
    for f in flows:
        if f.target == node.id:
            _sub(el, "bpmn", "incoming").text = f.flow_id
    for f in flows:
        if f.source == node.id:
            _sub(el, "bpmn", "outgoing").text = f.flow_id
    if node.message:
        _sub(
            el,
            "bpmn",
            "messageEventDefinition",
            id=f"{node.id}_def",
            messageRef=f"message_{node.message}",
        )
    if node.timer:
        timer = _sub(el, "bpmn", "timerEventDefinition", id=f"{node.id}_def")
        duration = _sub(timer, "bpmn", "timeDuration")
        duration.set(_q("xsi", "type"), "bpmn:tFormalExpression")
        duration.text = node.timer
    if node.kind == "terminate":
        _sub(el, "bpmn", "terminateEventDefinition", id=f"{node.id}_def")
    if node.script is not None:
        el.set("scriptFormat", "python")
        _sub(el, "bpmn", "script").text = node.script


def _sequence_flow(parent: etree._Element, flow: Flow) -> None:
    el = _sub(parent, "bpmn", "sequenceFlow", id=flow.flow_id, sourceRef=flow.source)
    el.set("targetRef", flow.target)
    if flow.name:
        el.set("name", flow.name)
    if flow.condition:
        cond = _sub(el, "bpmn", "conditionExpression")
        cond.set(_q("xsi", "type"), "bpmn:tFormalExpression")
        cond.text = flow.condition


def _shape(plane: etree._Element, element_id: str, bounds: tuple[float, ...], **attrs: str):
    shape = _sub(plane, "bpmndi", "BPMNShape", id=f"{element_id}_di", bpmnElement=element_id)
    for k, v in attrs.items():
        shape.set(k, v)
    x, y, w, h = bounds
    _sub(shape, "dc", "Bounds", x=_fmt(x), y=_fmt(y), width=_fmt(w), height=_fmt(h))
    return shape


def _label(shape: etree._Element, bounds: tuple[float, ...]) -> None:
    label = _sub(shape, "bpmndi", "BPMNLabel")
    x, y, w, h = bounds
    _sub(label, "dc", "Bounds", x=_fmt(x), y=_fmt(y), width=_fmt(w), height=_fmt(h))


def _draw_nodes(plane, nodes: list[Node]) -> None:  # type: ignore[no-untyped-def]
    for n in nodes:
        extra = {"isMarkerVisible": "true"} if n.kind == "xor" else {}
        shape = _shape(plane, n.id, n.bounds(), **extra)
        if n.family != "task" and n.name:
            _label(shape, node_label_bounds(n))


def _draw_flows(plane, flows: list[Flow], by_id: dict[str, Node]) -> None:  # type: ignore[no-untyped-def]
    for f in flows:
        points = waypoints(f, by_id[f.source], by_id[f.target])
        edge = _sub(plane, "bpmndi", "BPMNEdge", id=f"{f.flow_id}_di", bpmnElement=f.flow_id)
        for x, y in points:
            _sub(edge, "di", "waypoint", x=_fmt(x), y=_fmt(y))
        if f.name:
            _label(edge, flow_label_bounds(f, points))


def render(process: Process) -> bytes:
    by_id = place(process.nodes)
    defs = etree.Element(_q("bpmn", "definitions"), nsmap=NSMAP)
    defs.set("id", f"definitions_{process.id}")
    defs.set("targetNamespace", "https://damrong.go.th/bpmn")
    defs.set("exporter", "damrong processes/_layout.py")
    defs.set("exporterVersion", "1")

    for name in process.messages:
        _sub(defs, "bpmn", "message", id=f"message_{name}", name=name)

    collab = _sub(defs, "bpmn", "collaboration", id=f"collaboration_{process.id}")
    _sub(collab, "bpmn", "participant", id=f"participant_{process.id}", name=process.name).set(
        "processRef", process.id
    )

    proc = _sub(defs, "bpmn", "process", id=process.id, name=process.name, isExecutable="true")
    if process.documentation:
        _sub(proc, "bpmn", "documentation").text = process.documentation
    lane_set = _sub(proc, "bpmn", "laneSet", id=f"lanes_{process.id}")
    for lane in process.lanes:
        el = _sub(lane_set, "bpmn", "lane", id=lane.id, name=lane.name)
        if lane.documentation:
            _sub(el, "bpmn", "documentation").text = lane.documentation
        for n in process.nodes:
            if n.lane == lane.name:
                _sub(el, "bpmn", "flowNodeRef").text = n.id
    for n in process.nodes:
        _flow_node(proc, n, process.flows)
    for f in process.flows:
        _sequence_flow(proc, f)

    # Diagram interchange.
    diagram = _sub(defs, "bpmndi", "BPMNDiagram", id=f"diagram_{process.id}")
    plane = _sub(diagram, "bpmndi", "BPMNPlane", id=f"plane_{process.id}")
    plane.set("bpmnElement", collab.get("id"))
    pool_w = round(X(process.last_col) + 100 - POOL_X)
    top, bottom = round(Y(process.lanes[0].row0)), round(Y(process.lanes[-1].row1))
    _shape(
        plane,
        f"participant_{process.id}",
        (POOL_X, top, pool_w, bottom - top),
        isHorizontal="true",
    )
    for lane in process.lanes:
        y0, y1 = round(Y(lane.row0)), round(Y(lane.row1))
        _shape(
            plane,
            lane.id,
            (POOL_X + POOL_HEADER, y0, pool_w - POOL_HEADER, y1 - y0),
            isHorizontal="true",
        )
    _draw_nodes(plane, process.nodes)
    _draw_flows(plane, process.flows, by_id)

    etree.indent(defs, space="  ")
    return etree.tostring(defs, xml_declaration=True, encoding="UTF-8", pretty_print=True)
