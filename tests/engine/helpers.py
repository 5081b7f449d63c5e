"""Small drivers for engine tests: open a case, find and complete its tasks."""

from __future__ import annotations

from sqlalchemy import select

from engine.access.rules import Actor
from engine.cases import intake, tasks
from engine.models import Case, Task
from engine.workflow import messages
from tests.conftest import intake_data


def open_case(factory, clock, actor: Actor, **overrides) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    """Open a case; returns (id, tracking code, citizen secret)."""
    with factory.begin() as session:
        opened = intake.open_case(session, clock, actor, intake_data(**overrides))
        return opened.case.id, opened.case.tracking_code, opened.citizen_secret


def open_tasks(factory, case_id: int) -> list[Task]:  # type: ignore[no-untyped-def]
    """The case's READY task rows."""
    with factory() as session:
        return list(session.scalars(select(Task).where(Task.case_id == case_id).order_by(Task.id)))


def task_at(factory, case_id: int, step: str) -> Task:  # type: ignore[no-untyped-def]
    """The open task of a case at a BPMN step (fails the test if there is none)."""
    found = [t for t in open_tasks(factory, case_id) if t.step == step]
    assert found, f"no open {step} task; open: {[t.step for t in open_tasks(factory, case_id)]}"
    return found[0]


def complete(factory, clock, actor: Actor, case_id: int, step: str, data: dict) -> str:  # type: ignore[no-untyped-def]
    """Claim and complete the case's task at `step`; returns the new case status."""
    task = task_at(factory, case_id, step)
    with factory.begin() as session:
        tasks.claim(session, clock, actor, task.id)
    with factory.begin() as session:
        return tasks.complete_task(session, clock, actor, task.id, data).status


def send(factory, clock, actor: Actor, case_id: int, name: str, text: str | None = None) -> str:  # type: ignore[no-untyped-def]
    """Send a message to the case; returns the new status."""
    with factory.begin() as session:
        return messages.send_message(session, clock, actor, case_id, name, text).status


def status_of(factory, case_id: int) -> str:  # type: ignore[no-untyped-def]
    """The case's current status."""
    with factory() as session:
        return session.get(Case, case_id).status
