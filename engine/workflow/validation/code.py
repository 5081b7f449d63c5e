"""The code in a diagram: JUEL left over from Camunda, and all code compiled in the sandbox."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from lxml import etree

from engine.workflow import expressions
from engine.workflow.camunda import NS, expression_sites, is_juel, juel_rewrite
from engine.workflow.findings import ERROR, Finding
from engine.workflow.scripting import ScriptRejected, compile_expression, compile_script
from engine.workflow.validation.documents import Document, at, find, label

_TABLE = re.compile(r"^table (?P<table>\S+) (?:input (?P<input>\S+)|rule (?P<rule>\d+))")
_WHAT = {
    "DurationTimerEventDefinition expression": "timer",
    "TimeDateEventDefinition expression": "timer",
    "CycleTimerEventDefinition expression": "timer",
    "MessageEventDefinition expression": "message payload",
}
_SPLIT = re.compile(r"\.(BoundaryEventSplit|BoundaryEventJoin)$| \[child\]$")


def juel_findings(docs: Iterable[Document]) -> tuple[list[Finding], set[str]]:
    """JUEL conditions and expressions, with a Python rewrite when one compiles."""
    findings, covered = [], set()
    for doc in docs:
        if doc.kind != "bpmn" or doc.called:
            continue
        for site in expression_sites(doc.root):
            source = (site.node.text or "").strip()
            if not is_juel(source):
                continue
            covered.add(source)
            findings.append(_juel(doc, site.owner, site.node, source, juel_rewrite(source)))
    return findings, covered


def _juel(
    doc: Document, owner: etree._Element, node: etree._Element, source: str, rewrite: str | None
) -> Finding:
    named = label(owner)
    if rewrite is not None:
        th = f"{named}: {source} เป็นนิพจน์ JUEL ของ Camunda แต่ที่นี่ใช้ภาษา Python ให้เขียนเป็น {rewrite}"
        en = f"{named}: {source} is a Camunda JUEL expression; expressions here are Python. "
        en += f"Write {rewrite}."
    else:
        th = f"{named}: {source} เป็นนิพจน์ JUEL ของ Camunda แต่ที่นี่ใช้ภาษา Python "
        th += "แปลงให้อัตโนมัติไม่ได้ โปรดเขียนใหม่เป็น Python"
        en = f"{named}: {source} is a Camunda JUEL expression; expressions here are Python. "
        en += "It cannot be rewritten automatically: write it in Python."
    return at(doc, owner, ERROR, "juel", th, en, rewrite, node.sourceline)


def compile_findings(
    specs: Iterable[Any], docs: list[Document], covered: set[str]
) -> list[Finding]:
    """Every script and expression of the parsed specs that the sandbox refuses."""
    findings = []
    for process in specs:
        for spec in process.task_specs.values():
            for what, source, is_script in expressions.code_of(spec):
                if source.strip() in covered:
                    continue  # already reported as JUEL or as a timer literal
                problems = _problems(source, is_script)
                if problems:
                    found = _refused(docs, spec, what, source, problems, is_script)
                    if found is not None:
                        findings.append(found)
    return findings


def _problems(source: str, is_script: bool) -> list[str]:
    try:
        (compile_script if is_script else compile_expression)(source)
    except ScriptRejected as exc:
        return list(exc.problems)
    except SyntaxError as exc:
        return [f"syntax error: {exc.msg} (line {exc.lineno})"]
    except ValueError as exc:  # a NUL byte in the source
        return [str(exc)]
    return []


def _refused(
    docs: list[Document], spec: Any, what: str, source: str, problems: list[str], is_script: bool
) -> Finding | None:
    located = _locate(docs, spec, what, source)
    if located is None or located[0].called:
        return None  # code of a deployed version was checked when that version was deployed
    doc, owner = located
    node = _holding(owner, source)
    detail = "; ".join(problems)
    what = _WHAT.get(what, "condition" if what.startswith("condition to ") else what)
    if any("SyntaxError" in p or p.startswith("syntax error") for p in problems):
        code, th, en = "code-syntax", "เขียนไม่ถูกไวยากรณ์ Python", "not valid Python"
    else:
        code, th, en = "code-refused", "ระบบไม่อนุญาตให้ใช้โค้ดนี้", "refused by the sandbox"
    return at(
        doc,
        owner,
        ERROR,
        code,
        f"{label(owner)}: {what}: {th}: {detail}",
        f"{label(owner)}: {what}: {en}: {detail}",
        line=_line(node, owner, problems, is_script),
    )


def _line(node: etree._Element, owner: etree._Element, problems: list[str], script: bool) -> int:
    """The file line of the first problem: the code's own `Line n` counted from its text."""
    match = re.match(r"Line (\d+):", problems[0])
    if node is owner or match is None:
        return node.sourceline
    text = node.text or ""
    # an expression is compiled stripped, so its line 1 is the first line with text
    skipped = 0 if script else text[: len(text) - len(text.lstrip())].count("\n")
    return node.sourceline + skipped + int(match.group(1)) - 1


def _locate(
    docs: list[Document], spec: Any, what: str, source: str
) -> tuple[Document, etree._Element] | None:
    table = _TABLE.match(what)
    if table is not None:
        return _table_element(docs, table)
    element = getattr(spec, "bpmn_id", None) or _SPLIT.sub("", spec.name)
    located = find(docs, element)
    if located is None or not what.startswith("condition to "):
        return located
    target = _SPLIT.sub("", what.removeprefix("condition to "))
    doc, node = located
    flows = [
        flow
        for flow in node.getparent().iterfind("bpmn:sequenceFlow", NS)
        if flow.get("sourceRef") == element and flow.get("targetRef") == target
    ]
    written = [f for f in flows if _holding(f, source) is not f]
    return (doc, (written or flows or [node])[0])


def _table_element(docs: list[Document], match: re.Match) -> tuple[Document, etree._Element] | None:
    located = find(docs, match.group("table"))
    if located is None or match.group("input"):
        return find(docs, match.group("input")) or located
    doc, table = located
    rules = table.findall("{*}rule")
    number = int(match.group("rule"))
    return (doc, rules[number - 1]) if 0 < number <= len(rules) else located


def _holding(owner: etree._Element, source: str) -> etree._Element:
    """The node whose text is this code (its line is the one to show), or the element itself."""
    wanted = source.strip()
    texts = [(node, (node.text or "").strip()) for node in _texts(owner)]
    exact = [node for node, text in texts if text == wanted]
    within = [node for node, text in texts if text in wanted]
    return (exact or within or [owner])[0]


def _texts(owner: etree._Element) -> Iterator[etree._Element]:
    for node in owner.iter():
        text = (node.text or "").strip() if isinstance(node.tag, str) else ""
        if text and node is not owner and etree.QName(node).localname != "documentation":
            yield node
