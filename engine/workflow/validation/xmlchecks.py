"""Checks on the XML itself: the BPMN 2.0 and DMN schemas, reserved ids, diagram interchange."""

from __future__ import annotations

import copy
import os
import threading
from collections.abc import Iterable
from functools import cache

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS as DMN_SCHEMAS
from SpiffWorkflow.spiff.parser.process import SPIFF_XSD

from engine.workflow.camunda import BPMN
from engine.workflow.findings import ERROR, WARNING, Finding
from engine.workflow.validation.documents import BPMNDI, Document, at, flow_nodes, label

# Task spec names SpiffWorkflow gives its own tasks: a flow node with one of these ids
# replaces that task (an element `Start` silently empties the process).
RESERVED = frozenset({"Start", "End", "Root", "StartEventSplit", "StartEventJoin"})
RESERVED_SUFFIXES = (".EndJoin", ".BoundaryEventSplit", ".BoundaryEventJoin", " [child]")
_SHORT = {BPMN: "bpmn", "http://spiffworkflow.org/bpmn/schema/1.0/core": "spiffworkflow"}
# An lxml schema keeps its error log on itself: one validation at a time per schema.
_LOCK = threading.Lock()


@cache
def _bpmn_schema() -> etree.XMLSchema:
    return BpmnValidator(imports={"spiffworkflow": SPIFF_XSD}).validator


@cache
def _dmn_schema(namespace: str) -> etree.XMLSchema | None:
    path = DMN_SCHEMAS.get(namespace)
    return BpmnValidator(path).validator if path and os.path.exists(path) else None


def schema_findings(docs: Iterable[Document]) -> list[Finding]:
    """Where each file breaks the BPMN 2.0 (or DMN) XML schema, one finding per error."""
    findings = []
    for doc in docs:
        root = doc.root
        if doc.kind == "bpmn":
            schema = _bpmn_schema()
            root = _as_spiff_validates(root)
        else:
            schema = _dmn_schema(etree.QName(root).namespace or "")
        if schema is None:
            continue
        with _LOCK:
            valid = schema.validate(root)
            errors = [] if valid else list(schema.error_log)
        findings.extend(_schema_finding(doc, root, error) for error in errors)
    return findings


def _as_spiff_validates(root: etree._Element) -> etree._Element:
    # bpmn-js writes correlation retrieval expressions the schema refuses; SpiffWorkflow's
    # validator renames them before validating, so a copy is renamed here the same way.
    path = ".//bpmn:correlationPropertyRetrievalExpression/bpmn:formalExpression"
    if not root.xpath(path, namespaces={"bpmn": BPMN}):
        return root
    root = copy.deepcopy(root)
    for node in root.xpath(path, namespaces={"bpmn": BPMN}):
        node.tag = f"{{{BPMN}}}messagePath"
    return root


def _schema_finding(doc: Document, root: etree._Element, error: etree._LogEntry) -> Finding:
    node = _node_at(root, error)
    message = error.message
    for namespace, prefix in _SHORT.items():
        message = message.replace(f"{{{namespace}}}", f"{prefix}:")
    if len(message) > 400:
        message = message[:400] + "…"
    return at(
        doc,
        node,
        ERROR,
        "schema",
        f"ไม่เป็นไปตามโครงสร้าง XML ของ {doc.kind.upper()} (บรรทัด {error.line}): {message}",
        f"Does not follow the {doc.kind.upper()} XML schema (line {error.line}): {message}",
        line=error.line,
    )


def _node_at(root: etree._Element, error: etree._LogEntry) -> etree._Element | None:
    namespaces = {k: v for k, v in root.nsmap.items() if k}
    try:
        found = root.getroottree().xpath(error.path, namespaces=namespaces)
    except (etree.XPathError, TypeError):
        found = []
    if found and isinstance(found[0], etree._Element):
        return found[0]
    on_line = [n for n in root.iter() if n.sourceline == error.line and n.get("id")]
    return on_line[0] if on_line else None


def reserved_id_findings(docs: Iterable[Document]) -> list[Finding]:
    """Flow nodes whose id is one SpiffWorkflow uses for its own tasks."""
    findings = []
    for doc in docs:
        for scope in doc.scopes():
            for node in flow_nodes(scope):
                element_id = node.get("id") or ""
                if element_id in RESERVED or element_id.endswith(RESERVED_SUFFIXES):
                    findings.append(_reserved(doc, node, element_id))
    return findings


def _reserved(doc: Document, node: etree._Element, element_id: str) -> Finding:
    return at(
        doc,
        node,
        ERROR,
        "reserved-id",
        f"{label(node)}: รหัส '{element_id}' ซ้ำกับชื่อที่ SpiffWorkflow ใช้ภายใน "
        "กระบวนงานจะทำงานผิดพลาด โปรดเปลี่ยนรหัสของ element นี้",
        f"{label(node)}: the id '{element_id}' is one SpiffWorkflow uses for its own tasks; "
        "the process would not run as drawn. Give this element another id.",
    )


def drawing_findings(docs: Iterable[Document]) -> list[Finding]:
    """BPMN files without diagram interchange, or with flow nodes that have no shape."""
    findings = []
    for doc in docs:
        if doc.kind != "bpmn":
            continue
        shapes = {s.get("bpmnElement") for s in doc.root.iter(f"{{{BPMNDI}}}BPMNShape")}
        nodes = [n for scope in doc.scopes() for n in flow_nodes(scope)]
        if not shapes:
            findings.append(_undrawn(doc, doc.root, "no-diagram", []))
            continue
        missing = [n for n in nodes if n.get("id") not in shapes]
        if missing:
            findings.append(_undrawn(doc, missing[0], "not-drawn", missing))
    return findings


def _undrawn(doc: Document, node: etree._Element, code: str, missing: list) -> Finding:
    if code == "no-diagram":
        th = "ไฟล์นี้ไม่มีข้อมูลแผนภาพ (BPMNDiagram) จึงแสดงเป็นภาพไม่ได้"
        en = "This file has no diagram interchange (BPMNDiagram): it cannot be drawn."
    else:
        ids = ", ".join(n.get("id") for n in missing[:10])
        th = f"element เหล่านี้ไม่มีรูปในแผนภาพ จึงไม่ปรากฏเมื่อแสดงภาพ: {ids}"
        en = f"These elements have no shape in the diagram and will not be drawn: {ids}"
    return at(doc, node, WARNING, code, th, en)
