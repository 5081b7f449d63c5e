"""Between processes: messages someone must send, and call activities naming a known process."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator

from lxml import etree

from engine.workflow.camunda import BPMN, NS
from engine.workflow.findings import ERROR, WARNING, Finding
from engine.workflow.validation.documents import Document, at, label

_CATCHING = ("startEvent", "intermediateCatchEvent", "boundaryEvent")
_THROWING = ("intermediateThrowEvent", "endEvent")


def _message_names(docs: Iterable[Document]) -> dict[str, str]:
    names = {}
    for doc in docs:
        for message in doc.root.iter(f"{{{BPMN}}}message"):
            if message.get("id"):
                names[message.get("id")] = message.get("name") or message.get("id")
    return names


def _messages(
    doc: Document, tags: tuple[str, ...], task: str
) -> Iterator[tuple[etree._Element, str]]:
    """(element, message id) for events with these tags and tasks of this kind."""
    for node in doc.root.iter(*(f"{{{BPMN}}}{tag}" for tag in tags)):
        for definition in node.iterfind("bpmn:messageEventDefinition", NS):
            yield node, definition.get("messageRef") or ""
    for node in doc.root.iter(f"{{{BPMN}}}{task}"):
        yield node, node.get("messageRef") or ""


def message_findings(docs: list[Document], sent_by_engine: Collection[str]) -> list[Finding]:
    """Catch events and receive tasks waiting for a message that nothing sends."""
    names = _message_names(docs)
    thrown = {
        names.get(ref, ref) for doc in docs for _, ref in _messages(doc, _THROWING, "sendTask")
    }
    findings = []
    for doc in docs:
        if doc.called or doc.kind != "bpmn":
            continue
        for node, ref in _messages(doc, _CATCHING, "receiveTask"):
            name = names.get(ref, ref)
            if not name or name in thrown or name in sent_by_engine:
                continue
            findings.append(_never_sent(doc, node, name))
    return findings


def _never_sent(doc: Document, node: etree._Element, name: str) -> Finding:
    return at(
        doc,
        node,
        WARNING,
        "message-never-sent",
        f"{label(node)}: รอข้อความ '{name}' แต่ไม่มีเหตุการณ์ใดในไฟล์ส่งข้อความนี้ "
        "และระบบไม่ได้ส่งจากภายนอก เรื่องอาจรออยู่ตรงนี้ตลอดไป",
        f"{label(node)}: waits for message '{name}', which no event in these files sends and "
        "Damrong does not send from outside; a case may wait here forever.",
    )


def process_ids(docs: Iterable[Document]) -> set[str]:
    """The ids of the top-level processes of these files."""
    return {p.get("id") for doc in docs for p in doc.processes() if p.get("id")}


def call_targets(docs: Iterable[Document]) -> Iterator[tuple[Document, etree._Element, str]]:
    """(file, call activity, called process id) for every call activity."""
    for doc in docs:
        if doc.kind == "bpmn":
            for node in doc.root.iter(f"{{{BPMN}}}callActivity"):
                yield doc, node, (node.get("calledElement") or "").strip()


def called_findings(docs: list[Document], deployed: Collection[str]) -> list[Finding]:
    """Call activities naming a process neither in the files nor deployed."""
    known = process_ids(docs) | set(deployed)
    findings = []
    for doc, node, called in call_targets(docs):
        if doc.called or called in known:
            continue
        if called:
            th = f"เรียกกระบวนงาน '{called}' ซึ่งไม่มีในไฟล์ที่ส่งมาและยังไม่ได้ติดตั้ง"
            en = f"calls process '{called}', which is neither in these files nor deployed."
        else:
            th, en = "ไม่ได้ระบุกระบวนงานที่จะเรียก (calledElement)", "names no process to call."
        findings.append(
            at(
                doc,
                node,
                ERROR,
                "unknown-called-process",
                f"{label(node)}: {th}",
                f"{label(node)}: {en}",
            )
        )
    return findings
