"""The diagram files as lxml trees, their elements by id, and findings that point into them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from lxml import etree

from engine.workflow import spiff
from engine.workflow.camunda import BPMN, local
from engine.workflow.findings import ERROR, Finding

BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DMN_NAMESPACES = (
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
    "http://www.omg.org/spec/DMN/20180521/MODEL/",
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "https://www.omg.org/spec/DMN/20230324/MODEL/",
)
SCOPES = ("process", "subProcess", "transaction", "adHocSubProcess")
FLOW_NODES = frozenset(
    (
        *("startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent"),
        *("boundaryEvent", "task", "userTask", "manualTask", "scriptTask", "serviceTask"),
        *("sendTask", "receiveTask", "businessRuleTask", "callActivity", "subProcess"),
        *("transaction", "adHocSubProcess", "exclusiveGateway", "inclusiveGateway"),
        *("parallelGateway", "eventBasedGateway", "complexGateway"),
    )
)
# Diagram interchange: shapes and edges are drawings of elements, not elements of the process.
_DRAWINGS = ("BPMNDiagram", "DMNDI")


@dataclass
class Document:
    """One BPMN or DMN file, parsed; `called` files come from a deployed version, not the user."""

    name: str
    root: etree._Element
    kind: str  # "bpmn" or "dmn"
    called: bool = False
    ids: dict[str, etree._Element] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.ids = dict(_semantic_ids(self.root))

    def scopes(self) -> Iterator[etree._Element]:
        """Every process and sub-process element, outermost first."""
        if self.kind == "bpmn":
            yield from self.root.iter(*(f"{{{BPMN}}}{tag}" for tag in SCOPES))

    def processes(self) -> list[etree._Element]:
        """The top-level processes of the file."""
        return self.root.findall(f"{{{BPMN}}}process") if self.kind == "bpmn" else []


def _semantic_ids(root: etree._Element) -> Iterator[tuple[str, etree._Element]]:
    stack = [root]
    while stack:
        node = stack.pop()
        if local(node) in _DRAWINGS:
            continue
        element_id = node.get("id") if isinstance(node.tag, str) else None
        if element_id is not None:
            yield element_id, node
        stack.extend(reversed(node))


def flow_nodes(scope: etree._Element) -> list[etree._Element]:
    """The flow nodes directly inside a process or sub-process."""
    return [child for child in scope if _is_bpmn(child) and local(child) in FLOW_NODES]


def _is_bpmn(node: etree._Element) -> bool:
    return isinstance(node.tag, str) and etree.QName(node).namespace == BPMN


def read(files: Mapping[str, str], called: bool = False) -> tuple[list[Document], list[Finding]]:
    """The BPMN and DMN files parsed (other names are ignored), and why any could not be."""
    docs, findings = [], []
    for name, text in sorted(files.items()):
        kind = name.rsplit(".", 1)[-1].lower()
        if kind not in ("bpmn", "dmn"):
            continue
        try:
            root = spiff.xml(text)
        except etree.XMLSyntaxError as exc:
            findings.append(_not_xml(name, exc))
            continue
        docinfo = root.getroottree().docinfo
        if docinfo.doctype or docinfo.internalDTD is not None:
            findings.append(_doctype(name))
            continue
        problem = _wrong_root(root, kind)
        if problem:
            findings.append(_wrong_kind(name, root, kind, problem))
            continue
        docs.append(Document(name, root, kind, called))
    return docs, findings


def _doctype(name: str) -> Finding:
    """A DOCTYPE: BPMN and DMN need none, and its entities are how files are smuggled in."""
    return Finding(
        file=name,
        line=1,
        element=None,
        name=None,
        severity=ERROR,
        code="doctype",
        message_th="ไฟล์มีการประกาศ DOCTYPE/ENTITY ซึ่ง BPMN และ DMN ไม่ใช้ จึงไม่รับไฟล์นี้",
        message_en="The file declares a DOCTYPE (entities): BPMN and DMN use none. Refused.",
    )


def _wrong_root(root: etree._Element, kind: str) -> str | None:
    found = etree.QName(root)
    namespaces = (BPMN,) if kind == "bpmn" else DMN_NAMESPACES
    if found.localname == "definitions" and found.namespace in namespaces:
        return None
    return f"{{{found.namespace}}}{found.localname}" if found.namespace else found.localname


def _not_xml(name: str, exc: etree.XMLSyntaxError) -> Finding:
    line = exc.position[0] if exc.position else exc.lineno
    return Finding(
        file=name,
        line=line,
        element=None,
        name=None,
        severity=ERROR,
        code="xml-syntax",
        message_th=f"ไฟล์นี้ไม่ใช่ XML ที่ถูกต้อง (บรรทัด {line}): {exc.msg}",
        message_en=f"This file is not well-formed XML (line {line}): {exc.msg}",
    )


def _wrong_kind(name: str, root: etree._Element, kind: str, found: str) -> Finding:
    expected = "bpmn:definitions" if kind == "bpmn" else "DMN definitions"
    return Finding(
        file=name,
        line=root.sourceline,
        element=root.get("id"),
        name=None,
        severity=ERROR,
        code=f"not-{kind}",
        message_th=f"ไฟล์นี้ไม่ใช่ {kind.upper()}: ต้องขึ้นต้นด้วย {expected} แต่พบ {found}",
        message_en=f"This is not a {kind.upper()} file: expected {expected}, found {found}",
    )


def at(
    doc: Document | str,
    node: etree._Element | None,
    severity: str,
    code: str,
    message_th: str,
    message_en: str,
    rewrite: str | None = None,
    line: int | None = None,
) -> Finding:
    """A finding about one element: its id, name and line come from the tree."""
    owner = node
    while owner is not None and owner.get("id") is None:
        owner = owner.getparent()
    return Finding(
        file=doc.name if isinstance(doc, Document) else doc,
        line=line or (node.sourceline if node is not None else None),
        element=owner.get("id") if owner is not None else None,
        name=name_of(owner) if owner is not None else None,
        severity=severity,
        code=code,
        message_th=message_th,
        message_en=message_en,
        rewrite=rewrite,
    )


def find(
    docs: Iterable[Document], element_id: str | None
) -> tuple[Document, etree._Element] | None:
    """The file and element with this id, given files before a deployed version's."""
    if not element_id:
        return None
    for doc in sorted(docs, key=lambda d: d.called):
        node = doc.ids.get(element_id)
        if node is not None:
            return doc, node
    return None


def name_of(node: etree._Element) -> str | None:
    """An element's name on one line (modelers keep the label's line breaks in it)."""
    name = " ".join((node.get("name") or "").split())
    return name or None


def label(node: etree._Element) -> str:
    """An element as a designer knows it: `id (name)`, or the id alone."""
    name = name_of(node)
    element_id = node.get("id") or local(node)
    return f"{element_id} ({name})" if name else element_id
