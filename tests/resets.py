"""Putting the shared test database back between tests."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from engine.models import Category, Process, ProcessDefinition


def reset_processes(session: Session) -> None:
    """Back to the shipped process versions (each process's first, deployed by the system):
    what a test deployed, bound, activated or retired goes."""
    shipped = dict(
        session.execute(
            select(ProcessDefinition.process_id, func.min(ProcessDefinition.id))
            .where(ProcessDefinition.deployed_by == "system")
            .group_by(ProcessDefinition.process_id)
        ).all()
    )
    session.execute(update(Category).values(process_id="complaint"))
    for process in session.scalars(select(Process)):
        if process.process_id in shipped:
            process.live_definition_id = shipped[process.process_id]
        else:
            session.delete(process)
    session.flush()
    session.execute(delete(ProcessDefinition).where(ProcessDefinition.id.not_in(shipped.values())))
    session.execute(update(ProcessDefinition).values(retired_at=None))
