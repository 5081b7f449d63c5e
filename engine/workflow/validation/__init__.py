"""Deploy-time validation of process diagrams: every problem found, each naming its element.

A diagram is checked on its parsed model, never with regexes over its text: the XML and its
schema, SpiffWorkflow's parse, ids SpiffWorkflow reserves, every piece of code in the sandbox,
JUEL and bare timer literals from Camunda, gateways, paths that never end, messages nobody
sends, unknown called processes and decision tables reading unknown variables. Errors stop a
deploy; warnings are shown to the designer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from engine.workflow import spiff
from engine.workflow.camunda import DEFAULT_NOW, read_user_tasks
from engine.workflow.findings import WARNING, Finding
from engine.workflow.validation import code, dmn, documents, events, model, parsing, xmlchecks
from engine.workflow.validation.timers import timer_findings

__all__ = ["Context", "Validation", "validate"]


@dataclass(frozen=True)
class Context:
    """What the engine knows beyond the files: forms, messages it sends, deployed processes."""

    forms: frozenset[str] = frozenset()  # form names that exist (checked elsewhere)
    # message names Damrong sends from outside ("sla_breached", "reopen", "withdraw", …)
    messages_sent_by_engine: frozenset[str] = frozenset()
    # called process id -> the files (name -> XML) of its live deployed version
    called: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    variables: frozenset[str] = frozenset()  # variable names known at start (case data)
    now: datetime | None = None  # the clock timer literals are evaluated at


@dataclass
class Validation:
    """The findings, SpiffWorkflow's parse (None when it failed) and the process chosen."""

    findings: list[Finding]
    parsed: spiff.ParsedDefinition | None
    process_id: str | None

    @property
    def errors(self) -> list[Finding]:
        """The findings that stop a deploy."""
        return [f for f in self.findings if f.severity != WARNING]


def validate(
    files: Mapping[str, str], process_id: str | None = None, context: Context = Context()
) -> Validation:
    """Check a definition's files (BPMN, DMN; other names ignored) as they would be deployed."""
    docs, findings = documents.read(files)
    findings += xmlchecks.schema_findings(docs)
    findings += xmlchecks.reserved_id_findings(docs)
    findings += xmlchecks.drawing_findings(docs)
    findings += model.graph_findings(docs)
    unreadable = any(f.code in ("xml-syntax", "not-bpmn", "not-dmn") for f in findings)
    chosen, found = parsing.choose(docs, process_id)
    findings += [] if unreadable else found
    everything = docs + parsing.deployed_documents(docs, context.called)
    findings += events.called_findings(everything, context.called.keys())
    findings += events.message_findings(everything, context.messages_sent_by_engine)
    juel, covered = code.juel_findings(docs)
    timers, literals = timer_findings(docs, context.now or DEFAULT_NOW)
    findings += juel + timers
    findings += _due_dates(files, docs)
    parsed = None
    if chosen is not None and not unreadable:
        parsed, specs, found = parsing.parse(everything, chosen)
        findings += _new_to(findings, found)
        if parsed is not None:
            findings += code.compile_findings(specs, everything, covered | literals)
            findings += dmn.variable_findings(specs, everything, files, context.variables)
    return Validation(_ordered(findings), parsed, chosen)


def _new_to(findings: list[Finding], parse_errors: list[Finding]) -> list[Finding]:
    """Parse errors about an element no other error names (SpiffWorkflow stops at the first)."""
    named = {(f.file, f.element) for f in findings if f.severity != WARNING and f.element}
    return [f for f in parse_errors if (f.file, f.element) not in named]


def _due_dates(files: Mapping[str, str], docs: list[documents.Document]) -> list[Finding]:
    """Camunda's per-task due dates, which Damrong replaces with SLA policies."""
    found = []
    for task in read_user_tasks(files).values():
        located = documents.find([d for d in docs if d.name == task.file], task.element)
        if not task.due_date or located is None:
            continue
        named = documents.label(located[1])
        found.append(
            documents.at(
                located[0],
                located[1],
                WARNING,
                "camunda-due-date",
                f"{named}: ไม่ใช้ camunda:dueDate ({task.due_date}) "
                "กำหนดเวลาของขั้นตอนให้ตั้งเป็นนโยบาย SLA แทน",
                f"{named}: camunda:dueDate ({task.due_date}) is ignored; "
                "set the step's deadline as an SLA policy instead.",
            )
        )
    return found


def _ordered(findings: list[Finding]) -> list[Finding]:
    """Each finding once, by file and line, errors of a line before its warnings."""
    unique = list(dict.fromkeys(findings))
    return sorted(unique, key=lambda f: (f.file, f.line or 0, f.severity != "error", f.code))
