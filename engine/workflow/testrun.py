"""The sandbox of a test-run: one write transaction rolled back at the end, the version under
test stored inside it, and what a run reads of the workflow (the path taken, the tokens).

Nothing of a run stays: the transaction is rolled back whatever happens, and a version stored
for the run (a draft's files) lives in definitions' trial caches only, never in the process-wide
ones (on SQLite a rolled-back id is handed out again). The steps: engine/cases/trial.py.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session, sessionmaker

from engine.models import ProcessDefinition
from engine.workflow import definitions, versions

# Every run starts at the same instant: Monday 2 November 2026, 08:30 in Bangkok.
EPOCH = datetime(2026, 11, 2, 1, 30, tzinfo=UTC)
DEPLOYED_BY = "test-run"


@contextmanager
def sandbox(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session in a write transaction that is rolled back at the end, never committed."""
    session = factory()
    try:
        session.begin()
        yield session
    finally:
        session.rollback()
        session.close()


@contextmanager
def trial_of_files(
    session: Session, now: datetime, files: Mapping[str, str], process_id: str
) -> Iterator[int]:
    """Store files as a version inside the sandbox (checked like any deploy: DefinitionInvalid
    with the findings) and run the body with new cases starting on it; its id."""
    deployed = versions.deploy(
        session, now, files, process_id, DEPLOYED_BY, note=DEPLOYED_BY, draft=True
    )
    definition = deployed.definition
    assert definition is not None
    own = frozenset({definition.id}) if deployed.created else frozenset()
    with definitions.trial(definition.process_id, definition.id, own):
        yield definition.id


@contextmanager
def trial_of_version(definition: ProcessDefinition) -> Iterator[int]:
    """Run the body with new cases starting on a stored version; its id."""
    with definitions.trial(definition.process_id, definition.id, frozenset()):
        yield definition.id


def _elements(wf: BpmnWorkflow) -> Iterator:  # type: ignore[type-arg]
    """The workflow's tasks that are BPMN elements (not SpiffWorkflow's own start and end)."""
    for task in wf.get_tasks():
        if getattr(task.task_spec, "bpmn_id", None):
            yield task


def completed_since(wf: BpmnWorkflow, seen: set[UUID]) -> list[str]:
    """The element ids completed since the ids in `seen`, in the order they completed; `seen`
    grows by them."""
    new = [t for t in _elements(wf) if t.state == TaskState.COMPLETED and t.id not in seen]
    new.sort(key=lambda t: t.last_state_change)
    seen.update(t.id for t in new)
    return [t.task_spec.bpmn_id for t in new]


def element_states(wf: BpmnWorkflow) -> dict[str, dict[str, list[str]]]:
    """Per process: the element ids completed, active (ready) and waiting, as the viewer
    marks them."""
    states: dict[str, dict[str, set[str]]] = {}
    for task in _elements(wf):
        if task.state == TaskState.COMPLETED:
            name = "completed"
        elif task.state in (TaskState.READY, TaskState.STARTED, TaskState.ERROR):
            name = "active"
        elif task.state == TaskState.WAITING:
            name = "waiting"
        else:
            continue
        marks = states.setdefault(
            task.workflow.spec.name, {"completed": set(), "active": set(), "waiting": set()}
        )
        marks[name].add(task.task_spec.bpmn_id)
    return {pid: {k: sorted(v) for k, v in marks.items()} for pid, marks in states.items()}


def diagrams(
    session: Session, definition_id: int, main: str, states: Mapping[str, Mapping]
) -> list[dict]:
    """The diagrams of a version and the processes it calls (main first), each with its marks:
    the case viewer's contract (frontend/viewer)."""
    definition = session.get(ProcessDefinition, definition_id)
    files = dict(definition.files or {}) if definition else {}
    for pinned in ((definition.pins or {}) if definition else {}).values():
        called = session.get(ProcessDefinition, pinned)
        for name, xml in (called.files or {}).items() if called else ():
            files.setdefault(name, xml)
    by_process = {}
    for name, xml in sorted(files.items()):
        if name.endswith(".bpmn"):
            for process in definitions.spiff.xml(xml).iter(f"{definitions.BPMN}process"):
                by_process.setdefault(process.get("id"), (name, xml))
    order = [main] + sorted(p for p in states if p != main)
    empty = {"completed": [], "active": [], "waiting": []}
    return [
        {
            "process_id": pid,
            "file": by_process[pid][0],
            "xml": by_process[pid][1],
            **{k: list(v) for k, v in {**empty, **states.get(pid, {})}.items()},
        }
        for pid in order
        if pid in by_process
    ]
