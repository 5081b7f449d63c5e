"""Write processes/*.bpmn (BPMN 2.0 with full diagram interchange) and routing.dmn.

    .venv/bin/python processes/_layout.py

The diagrams are described compactly below: every node sits on a grid cell (column, row) and
every sequence flow is drawn with right angles, either straight, or through the grid lines named
in its route. The generated files are committed and can be opened and edited in any BPMN
modeler (bpmn-js, Camunda Modeler, SpiffArena); edit this file and re-run it to regenerate them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

HERE = Path(__file__).resolve().parent

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {"bpmn": BPMN, "bpmndi": BPMNDI, "dc": DC, "di": DI, "spiffworkflow": SPIFF, "xsi": XSI}

# Grid: column and row centres in pixels.
COL_W, ROW_H = 170, 110
POOL_X, POOL_HEADER, LANE_HEADER = 100, 30, 30
FIRST_COL_X = POOL_X + POOL_HEADER + LANE_HEADER + 80
TOP_Y = 80

SIZES = {"task": (100, 80), "event": (36, 36), "gateway": (50, 50)}
KINDS = {  # kind -> (BPMN element, shape family)
    "start": ("startEvent", "event"),
    "end": ("endEvent", "event"),
    "terminate": ("endEvent", "event"),
    "message": ("intermediateCatchEvent", "event"),
    "timer": ("intermediateCatchEvent", "event"),
    "boundary": ("boundaryEvent", "event"),
    "user": ("userTask", "task"),
    "script": ("scriptTask", "task"),
    "rule": ("businessRuleTask", "task"),
    "call": ("callActivity", "task"),
    "xor": ("exclusiveGateway", "gateway"),
    "and": ("parallelGateway", "gateway"),
    "events": ("eventBasedGateway", "gateway"),
}


def X(col: float) -> float:
    return FIRST_COL_X + col * COL_W


def Y(row: float) -> float:
    return TOP_Y + row * ROW_H


@dataclass
class Node:
    id: str
    kind: str
    name: str | None
    col: float
    row: float
    lane: str | None = None
    props: dict[str, str] = field(default_factory=dict)
    script: str | None = None
    timer: str | None = None  # a Python expression returning an ISO 8601 duration
    message: str | None = None  # message name (catch and boundary events)
    called: str | None = None  # call activity: the called process id
    decision: str | None = None  # business rule task: the DMN decision id
    attached_to: str | None = None  # boundary event: the task it sits on (bottom edge)
    interrupting: bool = True  # boundary events: cancelActivity
    label: str = "below"  # external label: below | above | left | right | up-/down-left/right
    label_width: float = 110
    documentation: str | None = None

    @property
    def family(self) -> str:
        return KINDS[self.kind][1]

    @property
    def size(self) -> tuple[int, int]:
        return SIZES[self.family]

    @property
    def cx(self) -> float:
        return X(self.col)

    @property
    def cy(self) -> float:
        return Y(self.row)

    def bounds(self) -> tuple[float, float, float, float]:
        w, h = self.size
        return self.cx - w / 2, self.cy - h / 2, w, h


@dataclass
class Flow:
    source: str
    target: str
    condition: str | None = None
    name: str | None = None
    default: bool = False
    route: list[tuple[str, float]] | None = None  # ("x", col) / ("y", row) moves
    label_at: tuple[float, float] | None = None  # label's top-left corner, in grid units
    id: str | None = None

    @property
    def flow_id(self) -> str:
        return self.id or f"flow_{self.source}__{self.target}"


@dataclass
class Lane:
    id: str
    name: str  # the role working the user tasks in it
    row0: float
    row1: float
    documentation: str | None = None


@dataclass
class Process:
    id: str
    name: str
    file: str
    lanes: list[Lane]
    nodes: list[Node]
    flows: list[Flow]
    messages: list[str] = field(default_factory=list)
    last_col: float = 0
    documentation: str | None = None


def _q(prefix: str, tag: str) -> str:
    return f"{{{NSMAP[prefix]}}}{tag}"


def _fmt(v: float) -> str:
    return str(int(round(v)))


# ---------------------------------------------------------------------------------------------
# Geometry


def _boundary_position(node: Node, host: Node) -> tuple[float, float]:
    return host.cx + (node.col - host.col) * COL_W, host.cy + host.size[1] / 2


def _place(nodes: list[Node]) -> dict[str, Node]:
    by_id = {n.id: n for n in nodes}
    for n in nodes:
        if n.attached_to:
            cx, cy = _boundary_position(n, by_id[n.attached_to])
            n.col = (cx - FIRST_COL_X) / COL_W
            n.row = (cy - TOP_Y) / ROW_H
    return by_id


def _port(node: Node, toward: tuple[float, float]) -> tuple[float, float]:
    """The middle of the side of `node` facing a point that is level with it on one axis."""
    x, y = toward
    w, h = node.size
    if abs(x - node.cx) < 0.5:
        return node.cx, node.cy + (h / 2 if y > node.cy else -h / 2)
    if abs(y - node.cy) < 0.5:
        return node.cx + (w / 2 if x > node.cx else -w / 2), node.cy
    raise ValueError(f"{node.id}: {toward} is not level with the node")


def waypoints(flow: Flow, src: Node, dst: Node) -> list[tuple[float, float]]:
    moves = flow.route
    if moves is None:
        if abs(src.cy - dst.cy) < 0.5 or abs(src.cx - dst.cx) < 0.5:
            moves = []
        elif src.family == "gateway" or src.kind == "boundary":
            moves = [("y", dst.row)]
        else:
            moves = [("x", dst.col)]
    # The turning points the moves describe, starting level with the source's centre.
    corners: list[tuple[float, float]] = []
    x, y = src.cx, src.cy
    for axis, value in moves:
        if axis == "x":
            x = X(value)
        else:
            y = Y(value)
        corners.append((x, y))
    if not corners and abs(src.cy - dst.cy) > 0.5 and abs(src.cx - dst.cx) > 0.5:
        raise ValueError(f"{flow.flow_id}: needs a route")
    first_toward = corners[0] if corners else (dst.cx, dst.cy)
    last = corners[-1] if corners else (src.cx, src.cy)
    if abs(last[0] - dst.cx) > 0.5 and abs(last[1] - dst.cy) > 0.5:
        raise ValueError(f"{flow.flow_id}: route does not end level with {dst.id}")
    start = _port(src, first_toward)
    end = _port(dst, last if corners else (src.cx, src.cy))
    points = [start, *corners, end]
    # Drop corners that coincide with the ports or lie on a straight line.
    clean: list[tuple[float, float]] = []
    for p in points:
        if clean and abs(clean[-1][0] - p[0]) < 0.5 and abs(clean[-1][1] - p[1]) < 0.5:
            continue
        clean.append(p)
    out: list[tuple[float, float]] = []
    for p in clean:
        if len(out) >= 2:
            a, b = out[-2], out[-1]
            if (abs(a[0] - b[0]) < 0.5 and abs(b[0] - p[0]) < 0.5) or (
                abs(a[1] - b[1]) < 0.5 and abs(b[1] - p[1]) < 0.5
            ):
                out[-1] = p
                continue
        out.append(p)
    for a, b in zip(out, out[1:], strict=False):
        if abs(a[0] - b[0]) > 0.5 and abs(a[1] - b[1]) > 0.5:
            raise ValueError(f"{flow.flow_id}: diagonal segment {a} -> {b}")
    return out


def text_width(text: str) -> float:
    """Rough width in pixels at bpmn-js's 11 px label font (Thai marks take no width)."""
    combining = set(range(0x0E31, 0x0E32)) | set(range(0x0E34, 0x0E3B)) | set(range(0x0E47, 0x0E4F))
    return sum(0 if ord(c) in combining else 6.6 for c in text)


def node_label_bounds(node: Node) -> tuple[float, float, float, float]:
    full = text_width(node.name or "") + 10
    w = min(max(full, 30), node.label_width)
    lines = int(full // (w + 0.01)) + 1
    h = 14 * lines
    half_w, half_h = node.size[0] / 2, node.size[1] / 2
    pos = node.label
    if pos == "below":
        return node.cx - w / 2, node.cy + half_h + 6, w, h
    if pos == "above":
        return node.cx - w / 2, node.cy - half_h - 6 - h, w, h
    if pos == "left":
        return node.cx - half_w - 6 - w, node.cy - h / 2, w, h
    if pos == "right":
        return node.cx + half_w + 6, node.cy - h / 2, w, h
    if pos == "up-left":
        return node.cx - half_w - w + 4, node.cy - half_h - h - 2, w, h
    if pos == "up-right":
        return node.cx + half_w - 4, node.cy - half_h - h - 2, w, h
    if pos == "down-right":
        return node.cx + half_w - 4, node.cy + half_h + 4, w, h
    if pos == "down-left":
        return node.cx - half_w - w + 4, node.cy + half_h + 4, w, h
    raise ValueError(pos)


def flow_label_bounds(flow: Flow, points: list[tuple[float, float]]) -> tuple[float, ...]:
    w, h = max(text_width(flow.name or ""), 24) + 8, 14
    if flow.label_at is not None:
        return X(flow.label_at[0]), Y(flow.label_at[1]), w, h
    # At the start of the segment that enters the target.
    (x0, y0), (x1, y1) = points[-2], points[-1]
    if abs(y0 - y1) < 0.5:  # horizontal: just above it
        left = x0 + 6 if x1 > x0 else x0 - 6 - w
        return left, y0 - h - 3, w, h
    top = y0 + 4 if y1 > y0 else y0 - 4 - h
    return x0 + 5, top, w, h


# ---------------------------------------------------------------------------------------------
# XML


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
    by_id = _place(process.nodes)
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


# ---------------------------------------------------------------------------------------------
# The complaint lifecycle

S, A, V = "screener", "agency_officer", "supervisor"


def user(id_: str, name: str, name_en: str, lane: str, col: float, row: float, status: str) -> Node:
    props = {"status": status, "form": id_, "name_en": name_en}
    return Node(id_, "user", name, col, row, lane, props=props)


def script(id_: str, name: str, lane: str | None, col: float, row: float, code: str) -> Node:
    return Node(id_, "script", name, col, row, lane, script=code)


def end(id_, name, lane, col, row, status=None, resolution=None, kind="end", label="below"):  # type: ignore[no-untyped-def]
    props = {"status": status} if status else {}
    if resolution:
        props["resolution"] = resolution
    return Node(id_, kind, name, col, row, lane, props=props, label=label)


def join(id_: str, lane: str, col: float, row: float) -> Node:
    return Node(id_, "xor", None, col, row, lane)


REGISTER = """\
notify("case_received")
agency = None
decision = None
duplicate_of = None
routed_agency = None
agency_outcome = None
review_decision = None
acknowledged = False
routing_failed = False
action = None
supervisor_action = None"""

CHOOSE_AGENCY = (
    "agency_to_refer = agency if agency else "
    "(routed_agency if routed_agency else category_default_agency(category))"
)

REFER = """\
refer_case(agency_to_refer, "lead")
routing_failed = False
agency_outcome = None
acknowledged = False"""

# Rows of the complaint diagram (screener lane on top, the agency's work below it).
T2, T1, UP, MAIN = 0.0, 0.45, 1.1, 2.1
REJ, DUP, INFO, INFO2, S_TRACK = 3.1, 4.1, 5.1, 6.1, 6.65
WD = 4.1  # the withdrawal listener, under the start
A_MAIN, A_DOWN, A_TRACK = 7.6, 8.6, 9.2

COMPLAINT = Process(
    id="complaint",
    name="เรื่องร้องเรียน (Complaint)",
    file="complaint.bpmn",
    documentation=(
        "The lifecycle of one complaint at a Damrongdhamma Center: screening, referral to the "
        "responsible agency (call activity agency_handling), review of the agency's result, "
        "the complainant's reopening window, and withdrawal at any stage. Withdrawal is a "
        "parallel branch that waits for the message withdraw and ends in a terminate end event; "
        "every other end event terminates too, which ends that waiting branch. (SpiffWorkflow "
        "3.2.0 runs event sub-processes beside the main flow without interrupting it.)"
    ),
    messages=["info_provided", "reopen", "withdraw"],
    last_col=19.6,
    lanes=[
        Lane("lane_screener", S, -0.45, 7.0, "ศูนย์ดำรงธรรม: เจ้าหน้าที่กลั่นกรองเรื่อง"),
        Lane("lane_agency_officer", A, 7.0, 9.5, "หน่วยงานรับผิดชอบ"),
    ],
    nodes=[
        Node("received", "start", "รับเรื่องร้องเรียน", 0, MAIN, S),
        Node("listen_withdrawal", "and", "ถอนเรื่องได้ทุกขั้นตอน", 1, MAIN, S, label="above"),
        Node("withdraw", "message", "ผู้ร้องขอถอนเรื่อง", 1, WD, S, message="withdraw", label="left"),
        end("withdrawn", "ถอนเรื่องแล้ว", S, 2, WD, "withdrawn", kind="terminate"),
        script("register", "ลงทะเบียนเรื่อง", S, 2, MAIN, REGISTER),
        join("to_screen", S, 3, MAIN),
        user("screen", "กลั่นกรองเรื่อง", "Screen the complaint", S, 4, MAIN, "screening"),
        Node("screen_decision", "xor", "ผลการกลั่นกรอง?", 5, MAIN, S, label="down-right"),
        Node("route", "rule", "หาหน่วยงาน ตามตารางส่งต่อ", 6, MAIN, S, decision="routing"),
        script("choose_agency", "เลือกหน่วยงาน รับผิดชอบ", S, 7, MAIN, CHOOSE_AGENCY),
        Node("agency_found", "xor", "พบหน่วยงาน?", 8, MAIN, S, label="down-right"),
        script("no_route", "ไม่พบหน่วยงาน", S, 8, UP, "routing_failed = True"),
        script("refer", "ส่งต่อหน่วยงาน", S, 9, MAIN, REFER),
        join("to_handle", A, 10, A_MAIN),
        Node("handle", "call", "หน่วยงาน ดำเนินการ", 11, A_MAIN, A, called="agency_handling"),
        Node("agency_result", "xor", "ผลจากหน่วยงาน?", 12, A_MAIN, A, label="up-left"),
        script(
            "notify_unresolvable", "แจ้งยุติเรื่อง", A, 13, A_MAIN, 'notify("case_closed_unresolvable")'
        ),
        end(
            "closed_unresolvable",
            "ยุติ: แก้ไขไม่ได้",
            A,
            14,
            A_MAIN,
            "closed",
            "unresolvable",
            kind="terminate",
        ),
        script(
            "declined",
            "หน่วยงาน ปฏิเสธเรื่อง",
            A,
            13,
            A_DOWN,
            'notify("referral_declined")\nagency = None',
        ),
        user(
            "review",
            "ตรวจสอบผล จากหน่วยงาน",
            "Review the agency's result",
            S,
            13,
            MAIN,
            "under_review",
        ),
        Node("review_result", "xor", "ผลการตรวจสอบ?", 14, MAIN, S, label="down-right"),
        script("send_back", "ส่งกลับ ให้หน่วยงาน", S, 14, UP, "agency_outcome = None"),
        join("to_notify", S, 15, MAIN),
        script(
            "notify_result",
            "แจ้งผลผู้ร้อง",
            S,
            16,
            MAIN,
            'notify("result_ready")\nnotify("rating_requested")',
        ),
        Node("resolved_wait", "events", "รอภายในกำหนด เปิดเรื่องใหม่", 17, MAIN, S),
        Node(
            "reopen",
            "message",
            "ผู้ร้องขอ เปิดเรื่องใหม่",
            18,
            UP,
            S,
            message="reopen",
            props={"status": "resolved"},
        ),
        script(
            "reopened",
            "เปิดเรื่องใหม่",
            S,
            19,
            UP,
            'notify("case_reopened")\ndecision = None\nagency = None',
        ),
        Node(
            "reopen_window_closed",
            "timer",
            "พ้นกำหนด เปิดเรื่องใหม่",
            18,
            MAIN,
            S,
            timer='policy_duration("reopen_window")',
            props={"status": "resolved"},
        ),
        end("closed", "ยุติเรื่อง: แก้ไขแล้ว", S, 19, MAIN, "closed", "resolved", kind="terminate"),
        script("notify_rejected", "แจ้งไม่รับเรื่อง", S, 6, REJ, 'notify("case_rejected")'),
        end("rejected", "ไม่รับเรื่อง", S, 7, REJ, "rejected", kind="terminate"),
        end("duplicate", "ยุติ: เรื่องซ้ำ", S, 6, DUP, "closed", "duplicate", kind="terminate"),
        script("notify_info", "ขอข้อมูลเพิ่มเติม", S, 6, INFO, 'notify("info_requested")'),
        Node("await_info", "events", "รอข้อมูลจากผู้ร้อง", 7, INFO, S, label="up-right"),
        Node(
            "info_timeout",
            "timer",
            "พ้นกำหนดส่งข้อมูล",
            8,
            INFO,
            S,
            timer='policy_duration("info_wait")',
            props={"status": "awaiting_information"},
        ),
        end(
            "closed_no_response",
            "ยุติ: ไม่ได้รับข้อมูล",
            S,
            9,
            INFO,
            "closed",
            "no_response",
            kind="terminate",
        ),
        Node(
            "info_provided",
            "message",
            "ผู้ร้อง ส่งข้อมูลแล้ว",
            8,
            INFO2,
            S,
            message="info_provided",
            props={"status": "awaiting_information"},
            label="right",
        ),
    ],
    flows=[
        Flow("received", "listen_withdrawal"),
        Flow("listen_withdrawal", "register"),
        Flow("listen_withdrawal", "withdraw"),
        Flow("withdraw", "withdrawn"),
        Flow("register", "to_screen"),
        Flow("to_screen", "screen"),
        Flow("screen", "screen_decision"),
        Flow("screen_decision", "route", 'decision == "refer"', "ส่งต่อ"),
        Flow(
            "screen_decision",
            "to_notify",
            'decision == "resolve"',
            "ศูนย์แก้ไขเอง",
            route=[("y", T1), ("x", 15)],
            label_at=(10.5, T1 - 0.2),
        ),
        Flow("screen_decision", "notify_rejected", 'decision == "reject"', "ไม่รับเรื่อง"),
        Flow("screen_decision", "duplicate", 'decision == "duplicate"', "เรื่องซ้ำ"),
        Flow("screen_decision", "notify_info", 'decision == "request_info"', "ขอข้อมูลเพิ่ม"),
        Flow("route", "choose_agency"),
        Flow("choose_agency", "agency_found"),
        Flow("agency_found", "refer", name="พบ", default=True),
        Flow(
            "agency_found",
            "no_route",
            "agency_to_refer is None",
            "ไม่พบ",
            label_at=(8.05, UP + 0.45),
        ),
        Flow("no_route", "to_screen", route=[("x", 3)]),
        Flow("refer", "to_handle"),
        Flow("to_handle", "handle"),
        Flow("handle", "agency_result"),
        Flow("agency_result", "review", 'agency_outcome == "result"', "รายงานผล"),
        Flow(
            "agency_result", "notify_unresolvable", 'agency_outcome == "unresolvable"', "แก้ไขไม่ได้"
        ),
        Flow("agency_result", "declined", 'agency_outcome == "declined"', "ปฏิเสธ"),
        Flow("declined", "to_screen", route=[("y", A_TRACK), ("x", 3)]),
        Flow("notify_unresolvable", "closed_unresolvable"),
        Flow("review", "review_result"),
        Flow("review_result", "to_notify", 'review_decision == "accept"', "รับผล"),
        Flow(
            "review_result",
            "send_back",
            'review_decision == "send_back"',
            "ส่งกลับ",
            label_at=(14.05, UP + 0.45),
        ),
        Flow("send_back", "to_handle", route=[("x", 10)]),
        Flow("to_notify", "notify_result"),
        Flow("notify_result", "resolved_wait"),
        Flow("resolved_wait", "reopen"),
        Flow("resolved_wait", "reopen_window_closed"),
        Flow("reopen", "reopened"),
        Flow("reopened", "to_screen", route=[("y", T2), ("x", 3)]),
        Flow("reopen_window_closed", "closed"),
        Flow("notify_rejected", "rejected"),
        Flow("notify_info", "await_info"),
        Flow("await_info", "info_timeout"),
        Flow("await_info", "info_provided"),
        Flow("info_timeout", "closed_no_response"),
        Flow("info_provided", "to_screen", route=[("y", S_TRACK), ("x", 3)]),
    ],
)


# ---------------------------------------------------------------------------------------------
# The agency's handling of a referral (called from complaint's `handle`)

# Rows: the screener lane on top, the agency's lane, the supervisor's lane below.
TF, RS = -0.55, 0.0
R_INVITE, R_PROGRESS, M, R_FORWARD, R_DECLINE = 1.1, 2.1, 3.1, 4.1, 5.1
SV, SV2, SV3 = 6.2, 7.2, 8.2

AGENCY = Process(
    id="agency_handling",
    name="หน่วยงานดำเนินการ (Agency handling)",
    file="agency_handling.bpmn",
    documentation=(
        "The responsible agency acknowledges the referral and handles it: progress reports, "
        "questions to the center, co-handlers, forwarding, declining, and the result. A "
        "parallel branch waits for sla_breached, which the engine sends at every breach of the "
        "agency's deadline: it opens the supervisor's task (at the level the case is escalated "
        "to) and, after a remind, extend, escalate or reassign, waits for the next breach. The "
        "agency's terminate end events end that branch too."
    ),
    messages=["sla_breached"],
    last_col=10.6,
    lanes=[
        Lane("lane_screener", S, -1.0, 0.55, "ศูนย์ดำรงธรรม: เจ้าหน้าที่กลั่นกรองเรื่อง"),
        Lane("lane_agency_officer", A, 0.55, 5.65, "หน่วยงานรับผิดชอบ"),
        Lane("lane_supervisor", V, 5.65, 8.75, "หัวหน้างาน"),
    ],
    nodes=[
        Node("handling_started", "start", "รับเรื่องที่ส่งต่อ", -0.5, M, A),
        Node("supervision_fork", "and", None, 0, M, A),
        join("referral_join", A, 1, M),
        Node("ack_check", "xor", "ตอบรับแล้ว?", 2, M, A, label="down-right"),
        user("agency_acknowledge", "ตอบรับเรื่อง", "Acknowledge the referral", A, 3, M, "referred"),
        script("mark_acknowledged", "บันทึก การตอบรับ", A, 4, M, "acknowledged = True"),
        join("handle_join", A, 5, M),
        user(
            "agency_handle",
            "ดำเนินการ และรายงานผล",
            "Handle the case and report",
            A,
            6,
            M,
            "in_progress",
        ),
        Node("agency_action", "xor", "การดำเนินการ?", 7, M, A, label="down-right"),
        script("notify_progress", "แจ้ง ความคืบหน้า", A, 6, R_PROGRESS, 'notify("progress_reported")'),
        script(
            "invite_co_handler",
            "เชิญ หน่วยงานร่วม",
            A,
            6,
            R_INVITE,
            'refer_case(agency, "co_handler")',
        ),
        user(
            "answer_agency",
            "ตอบคำถาม หน่วยงาน",
            "Answer the agency's question",
            S,
            6,
            RS,
            "in_progress",
        ),
        script("report_result", "บันทึกผล", A, 8, M, 'agency_outcome = "result"'),
        end("result_reported", "ส่งผลให้ศูนย์", A, 9, M, kind="terminate"),
        script(
            "forward_referral",
            "ส่งต่อ หน่วยงานอื่น",
            A,
            8,
            R_FORWARD,
            'refer_case(agency, "lead")\nacknowledged = False',
        ),
        script(
            "decline_referral",
            "ปฏิเสธเรื่อง",
            A,
            8,
            R_DECLINE,
            'agency_outcome = "declined"\nacknowledged = False',
        ),
        end("declined_end", "คืนเรื่องให้ศูนย์", A, 9, R_DECLINE, kind="terminate"),
        join("supervise_join", V, 3, SV),
        Node(
            "await_breach",
            "message",
            "เกินกำหนด (ทุกครั้ง)",
            5,
            SV,
            V,
            message="sla_breached",
        ),
        user("supervise", "พิจารณา เรื่องล่าช้า", "Deal with the overdue case", V, 7, SV, "in_progress"),
        Node("supervisor_decision", "xor", "คำสั่ง?", 8, SV, V, label="down-left"),
        script(
            "reassign",
            "มอบหมาย หน่วยงานใหม่",
            V,
            9,
            SV2,
            'refer_case(agency, "lead")\nacknowledged = False',
        ),
        script("mark_unresolvable", "แก้ไขไม่ได้", V, 9, SV3, 'agency_outcome = "unresolvable"'),
        end("unresolvable", "ยุติการดำเนินการ", V, 10, SV3, kind="terminate"),
    ],
    flows=[
        Flow("handling_started", "supervision_fork"),
        Flow("supervision_fork", "referral_join"),
        Flow("supervision_fork", "supervise_join", route=[("y", SV), ("x", 3)]),
        Flow("referral_join", "ack_check"),
        Flow(
            "ack_check",
            "handle_join",
            "acknowledged",
            "ตอบรับแล้ว",
            route=[("y", R_PROGRESS), ("x", 5)],
            label_at=(2.1, R_PROGRESS - 0.2),
        ),
        Flow("ack_check", "agency_acknowledge", name="ยังไม่ตอบรับ", default=True),
        Flow("agency_acknowledge", "mark_acknowledged"),
        Flow("mark_acknowledged", "handle_join"),
        Flow("handle_join", "agency_handle"),
        Flow("agency_handle", "agency_action"),
        Flow("agency_action", "report_result", 'action == "result"', "ผล"),
        Flow("report_result", "result_reported"),
        Flow("agency_action", "notify_progress", 'action == "progress"', "ความคืบหน้า"),
        Flow("notify_progress", "handle_join", route=[("x", 5)]),
        Flow("agency_action", "invite_co_handler", 'action == "invite"', "เชิญร่วม"),
        Flow("invite_co_handler", "handle_join", route=[("x", 5)]),
        Flow("agency_action", "answer_agency", 'action == "info_request"', "ถามศูนย์"),
        Flow("answer_agency", "handle_join", route=[("x", 5)]),
        Flow("agency_action", "forward_referral", 'action == "forward"', "ส่งต่อ"),
        Flow("forward_referral", "referral_join", route=[("x", 9.55), ("y", TF), ("x", 1)]),
        Flow("agency_action", "decline_referral", 'action == "decline"', "ปฏิเสธ"),
        Flow("decline_referral", "declined_end"),
        Flow("supervise_join", "await_breach"),
        Flow("await_breach", "supervise"),
        Flow("supervise", "supervisor_decision"),
        Flow("supervisor_decision", "reassign", 'supervisor_action == "reassign"', "มอบหมายใหม่"),
        Flow("reassign", "supervise_join", route=[("x", 9.6), ("y", SV - 0.45), ("x", 3)]),
        Flow(
            "supervisor_decision",
            "mark_unresolvable",
            'supervisor_action == "close_unresolvable"',
            "ยุติเรื่อง",
        ),
        Flow("mark_unresolvable", "unresolvable"),
        Flow(
            "supervisor_decision",
            "supervise_join",
            name="เตือน / ขยายเวลา / ยกระดับ",
            default=True,
            route=[("y", SV - 0.45), ("x", 3)],
            label_at=(4.2, SV - 0.75),
        ),
    ],
)


# ---------------------------------------------------------------------------------------------
# routing.dmn: the responsible agency by category (and, for the police, province)

DMN = "https://www.omg.org/spec/DMN/20191111/MODEL/"
DMNDI = "https://www.omg.org/spec/DMN/20191111/DMNDI/"
DMN_DC = "http://www.omg.org/spec/DMN/20180521/DC/"

# (category, province, agency, description). Input entries are Python expressions compared
# with == by SpiffWorkflow ("-" matches anything); FIRST hit policy: the first matching row wins.
ROUTING_RULES = [
    ("labour", None, "mol", "กระทรวงแรงงาน (Ministry of Labour)"),
    ("land", None, "dol", "กรมที่ดิน (Department of Lands)"),
    ("police", "10", "mpb", "กองบัญชาการตำรวจนครบาล (Metropolitan Police Bureau), Bangkok"),
    ("police", None, "rtp", "สำนักงานตำรวจแห่งชาติ (Royal Thai Police)"),
    ("health", None, "moph", "กระทรวงสาธารณสุข (Ministry of Public Health)"),
    ("education", None, "moe", "กระทรวงศึกษาธิการ (Ministry of Education)"),
    ("consumer", None, "ocpb", "สำนักงานคณะกรรมการคุ้มครองผู้บริโภค (OCPB)"),
    ("online_fraud", None, "des", "กระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม (Ministry of DES)"),
    ("social_welfare", None, "msdhs", "กระทรวงการพัฒนาสังคมฯ (Ministry of Social Development)"),
    ("justice", None, "moj", "กระทรวงยุติธรรม (Ministry of Justice)"),
    (None, None, None, "ไม่มีในตาราง: ใช้หน่วยงานตั้งต้นของประเภทเรื่อง (category default)"),
]


def render_dmn() -> bytes:
    nsmap = {None: DMN, "dmndi": DMNDI, "dc": DMN_DC}

    def sub(parent, tag, text=None, ns=DMN, **attrs):  # type: ignore[no-untyped-def]
        el = etree.SubElement(parent, f"{{{ns}}}{tag}")
        for k, v in attrs.items():
            el.set(k, v)
        if text is not None:
            el.text = text
        return el

    defs = etree.Element(f"{{{DMN}}}definitions", nsmap=nsmap)
    defs.set("id", "definitions_routing")
    defs.set("name", "การส่งต่อหน่วยงาน (Routing)")
    defs.set("namespace", "https://damrong.go.th/dmn")
    decision = sub(defs, "decision", id="routing", name="หน่วยงานรับผิดชอบ (Responsible agency)")
    table = sub(decision, "decisionTable", id="routing_table", hitPolicy="FIRST")
    for name, label in (("category", "ประเภทเรื่อง (category)"), ("province", "จังหวัด (province)")):
        inp = sub(table, "input", id=f"input_{name}", label=label)
        expr = sub(inp, "inputExpression", id=f"input_{name}_expression", typeRef="string")
        sub(expr, "text", name)
    sub(
        table,
        "output",
        id="output_routed_agency",
        label="หน่วยงาน (routed_agency)",
        name="routed_agency",
        typeRef="string",
    )
    for i, (category, province, agency, description) in enumerate(ROUTING_RULES, start=1):
        rule = sub(table, "rule", id=f"rule_{i}")
        sub(rule, "description", description)
        for j, value in enumerate((category, province)):
            entry = sub(rule, "inputEntry", id=f"rule_{i}_input_{j + 1}")
            sub(entry, "text", f'"{value}"' if value else "-")
        out = sub(rule, "outputEntry", id=f"rule_{i}_output")
        sub(out, "text", f'"{agency}"' if agency else "None")
    dmndi = sub(defs, "DMNDI", ns=DMNDI)
    diagram = sub(dmndi, "DMNDiagram", ns=DMNDI, id="diagram_routing")
    shape = sub(diagram, "DMNShape", ns=DMNDI, id="routing_di", dmnElementRef="routing")
    sub(shape, "Bounds", ns=DMN_DC, x="160", y="100", width="220", height="80")
    etree.indent(defs, space="  ")
    return etree.tostring(defs, xml_declaration=True, encoding="UTF-8", pretty_print=True)


PROCESSES = [COMPLAINT, AGENCY]


def main() -> None:
    for process in PROCESSES:
        path = HERE / process.file
        path.write_bytes(render(process))
        print(f"wrote {path.relative_to(HERE.parent)}")
    (HERE / "routing.dmn").write_bytes(render_dmn())
    print("wrote processes/routing.dmn")


if __name__ == "__main__":
    main()
