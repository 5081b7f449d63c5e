"""How far a case's workflow has come: the BPMN elements completed, active and waiting."""

from __future__ import annotations

from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

from engine.models import Case
from engine.workflow import runner

# process id -> {"completed" | "active" | "waiting": element ids}
ElementStates = dict[str, dict[str, set[str]]]


def _state_name(state: int) -> str | None:
    if state == TaskState.COMPLETED:
        return "completed"
    if state in (TaskState.READY, TaskState.STARTED, TaskState.ERROR):
        return "active"
    if state == TaskState.WAITING:
        return "waiting"
    return None


def element_states(session: Session, case: Case) -> tuple[str, ElementStates]:
    """The main process id and, per process the case ran through, its elements by state.

    The workflow is loaded read-only; nothing is saved."""
    wf = runner.load(session, case)
    states: ElementStates = {}
    for task in wf.get_tasks():
        name = _state_name(task.state)
        if name is None:
            continue
        process = task.workflow.spec.name
        marks = states.setdefault(process, {"completed": set(), "active": set(), "waiting": set()})
        marks[name].add(task.task_spec.name)
    return wf.spec.name, states
