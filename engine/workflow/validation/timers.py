"""Timer expressions evaluated when deployed, with SpiffWorkflow's own ISO 8601 parsing.

A timer expression is Python: `"P15D"` is a duration, a bare `P15D` is a NameError the first
time a case reaches the timer. Literals are evaluated here against a fixed clock; an expression
that needs case data or one of Damrong's helpers (`policy_duration("reopen_window")`) can only
be evaluated at run time, which is said as a warning.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from engine.workflow.camunda import (
    Site,
    evaluate_literal,
    expression_sites,
    is_juel,
    literal_rewrite,
    timer_problem,
    timer_value,
)
from engine.workflow.findings import ERROR, WARNING, Finding
from engine.workflow.validation.documents import Document, at, label

_KINDS = {"timeDuration": "duration", "timeDate": "date", "timeCycle": "cycle"}
_THAI_KINDS = {"timeDuration": "ระยะเวลา", "timeDate": "วันเวลา", "timeCycle": "รอบเวลา"}


def timer_findings(docs: Iterable[Document], now: datetime) -> tuple[list[Finding], set[str]]:
    """Findings on every timer literal, and the sources they cover (not to report them twice)."""
    findings, covered = [], set()
    for doc in docs:
        if doc.kind != "bpmn" or doc.called:
            continue
        for site in expression_sites(doc.root):
            source = (site.node.text or "").strip()
            if site.kind not in _KINDS or is_juel(source):
                continue
            found = _check(doc, site, source, now)
            if found is not None:
                findings.append(found)
                covered.add(source)
    return findings, covered


def _check(doc: Document, site: Site, source: str, now: datetime) -> Finding | None:
    what_en, what_th = _KINDS[site.kind], _THAI_KINDS[site.kind]
    owner = label(site.owner)
    if not source:
        return _finding(
            doc, site, ERROR, "timer-empty",
            f"{owner}: ตัวจับเวลาไม่ได้กำหนด{what_th}",
            f"{owner}: the timer has no {what_en} expression.",
        )  # fmt: skip
    rewrite = literal_rewrite(site.kind, source, now)
    if rewrite is not None:
        return _finding(
            doc, site, ERROR, "timer-unquoted",
            f"{owner}: {source} ต้องอยู่ในเครื่องหมายคำพูด นิพจน์ตัวจับเวลาเป็นภาษา Python "
            f"ให้เขียนเป็น {rewrite}",
            f"{owner}: {source} must be quoted: timer expressions are Python. Write {rewrite}.",
            rewrite,
        )  # fmt: skip
    outcome, value = evaluate_literal(source)
    if outcome == "refused":
        return None  # the sandbox's refusal is reported with the other code
    if outcome == "name":
        return _finding(
            doc, site, WARNING, "timer-unchecked",
            f"{owner}: ตรวจ{what_th} {source} ตอนติดตั้งไม่ได้ เพราะขึ้นกับข้อมูลของเรื่อง"
            f"หรือฟังก์ชันที่ระบบให้ขณะทำงาน ('{value}') จะรู้ผลเมื่อเรื่องมาถึงขั้นนี้",
            f"{owner}: the {what_en} {source} depends on case data or a helper given at run time "
            f"('{value}'), so it can only be checked when a case reaches it.",
        )  # fmt: skip
    problem = _value_problem(site.kind, outcome, value, now)
    if problem is not None:
        return _finding(
            doc, site, ERROR, "timer-invalid",
            f"{owner}: {source} ไม่ใช่{what_th}ตาม ISO 8601 ที่ใช้ได้: {problem}",
            f"{owner}: {source} is not a valid ISO 8601 {what_en}: {problem}",
        )  # fmt: skip
    if site.kind == "timeDate" and timer_value(value) <= now:
        return _finding(
            doc, site, WARNING, "timer-date-past",
            f"{owner}: วันเวลา {value} ผ่านไปแล้ว ตัวจับเวลาจะทำงานทันที",
            f"{owner}: the date {value} has passed; the timer fires at once.",
        )  # fmt: skip
    return None


def _value_problem(kind: str, outcome: str, value: Any, now: datetime) -> str | None:
    if outcome == "error":
        return f"{type(value).__name__}: {value}"
    if not isinstance(value, str):
        return f"the expression gives a {type(value).__name__}, not a string"
    return timer_problem(kind, value, now)


def _finding(
    doc: Document,
    site: Site,
    severity: str,
    code: str,
    message_th: str,
    message_en: str,
    rewrite: str | None = None,
) -> Finding:
    return at(
        doc, site.owner, severity, code, message_th, message_en, rewrite, site.node.sourceline
    )
