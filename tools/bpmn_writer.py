"""Write BPMN 2.0 XML with full diagram interchange from a compact description.

The shipped diagrams in processes/ were generated with this and can be edited in any modeler
afterwards; the generator only saves drawing coordinates by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape

SIZES = {"task": (100, 80), "event": (36, 36), "gateway": (50, 50)}
KINDS = {
    "start": ("startEvent", "event"),
    "end": ("endEvent", "event"),
    "terminate": ("endEvent", "event"),
    "user": ("userTask", "task"),
    "script": ("scriptTask", "task"),
    "rule": ("businessRuleTask", "task"),
    "call": ("callActivity", "task"),
    "xor": ("exclusiveGateway", "gateway"),
    "events": ("eventBasedGateway", "gateway"),
    "message": ("intermediateCatchEvent", "event"),
    "timer": ("intermediateCatchEvent", "event"),
    "msgstart": ("startEvent", "event"),
}
COL, ROW, LANE_PAD, LEFT = 150, 110, 40, 80


@dataclass
class Node:
    id: str
    kind: str
    name: str
    lane: str
    col: float
    row: float
    props: dict[str, str] = field(default_factory=dict)
    script: str | None = None
    timer: str | None = None
    message: str | None = None
    decision: str | None = None
    called: str | None = None
    attached_to: str | None = None  # boundary events
    default: str | None = None


@dataclass
class Flow:
    source: str
    target: str
    condition: str | None = None
    name: str = ""
    id: str = ""


@dataclass
class Process:
    id: str
    name: str
    lanes: list[tuple[str, str]]  # (lane name = role, label)
    nodes: list[Node]
    flows: list[Flow]
    messages: list[str]
    event_subprocess: tuple[str, str, list[Node], list[Flow]] | None = None


def _bounds(node: Node, lane_top: dict[str, float]) -> tuple[float, float, float, float]:
    w, h = SIZES[KINDS[node.kind][1]]
    cx = LEFT + 70 + node.col * COL + 50
    cy = lane_top[node.lane] + LANE_PAD + node.row * ROW + 40
    return cx - w / 2, cy - h / 2, w, h


def _ext(node: Node) -> str:
    parts = []
    if node.props:
        props = "".join(
            f'<spiffworkflow:property name="{k}" value="{escape(v, {chr(34): "&quot;"})}"/>'
            for k, v in node.props.items()
        )
        parts.append(f"<spiffworkflow:properties>{props}</spiffworkflow:properties>")
    if node.decision:
        parts.append(
            f"<spiffworkflow:calledDecisionId>{node.decision}</spiffworkflow:calledDecisionId>"
        )
    return f"<bpmn:extensionElements>{''.join(parts)}</bpmn:extensionElements>" if parts else ""


def _node_xml(node: Node, incoming: list[Flow], outgoing: list[Flow]) -> str:
    tag = KINDS[node.kind][0]
    attrs = f'id="{node.id}" name="{escape(node.name)}"'
    if node.kind == "call":
        attrs += f' calledElement="{node.called}"'
    if node.default:
        attrs += f' default="{node.default}"'
    body = _ext(node)
    body += "".join(f"<bpmn:incoming>{f.id}</bpmn:incoming>" for f in incoming)
    body += "".join(f"<bpmn:outgoing>{f.id}</bpmn:outgoing>" for f in outgoing)
    if node.kind == "script":
        body += f"<bpmn:script>{escape(node.script or '')}</bpmn:script>"
    if node.kind in ("message", "msgstart"):
        body += f'<bpmn:messageEventDefinition messageRef="msg_{node.message}"/>'
    if node.kind == "timer":
        body += (
            f'<bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">'
            f"{escape(node.timer or '')}</bpmn:timeDuration></bpmn:timerEventDefinition>"
        )
    if node.kind == "terminate":
        body += "<bpmn:terminateEventDefinition/>"
    if node.attached_to:
        return (
            f'<bpmn:boundaryEvent {attrs} attachedToRef="{node.attached_to}" '
            f'cancelActivity="false">{body}'
            f'<bpmn:messageEventDefinition messageRef="msg_{node.message}"/></bpmn:boundaryEvent>'
        )
    if node.kind == "msgstart":
        tag, attrs = "startEvent", attrs + ' isInterrupting="true"'
    return f"<bpmn:{tag} {attrs}>{body}</bpmn:{tag}>"


def _flow_xml(flow: Flow) -> str:
    cond = ""
    if flow.condition:
        cond = (
            f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">'
            f"{escape(flow.condition)}</bpmn:conditionExpression>"
        )
    name = f' name="{escape(flow.name)}"' if flow.name else ""
    return (
        f'<bpmn:sequenceFlow id="{flow.id}"{name} sourceRef="{flow.source}" '
        f'targetRef="{flow.target}">{cond}</bpmn:sequenceFlow>'
    )


def _waypoints(src: tuple, dst: tuple, back: bool, bottom: float) -> list[tuple[float, float]]:
    sx, sy, sw, sh = src
    tx, ty, tw, th = dst
    if back:
        start, end = (sx + sw / 2, sy + sh), (tx + tw / 2, ty + th)
        low = max(start[1], end[1]) + 20 if bottom is None else bottom
        return [start, (start[0], low), (end[0], low), end]
    start, end = (sx + sw, sy + sh / 2), (tx, ty + th / 2)
    if abs(start[1] - end[1]) < 1:
        return [start, end]
    if ty > sy + sh or ty + th < sy:  # leave from top or bottom when the target is on another row
        start = (sx + sw / 2, sy + sh if ty > sy else sy)
        return [start, (start[0], end[1]), end]
    mid = (start[0] + end[0]) / 2
    return [start, (mid, start[1]), (mid, end[1]), end]


def render(process: Process) -> str:
    """The whole BPMN document, semantic model and diagram, as a string."""
    for i, flow in enumerate(process.flows, 1):
        flow.id = flow.id or f"flow_{i}"
    lane_rows = {name: 0.0 for name, _ in process.lanes}
    for node in process.nodes:
        lane_rows[node.lane] = max(lane_rows[node.lane], node.row)
    lane_top, y = {}, 60.0
    lane_height = {}
    for name, _ in process.lanes:
        lane_top[name] = y
        lane_height[name] = LANE_PAD * 2 + (lane_rows[name] + 1) * ROW
        y += lane_height[name]
    width = LEFT + 70 + (max(n.col for n in process.nodes) + 1) * COL + 60
    bounds = {n.id: _bounds(n, lane_top) for n in process.nodes}
    for node in process.nodes:
        if node.attached_to:
            hx, hy, hw, hh = bounds[node.attached_to]
            bounds[node.id] = (hx + hw - 30 if node.col else hx + 12, hy + hh - 18, 36, 36)
    sub_xml, sub_di, sub_height = _event_subprocess(process, y)
    inc = {n.id: [f for f in process.flows if f.target == n.id] for n in process.nodes}
    out = {n.id: [f for f in process.flows if f.source == n.id] for n in process.nodes}
    lanes_xml = "".join(
        f'<bpmn:lane id="lane_{name}" name="{name}">'
        + "".join(
            f"<bpmn:flowNodeRef>{n.id}</bpmn:flowNodeRef>" for n in process.nodes if n.lane == name
        )
        + "</bpmn:lane>"
        for name, _ in process.lanes
    )
    semantic = (
        f'<bpmn:process id="{process.id}" name="{escape(process.name)}" isExecutable="true">'
        f'<bpmn:laneSet id="lanes_{process.id}">{lanes_xml}</bpmn:laneSet>'
        + "".join(_node_xml(n, inc[n.id], out[n.id]) for n in process.nodes)
        + "".join(_flow_xml(f) for f in process.flows)
        + sub_xml
        + "</bpmn:process>"
    )
    col_by_id = {n.id: n.col for n in process.nodes}
    di = [
        f'<bpmndi:BPMNShape id="pool_{process.id}_di" bpmnElement="pool_{process.id}" '
        f'isHorizontal="true"><dc:Bounds x="{LEFT - 60}" y="60" width="{width}" '
        f'height="{y - 60 + sub_height}"/></bpmndi:BPMNShape>'
    ]
    for name, _ in process.lanes:
        di.append(
            f'<bpmndi:BPMNShape id="lane_{name}_di" bpmnElement="lane_{name}" '
            f'isHorizontal="true"><dc:Bounds x="{LEFT - 30}" y="{lane_top[name]}" '
            f'width="{width - 30}" height="{lane_height[name]}"/></bpmndi:BPMNShape>'
        )
    for node in process.nodes:
        x, yy, w, h = bounds[node.id]
        marker = ' isMarkerVisible="true"' if node.kind == "xor" else ""
        di.append(
            f'<bpmndi:BPMNShape id="{node.id}_di" bpmnElement="{node.id}"{marker}>'
            f'<dc:Bounds x="{x}" y="{yy}" width="{w}" height="{h}"/></bpmndi:BPMNShape>'
        )
    for flow in process.flows:
        back = col_by_id[flow.target] <= col_by_id[flow.source]
        bottom = None
        if back:
            src, dst = bounds[flow.source], bounds[flow.target]
            bottom = max(src[1] + src[3], dst[1] + dst[3]) + 25
        points = _waypoints(bounds[flow.source], bounds[flow.target], back, bottom)
        wps = "".join(f'<di:waypoint x="{px}" y="{py}"/>' for px, py in points)
        di.append(
            f'<bpmndi:BPMNEdge id="{flow.id}_di" bpmnElement="{flow.id}">{wps}</bpmndi:BPMNEdge>'
        )
    di.extend(sub_di)
    messages = "".join(f'<bpmn:message id="msg_{m}" name="{m}"/>' for m in process.messages)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
        'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
        'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
        f'id="defs_{process.id}" targetNamespace="http://damrong.go.th/bpmn">\n'
        f'<bpmn:collaboration id="collab_{process.id}"><bpmn:participant id="pool_{process.id}" '
        f'name="{escape(process.name)}" processRef="{process.id}"/></bpmn:collaboration>\n'
        f"{messages}\n{semantic}\n"
        f'<bpmndi:BPMNDiagram id="diagram_{process.id}"><bpmndi:BPMNPlane '
        f'id="plane_{process.id}" bpmnElement="collab_{process.id}">'
        + "\n".join(di)
        + "</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>\n</bpmn:definitions>\n"
    )


def _event_subprocess(process: Process, top: float) -> tuple[str, list[str], float]:
    if process.event_subprocess is None:
        return "", [], 0
    sub_id, name, nodes, flows = process.event_subprocess
    x, y, w, h = LEFT + 70, top + 20, 300, 140
    inner, di = (
        [],
        [
            f'<bpmndi:BPMNShape id="{sub_id}_di" bpmnElement="{sub_id}" '
            f'isExpanded="true"><dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}"/>'
            f"</bpmndi:BPMNShape>"
        ],
    )
    for i, flow in enumerate(flows, 1):
        flow.id = flow.id or f"{sub_id}_flow_{i}"
    for i, node in enumerate(nodes):
        nx, ny = x + 50 + i * 180, y + 52
        inc = [f for f in flows if f.target == node.id]
        out = [f for f in flows if f.source == node.id]
        inner.append(_node_xml(node, inc, out))
        di.append(
            f'<bpmndi:BPMNShape id="{node.id}_di" bpmnElement="{node.id}">'
            f'<dc:Bounds x="{nx}" y="{ny}" width="36" height="36"/></bpmndi:BPMNShape>'
        )
    for i, flow in enumerate(flows):
        sx = x + 50 + i * 180 + 36
        di.append(
            f'<bpmndi:BPMNEdge id="{flow.id}_di" bpmnElement="{flow.id}">'
            f'<di:waypoint x="{sx}" y="{y + 70}"/><di:waypoint x="{sx + 144}" '
            f'y="{y + 70}"/></bpmndi:BPMNEdge>'
        )
    xml = (
        f'<bpmn:subProcess id="{sub_id}" name="{escape(name)}" triggeredByEvent="true">'
        + "".join(inner)
        + "".join(_flow_xml(f) for f in flows)
        + "</bpmn:subProcess>"
    )
    return xml, di, h + 40
