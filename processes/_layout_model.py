"""The diagrams' vocabulary: grid, namespaces, nodes, flows, lanes, processes, node builders."""

from __future__ import annotations

from dataclasses import dataclass, field

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


# Lanes by role, and the builders the process descriptions use.
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
