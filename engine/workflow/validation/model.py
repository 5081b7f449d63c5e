"""The flow graph of each process as drawn: gateways, reachability, dead ends and endless loops.

These read the diagram's own elements (lxml), not SpiffWorkflow's specs: SpiffWorkflow parses
only what it can reach from a start event, so what it leaves out is exactly what is checked here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from lxml import etree

from engine.workflow.camunda import NS, local
from engine.workflow.findings import ERROR, WARNING, Finding
from engine.workflow.validation.documents import Document, at, flow_nodes, label


@dataclass
class Graph:
    """One process or sub-process: its flow nodes and where a token can go from each."""

    scope: etree._Element
    nodes: dict[str, etree._Element]
    edges: dict[str, list[str]] = field(default_factory=dict)
    flows: dict[str, list[etree._Element]] = field(default_factory=dict)

    def starts(self) -> list[str]:
        """The start events, where a token enters."""
        return [i for i, n in self.nodes.items() if local(n) == "startEvent"]


def graph_of(scope: etree._Element) -> Graph:
    """The flow graph of one scope: sequence flows, boundary events and link events."""
    graph = Graph(scope, {n.get("id"): n for n in flow_nodes(scope) if n.get("id")})
    for node_id in graph.nodes:
        graph.edges[node_id] = []
        graph.flows[node_id] = []
    for flow in scope.iterfind("bpmn:sequenceFlow", NS):
        source, target = flow.get("sourceRef"), flow.get("targetRef")
        if source in graph.nodes and target in graph.nodes:
            graph.edges[source].append(target)
            graph.flows[source].append(flow)
    links: dict[str, list[str]] = {}
    for node_id, node in graph.nodes.items():
        attached = node.get("attachedToRef")
        if local(node) == "boundaryEvent" and attached in graph.nodes:
            graph.edges[attached].append(node_id)
        link = node.find("bpmn:linkEventDefinition", NS)
        if link is not None and local(node) == "intermediateCatchEvent":
            links.setdefault(link.get("name") or "", []).append(node_id)
    for node_id, node in graph.nodes.items():
        link = node.find("bpmn:linkEventDefinition", NS)
        if link is not None and local(node) == "intermediateThrowEvent":
            graph.edges[node_id].extend(links.get(link.get("name") or "", []))
    return graph


def graph_findings(docs: Iterable[Document]) -> list[Finding]:
    """Gateway conditions, unreachable nodes, dead ends and loops without a way out."""
    findings: list[Finding] = []
    for doc in docs:
        for scope in doc.scopes():
            graph = graph_of(scope)
            findings.extend(_gateways(doc, graph))
            if local(scope) == "adHocSubProcess":
                continue  # its tasks run in any order, with no flows between them
            reachable = _reach(graph, graph.starts())
            findings.extend(_unreachable(doc, graph, reachable))
            findings.extend(_dead_ends(doc, graph))
            findings.extend(_endless_loops(doc, graph, reachable))
    return findings


def _gateways(doc: Document, graph: Graph) -> Iterator[Finding]:
    for node_id, node in graph.nodes.items():
        outgoing = graph.flows[node_id]
        if local(node) not in ("exclusiveGateway", "inclusiveGateway") or len(outgoing) < 2:
            continue
        default = node.get("default")
        if default and default not in {f.get("id") for f in outgoing}:
            yield at(
                doc,
                node,
                ERROR,
                "gateway-bad-default",
                f"{label(node)}: ทางออกปกติ (default) '{default}' ไม่ใช่เส้นที่ออกจากทางแยกนี้",
                f"{label(node)}: the default flow '{default}' does not leave this gateway.",
            )
        unconditioned = [f for f in outgoing if f.get("id") != default and not _has_condition(f)]
        for flow in unconditioned:
            yield at(
                doc,
                flow,
                ERROR,
                "gateway-missing-condition",
                f"{label(flow)}: เส้นที่ออกจากทางแยก {label(node)} ต้องมีเงื่อนไข "
                "หรือกำหนดให้เป็นทางออกปกติ (default) ของทางแยก",
                f"{label(flow)}: a flow leaving gateway {label(node)} needs a condition, "
                "or must be the gateway's default flow.",
            )
        if not default and not unconditioned:
            yield at(
                doc,
                node,
                WARNING,
                "gateway-no-default",
                f"{label(node)}: ทางแยกนี้ไม่มีทางออกปกติ (default) "
                "ถ้าไม่มีเงื่อนไขใดเป็นจริง เรื่องจะหยุดด้วยข้อผิดพลาด",
                f"{label(node)}: this gateway has no default flow; "
                "a case for which no condition is true fails here.",
            )


def _has_condition(flow: etree._Element) -> bool:
    condition = flow.find("bpmn:conditionExpression", NS)
    return condition is not None and bool((condition.text or "").strip())


def _reach(graph: Graph, starts: Iterable[str]) -> set[str]:
    seen = set(starts)
    stack = list(seen)
    while stack:
        for target in graph.edges[stack.pop()]:
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen


def _exempt(node: etree._Element) -> bool:
    """Nodes that run without an incoming flow or end a path by design."""
    return (
        local(node) == "boundaryEvent"
        or node.get("triggeredByEvent") == "true"
        or node.get("isForCompensation") == "true"
    )


def _unreachable(doc: Document, graph: Graph, reachable: set[str]) -> Iterator[Finding]:
    if not graph.starts():
        return  # SpiffWorkflow refuses a process without a start event; that error says it
    for node_id, node in graph.nodes.items():
        if node_id in reachable or _exempt(node):
            continue
        yield at(
            doc,
            node,
            WARNING,
            "unreachable",
            f"{label(node)}: ไม่มีเส้นทางใดจากเหตุการณ์เริ่มต้นมาถึง element นี้ จึงไม่มีวันทำงาน",
            f"{label(node)}: no path from a start event reaches this element; it never runs.",
        )


def _dead_ends(doc: Document, graph: Graph) -> Iterator[Finding]:
    for node_id, node in graph.nodes.items():
        if local(node) == "boundaryEvent" and node.get("attachedToRef") not in graph.nodes:
            yield _unattached(doc, node)
        if graph.edges[node_id] or local(node) == "endEvent" or _exempt(node):
            continue
        if node.find("bpmn:linkEventDefinition", NS) is not None:
            continue  # a link throw with no matching catch: SpiffWorkflow's parse says so
        yield at(
            doc,
            node,
            ERROR,
            "dead-end",
            f"{label(node)}: ไม่มีเส้นออกและไม่ใช่เหตุการณ์สิ้นสุด "
            "เรื่องที่มาถึงจุดนี้จะค้างอยู่ โปรดต่อเส้นไปยังขั้นตอนถัดไปหรือเหตุการณ์สิ้นสุด",
            f"{label(node)}: no outgoing flow and not an end event: a case that gets here "
            "never ends. Connect it to the next step or to an end event.",
        )


def _unattached(doc: Document, node: etree._Element) -> Finding:
    attached = node.get("attachedToRef") or ""
    return at(
        doc,
        node,
        ERROR,
        "boundary-not-attached",
        f"{label(node)}: เหตุการณ์ขอบไม่ได้ติดอยู่กับงานใดในกระบวนงานนี้ ('{attached}') จึงไม่มีวันเกิด",
        f"{label(node)}: this boundary event is attached to no task of this process "
        f"('{attached}'), so it never fires.",
    )


def _endless_loops(doc: Document, graph: Graph, reachable: set[str]) -> Iterator[Finding]:
    for component in _components(graph, reachable):
        leaves = any(t not in component for n in component for t in graph.edges[n])
        looping = len(component) > 1 or any(n in graph.edges[n] for n in component)
        if leaves or not looping:
            continue
        ordered = [n for n in graph.nodes if n in component]
        first = graph.nodes[ordered[0]]
        ids = ", ".join(ordered[:10])
        yield at(
            doc,
            first,
            ERROR,
            "endless-loop",
            f"{label(first)}: วงวนนี้ไม่มีทางออกไปสู่เหตุการณ์สิ้นสุด ({ids}) เรื่องที่เข้ามาจะไม่มีวันจบ",
            f"{label(first)}: this loop has no way out to an end event ({ids}); "
            "a case that enters it never ends.",
        )


def _components(graph: Graph, nodes: set[str]) -> list[set[str]]:
    """Strongly connected components among `nodes` (Tarjan's, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[set[str]] = []
    for root in (n for n in graph.nodes if n in nodes):
        if root in index:
            continue
        work = [(root, iter(graph.edges[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, targets = work[-1]
            advanced = False
            for target in targets:
                if target not in nodes:
                    continue
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(graph.edges[target])))
                    advanced = True
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                found.append(component)
    return found
