"""Stored process versions as the runtime reads them: which one a case starts on, its parsed
specs, its task settings and its forms, each restored once per process and kept.

Deploying, activating and retiring versions is engine/workflow/versions.py.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from pathlib import Path

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import DefinitionInvalid
from engine.models import Case, Category, Process, ProcessDefinition, WorkflowInstance
from engine.workflow import spiff
from engine.workflow.findings import ERROR, Finding

PROCESSES_DIR = Path(__file__).resolve().parents[2] / "processes"
MAIN_PROCESS = "complaint"
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"

# Other processes may activate a version or rebind a category: seen here within CURRENT_TTL_S.
CURRENT_TTL_S = 5.0

_parsed: dict[int, spiff.ParsedDefinition] = {}  # a stored version never changes
_forms: dict[int, dict[str, dict]] = {}
_live: dict[str, tuple[int, float]] = {}
_bound: dict[str, tuple[str, float]] = {}


@dataclass
class Trial:
    """A test-run (engine/workflow/testrun.py): new cases start on `definition_id` whatever their
    category, and versions in `own_ids` (stored in its rolled-back transaction, so their ids may
    be reused) are cached here for the run only, never in the process-wide caches."""

    process_id: str
    definition_id: int
    own_ids: frozenset[int] = frozenset()
    parsed: dict[int, spiff.ParsedDefinition] = field(default_factory=dict)
    forms: dict[int, dict[str, dict]] = field(default_factory=dict)


_trial: ContextVar[Trial | None] = ContextVar("damrong_trial", default=None)


@contextmanager
def trial(process_id: str, definition_id: int, own_ids: frozenset[int]) -> Iterator[Trial]:
    """Run the body as a test-run of one version (this context only: other requests and
    threads see nothing of it)."""
    token = _trial.set(Trial(process_id, definition_id, own_ids))
    try:
        yield _trial.get()  # type: ignore[misc]
    finally:
        _trial.reset(token)


def read_process_files(directory: Path = PROCESSES_DIR) -> dict[str, str]:
    """The BPMN and DMN files of a directory, and its task forms (forms/*.json), by name."""
    files = sorted([*directory.glob("*.bpmn"), *directory.glob("*.dmn")])
    out = {path.name: path.read_text(encoding="utf-8") for path in files}
    for path in sorted((directory / "forms").glob("*.json")):
        out[f"forms/{path.name}"] = path.read_text(encoding="utf-8")
    return out


def read_form(name: str, text: str) -> tuple[dict | None, Finding | None]:
    """A task form file as its schema, or the finding that says why it is no JSON Schema
    object (it would break every task showing it)."""
    try:
        schema = json.loads(text)
        if not isinstance(schema, dict):
            raise ValueError("not a JSON object")
        Draft202012Validator.check_schema(schema)
    except (ValueError, RecursionError, SchemaError) as exc:
        detail = (getattr(exc, "message", None) or str(exc))[:200]
        stem = Path(name).stem
        return None, Finding(
            name,
            getattr(exc, "lineno", None),
            stem,
            None,
            ERROR,
            "form-invalid",
            f"แบบฟอร์ม {stem} ไม่ใช่ JSON Schema ที่ถูกต้อง: {detail}",
            f"The form {stem} is not a valid JSON Schema object: {detail}",
        )
    return schema, None


def forms_in(files: dict[str, str]) -> tuple[dict[str, dict], list[Finding]]:
    """The task forms given among a deploy's files (`forms/<name>.json` or `<name>.json`), and a
    finding for each that cannot be one."""
    out: dict[str, dict] = {}
    problems: list[Finding] = []
    for name, text in files.items():
        if name.endswith(".json"):
            schema, problem = read_form(name, text)
            if problem is not None:
                problems.append(problem)
            else:
                out[Path(name).stem] = schema
    return out, problems


def diagram_files(files: dict[str, str]) -> dict[str, str]:
    """The BPMN and DMN files among a deploy's files."""
    return {k: v for k, v in files.items() if k.endswith((".bpmn", ".dmn"))}


def shipped_bundles(directory: Path = PROCESSES_DIR) -> list[tuple[str, dict[str, str]]]:
    """The shipped processes, called ones first: (process id, its BPMN file and the DMN files
    its business rule tasks use). Their forms come from the shipped form library."""
    files = read_process_files(directory)
    decisions: dict[str, str] = {}
    processes: dict[str, tuple[str, set[str], set[str]]] = {}
    for name, text in files.items():
        if name.endswith(".dmn"):
            for node in spiff.xml(text).iter():
                if isinstance(node.tag, str) and node.tag.endswith("}decision"):
                    decisions[node.get("id")] = name
        elif name.endswith(".bpmn"):
            root = spiff.xml(text)
            for process in root.iter(f"{BPMN}process"):
                if process.get("isExecutable") != "true":
                    continue
                calls = {c.get("calledElement") for c in process.iter(f"{BPMN}callActivity")}
                refs = {
                    t.get("{http://spiffworkflow.org/bpmn/schema/1.0/core}calledDecisionId")
                    or t.findtext(
                        ".//{http://spiffworkflow.org/bpmn/schema/1.0/core}calledDecisionId"
                    )
                    or ""
                    for t in process.iter(f"{BPMN}businessRuleTask")
                }
                processes[process.get("id")] = (name, calls, refs)
    ordered: list[str] = []

    def visit(pid: str) -> None:
        if pid in ordered or pid not in processes:
            return
        for callee in processes[pid][1]:
            visit(callee)
        ordered.append(pid)

    for pid in sorted(processes):
        visit(pid)
    bundles = []
    for pid in ordered:
        name, _calls, refs = processes[pid]
        bundle = {name: files[name]}
        for ref in refs:
            if ref.strip() in decisions:
                bundle[decisions[ref.strip()]] = files[decisions[ref.strip()]]
        bundles.append((pid, bundle))
    return bundles


def process_of_category(session: Session, category: str) -> str:
    """The process a new case of a category starts on (cached a few seconds)."""
    if (running := _trial.get()) is not None:
        return running.process_id
    cached = _bound.get(category)
    if cached is not None and time.monotonic() - cached[1] < CURRENT_TTL_S:
        return cached[0]
    found = session.scalar(select(Category.process_id).where(Category.code == category))
    process_id = found or MAIN_PROCESS
    _bound[category] = (process_id, time.monotonic())
    return process_id


def live(session: Session, process_id: str = MAIN_PROCESS) -> int:
    """The id of the live version of a process: new cases start on it."""
    running = _trial.get()
    if running is not None and running.process_id == process_id:
        return running.definition_id
    cached = _live.get(process_id)
    if cached is not None and time.monotonic() - cached[1] < CURRENT_TTL_S:
        return cached[0]
    found = session.scalar(
        select(Process.live_definition_id).where(Process.process_id == process_id)
    )
    if found is None:
        raise DefinitionInvalid(
            [f"process '{process_id}' has no live version; deploy or activate one"],
            th=[f"กระบวนงาน '{process_id}' ไม่มีรุ่นที่ใช้งานอยู่ ต้องติดตั้งหรือเปิดใช้รุ่นหนึ่งก่อน"],
        )
    _live[process_id] = (found, time.monotonic())
    return found


def current(session: Session, process_id: str = MAIN_PROCESS) -> tuple[int, str]:
    """(id, content hash) of the live version of a process."""
    definition_id = live(session, process_id)
    digest = session.scalar(
        select(ProcessDefinition.content_hash).where(ProcessDefinition.id == definition_id)
    )
    return definition_id, digest or ""


def forget_current() -> None:
    """Drop the cached live pointers and bindings (after a change in this process)."""
    _live.clear()
    _bound.clear()


def forget_all() -> None:
    """Drop every cached version too (only for tests that delete versions: ids may be reused)."""
    forget_current()
    _parsed.clear()
    _forms.clear()


def parsed_for(
    session: Session, definition_id: int, content_hash: str | None = None
) -> spiff.ParsedDefinition:
    """The parsed specs of a stored version with its task settings, restored once and kept."""
    running = _trial.get()
    own = running is not None and definition_id in running.own_ids
    cache = running.parsed if own else _parsed  # type: ignore[union-attr]
    found = cache.get(definition_id)
    if found is None:
        definition = session.get(ProcessDefinition, definition_id)
        if definition is None:
            raise DefinitionInvalid([f"process version {definition_id} does not exist"])
        load = spiff.load_spec.__wrapped__ if own else spiff.load_spec  # a trial's: uncached
        specs = load(definition.content_hash, definition.spec, definition.process_id)
        found = replace(specs, tasks=dict(definition.tasks or {}))
        cache[definition_id] = found
    return found


def forms_of(session: Session, definition_id: int) -> dict[str, dict]:
    """The task forms a stored version carries (never to be modified by the caller)."""
    running = _trial.get()
    cache = running.forms if running and definition_id in running.own_ids else _forms
    found = cache.get(definition_id)
    if found is None:
        found = session.scalar(
            select(ProcessDefinition.forms).where(ProcessDefinition.id == definition_id)
        )
        found = dict(found or {})
        cache[definition_id] = found
    return found


def case_form(session: Session, case_id: int, name: str) -> dict | None:
    """The schema of a task form as the case's own process version carries it.

    Versions stored before forms were versioned carry none: they use the form library."""
    definition_id = session.scalar(
        select(WorkflowInstance.definition_id).where(WorkflowInstance.case_id == case_id)
    )
    if definition_id is None:
        return None
    return forms_of(session, definition_id).get(name)


def version_of_case(session: Session, case: Case) -> tuple[str, int] | None:
    """(process id, version number) a case runs on."""
    row = session.execute(
        select(ProcessDefinition.process_id, ProcessDefinition.version)
        .join(WorkflowInstance, WorkflowInstance.definition_id == ProcessDefinition.id)
        .where(WorkflowInstance.case_id == case.id)
    ).first()
    return (row[0], row[1]) if row else None
