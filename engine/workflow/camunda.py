"""Diagrams from Camunda Modeler: reading its user-task attributes and rewriting JUEL into Python.

A Camunda export carries JUEL (`${decision == 'refer'}`) where SpiffWorkflow evaluates Python,
and bare ISO durations (`P15D`) where a timer expects a quoted string. The rewrites here are
suggested by validation and applied on request, each one reported, so nobody is surprised by
what changed in their diagram. Timer values are judged by SpiffWorkflow's own ISO 8601 parsing,
on a clock given rather than read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition as Timer

from engine.workflow import spiff
from engine.workflow.findings import WARNING, Finding
from engine.workflow.scripting import RestrictedEnvironment, ScriptRejected, compile_expression

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
NS = {"bpmn": BPMN, "camunda": CAMUNDA}
# A diagram is read without fetching anything: no external entities, no network.
DEFAULT_NOW = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)  # the clock for timer literals: a Monday

# Where a diagram keeps code as element text: (local tag, kind of code).
_SITE_TAGS = {
    "conditionExpression": "condition",
    "condition": "condition",
    "timeDuration": "timeDuration",
    "timeDate": "timeDate",
    "timeCycle": "timeCycle",
    "loopCardinality": "expression",
    "completionCondition": "condition",
    "loopCondition": "condition",
}
_SCOPES = {
    f"{{{BPMN}}}{tag}" for tag in ("process", "subProcess", "transaction", "adHocSubProcess")
}

_JUEL = re.compile(r"^\s*[$#]\{(?P<inner>.*)\}\s*$", re.DOTALL)
_STRING = re.compile(r""""(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'""")
_TOKEN = re.compile(
    r"""(?P<space>\s+)
    |(?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    |(?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
    |(?P<word>[A-Za-z_][A-Za-z_0-9]*)
    |(?P<op>&&|\|\||==|!=|<=|>=|[!<>+\-*/%(),.\[\]])""",
    re.VERBOSE,
)
_WORDS = {
    "eq": "==",
    "ne": "!=",
    "lt": "<",
    "gt": ">",
    "le": "<=",
    "ge": ">=",
    "and": "and",
    "or": "or",
    "not": "not",
    "empty": "not",
    "null": "None",
    "true": "True",
    "false": "False",
    "div": "/",
    "mod": "%",
}
_OPS = {"&&": "and", "||": "or", "!": "not"}
_KEYWORDS = {"and", "or", "not", "is", "in", "if", "else"}
# Camunda's own objects have no counterpart in a SpiffWorkflow task's data.
_CAMUNDA_OBJECTS = {"execution", "task", "variables", "authenticatedUserId", "instanceof"}


@dataclass(frozen=True)
class CamundaTask:
    """What Camunda Modeler wrote on one user task, for mapping onto Damrong's roles and forms."""

    element: str
    file: str
    line: int | None
    candidate_groups: tuple[str, ...]
    assignee: str | None
    form_key: str | None
    form_fields: tuple[dict, ...]
    due_date: str | None


@dataclass(frozen=True)
class Site:
    """One piece of code kept as element text: the node holding it and the element it belongs to."""

    node: etree._Element
    owner: etree._Element
    kind: str  # "condition", "expression", "timeDuration", "timeDate" or "timeCycle"


def local(node: etree._Element) -> str:
    """An element's tag without its namespace."""
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def owner_of(node: etree._Element) -> etree._Element:
    """The flow element (task, event, flow) that a nested node belongs to."""
    current = node
    while current.getparent() is not None:
        parent = current.getparent()
        if parent.tag in _SCOPES:
            return current
        current = parent
    return node


def expression_sites(root: etree._Element) -> Iterator[Site]:
    """Every condition, timer and loop expression of a BPMN document, in document order."""
    for node in root.iter(*(f"{{{BPMN}}}{tag}" for tag in _SITE_TAGS)):
        if local(node) == "condition" and local(node.getparent()) != "conditionalEventDefinition":
            continue
        yield Site(node, owner_of(node), _SITE_TAGS[local(node)])


def is_juel(source: str | None) -> bool:
    """Whether an expression uses JUEL's `${…}` or `#{…}` outside string literals."""
    if not source:
        return False
    return re.search(r"[$#]\{", _STRING.sub('""', source)) is not None


def juel_rewrite(expression: str) -> str | None:
    """The Python rewrite of a JUEL expression, or None when not possible."""
    match = _JUEL.match(expression or "")
    if match is None or is_juel(match.group("inner")):
        return None
    words = _python_tokens(match.group("inner"))
    if words is None:
        return None
    text = _join(words)
    try:
        compile_expression(text)
    except (ScriptRejected, SyntaxError, ValueError):
        return None
    return text


def _python_tokens(source: str) -> list[str] | None:
    out: list[str] = []
    position = 0
    while position < len(source):
        token = _TOKEN.match(source, position)
        if token is None:
            return None  # `?:`, `${}` inside, or anything else Python has no word for
        position = token.end()
        kind, text = token.lastgroup, token.group()
        if kind == "space":
            continue
        if kind == "word" and text in _CAMUNDA_OBJECTS:
            return None
        if text == "(" and len(out) > 1 and out[-2] == ".":
            return None  # a Java method (`items.size()`): Python's data has other methods
        after_dot = bool(out) and out[-1] == "."
        if kind == "word" and not after_dot:
            text = _WORDS.get(text, text)
        elif kind == "op":
            text = _OPS.get(text, text)
        if text == "None" and out and out[-1] in ("==", "!="):
            out[-1] = "is" if out[-1] == "==" else "is not"
        if text == "not" and out and out[-1] == "not":
            out.pop()  # `!empty x`: a condition only asks whether x is truthy
            continue
        out.append(text)
    return out


def _join(tokens: list[str]) -> str:
    """Python tokens as a person writes them: `f(a, b.c) and not d`."""
    text = ""
    for index, token in enumerate(tokens):
        before = tokens[index - 1] if index else ""
        called = token in ("(", "[") and (
            before in (")", "]") or (before.isidentifier() and before not in _KEYWORDS)
        )
        tight = token in (".", ",", ")", "]") or before in (".", "(", "[") or called
        text += token if not text or tight else f" {token}"
    return text


def read_user_tasks(files: Mapping[str, str]) -> dict[str, CamundaTask]:
    """Every BPMN user task carrying a Camunda attribute or form, by element id."""
    found: dict[str, CamundaTask] = {}
    for name, root in _bpmn_roots(files):
        for task in root.iter(f"{{{BPMN}}}userTask"):
            attrs = {etree.QName(k).localname: v for k, v in task.attrib.items() if CAMUNDA in k}
            form = task.find("bpmn:extensionElements/camunda:formData", NS)
            if not attrs and form is None:
                continue
            groups = attrs.get("candidateGroups") or ""
            found[task.get("id", "")] = CamundaTask(
                element=task.get("id", ""),
                file=name,
                line=task.sourceline,
                candidate_groups=tuple(g.strip() for g in groups.split(",") if g.strip()),
                assignee=attrs.get("assignee"),
                form_key=attrs.get("formKey"),
                form_fields=tuple(_form_fields(form)),
                due_date=attrs.get("dueDate"),
            )
    return found


def _form_fields(form: etree._Element | None) -> Iterator[dict]:
    if form is None:
        return
    for field in form.iterfind("camunda:formField", NS):
        constraints = field.iterfind("camunda:validation/camunda:constraint", NS)
        described: dict = {
            "id": field.get("id"),
            "label": field.get("label"),
            "type": field.get("type"),
            "default": field.get("defaultValue"),
            "required": any(c.get("name") == "required" for c in constraints),
        }
        if field.get("type") == "enum":
            values = field.iterfind("camunda:value", NS)
            described["values"] = [{"id": v.get("id"), "name": v.get("name")} for v in values]
        yield described


def _bpmn_roots(files: Mapping[str, str]) -> Iterator[tuple[str, etree._Element]]:
    for name, text in sorted(files.items()):
        if not name.endswith(".bpmn"):
            continue
        try:
            root = spiff.xml(text)
        except (etree.XMLSyntaxError, ValueError):
            continue  # validation reports it
        yield name, root


def apply_rewrites(
    files: Mapping[str, str], now: datetime | None = None
) -> tuple[dict[str, str], list[Finding]]:
    """The files with every rewritable JUEL expression and bare timer literal replaced.

    Everything else (diagram interchange, namespaces, comments) is kept; an unchanged file is
    returned as it was given."""
    out = dict(files)
    findings: list[Finding] = []
    for name, root in _bpmn_roots(files):
        edits = []
        for site in expression_sites(root):
            old = (site.node.text or "").strip()
            if site.kind.startswith("time") and not is_juel(old):
                new = literal_rewrite(site.kind, old, now or DEFAULT_NOW)
            else:
                new = juel_rewrite(old) if is_juel(old) else None
            if new is None:
                continue
            edits.append((site.node.sourceline, site.node.text or "", new))
            site.node.text = new
            findings.append(_rewritten(name, site, old, new))
        if edits:
            out[name] = _patched(files[name], edits, root) or _serialize(root)
    return out, findings


def _patched(text: str, edits: list[tuple[int, str, str]], root: etree._Element) -> str | None:
    """The file with only the rewritten texts changed, or None when that cannot be done safely.

    Re-serializing the whole tree would re-quote attributes and re-close empty tags all over
    the file, so a designer's diff would show far more than what changed."""
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    spans = []
    for line, old, new in edits:
        begin = starts[min(line, len(starts)) - 1]
        for written in dict.fromkeys((_escape(old, ">"), _escape(old, ""))):
            at = text.find(f">{written}</", begin)
            if at >= 0:
                spans.append((at + 1, at + 1 + len(written), _escape(new, ">")))
                break
        else:
            return None
    for begin, end, new in sorted(spans, reverse=True):
        text = text[:begin] + new + text[end:]
    try:
        same = _canonical(spiff.xml(text)) == _canonical(root)
    except etree.XMLSyntaxError:
        return None
    return text if same else None


def _escape(text: str, also: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;")
    return escaped.replace(">", "&gt;") if ">" in also else escaped


def _canonical(root: etree._Element) -> bytes:
    return etree.tostring(root, method="c14n")


def _rewritten(file: str, site: Site, old: str, new: str) -> Finding:
    element = site.owner.get("id")
    return Finding(
        file=file,
        line=site.node.sourceline,
        element=element,
        name=" ".join((site.owner.get("name") or "").split()) or None,
        severity=WARNING,
        code="rewritten",
        message_th=f"แก้นิพจน์ของ {element} จาก {old} เป็น {new} (ภาษา Python) โปรดตรวจสอบ",
        message_en=f"{element}: rewrote {old} as {new} (Python); please check it.",
        rewrite=new,
    )


def _serialize(root: etree._Element) -> str:
    text = etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")
    return text.decode("utf-8")


def timer_problem(kind: str, value: str, now: datetime) -> str | None:
    """Why SpiffWorkflow could not use this value for a timer of this kind, or None."""
    try:
        if kind == "timeDuration":
            Timer.get_timedelta_from_start(Timer.parse_iso_duration(value), now)
        elif kind == "timeDate":
            if not isinstance(Timer.parse_time_or_duration(value), datetime):
                return "a date is needed, not a duration"
        else:
            _cycle(value, now)
    except Exception as exc:  # SpiffWorkflow raises bare Exception, ValueError, AttributeError
        return str(exc) or type(exc).__name__
    return None


def _cycle(value: str, now: datetime) -> None:
    """SpiffWorkflow's parse_iso_recurring_interval, with the clock given instead of read."""
    parts = value.upper().replace("--", "/").strip("R").split("/")
    if len(parts) not in (2, 3):
        raise ValueError("a cycle is R[n]/start/duration, R[n]/duration/end or R[n]/duration")
    if parts[0]:
        int(parts[0])  # the number of repetitions
    first = Timer.parse_time_or_duration(parts[1])
    second = Timer.parse_time_or_duration(parts[2]) if len(parts) == 3 else None
    if isinstance(first, datetime) and isinstance(second, dict):
        Timer.get_timedelta_from_start(second, first)
    elif isinstance(first, dict) and isinstance(second, datetime):
        Timer.get_timedelta_from_end(first, second)
    elif isinstance(first, dict) and second is None:
        Timer.get_timedelta_from_start(first, now)
    else:
        raise ValueError("Invalid recurring interval")


def evaluate_literal(source: str) -> tuple[str, Any]:
    """("value", v), ("name", missing name), ("refused", exc) or ("error", exc)."""
    try:
        compile_expression(source)
    except (ScriptRejected, SyntaxError, ValueError) as exc:
        return "refused", exc
    try:
        return "value", RestrictedEnvironment().evaluate(source, {})
    except NameError as exc:
        return "name", exc.name or str(exc)
    except Exception as exc:
        return "error", exc


def literal_rewrite(kind: str, text: str, now: datetime) -> str | None:
    """`"P15D"` for a bare `P15D` (or a bare date or cycle) that is valid once quoted."""
    text = text.strip()
    if not text or text[0] in "\"'" or evaluate_literal(text)[0] not in ("name", "refused"):
        return None
    return json.dumps(text) if timer_problem(kind, text, now) is None else None


def timer_value(value: str) -> Any:
    """A timer value as SpiffWorkflow reads it: a UTC datetime, or a duration's parts."""
    return Timer.parse_time_or_duration(value)
