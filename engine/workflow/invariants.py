"""The invariant checker: every case's stored workflow agrees with its rows and its status.

The task and timer rows, the case's status and its due date are views of the workflow that
`materialize` writes in the same transaction as the workflow itself. After an operator moves
running cases to another process version (or edits rows by hand), this reads every case back,
derives the views from the stored workflow exactly as `materialize` does, and says where the
stored rows differ. It reads in batches of ids, one read-only session per batch, so a million
cases take the memory of one batch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.db import is_sqlite
from engine.models import Case, ProcessDefinition, Task, Timer, WorkflowInstance
from engine.statuses import FINAL_STATUSES
from engine.workflow import definitions, materialize, spiff


@dataclass(frozen=True)
class Disagreement:
    """One way a case's rows or status differ from what its stored workflow says."""

    case_id: int
    what: str

    def as_dict(self) -> dict[str, object]:
        """The disagreement as JSON-ready data."""
        return {"case_id": self.case_id, "what": self.what}


@dataclass
class _Stored:
    """What the database holds of one case besides its workflow (plain tuples, no ORM state)."""

    status: str
    resolution: str | None
    due_at: datetime | None
    instance: tuple | None = None  # (definition_id, state, completed)
    tasks: list = field(default_factory=list)  # (id, spiff_task_id, step, role, due_at, status)
    timers: list = field(default_factory=list)  # (id, event_name, fire_at)


def check_cases(
    session_factory: sessionmaker[Session],
    *,
    case_ids: Sequence[int] | None = None,
    batch_size: int = 500,
    on_batch: Callable[[int], None] | None = None,
) -> Iterator[Disagreement]:
    """Every disagreement of every case (or of `case_ids`), in case id order.

    `on_batch` hears how many cases each batch checked (for progress and counts).
    """
    wanted = sorted(set(case_ids)) if case_ids is not None else None
    start = after = 0
    while True:
        ids = None
        if wanted is not None:
            ids, start = wanted[start : start + batch_size], start + batch_size
            if not ids:
                return
        with session_factory() as session:
            _read_only(session)
            stored = _read_batch(session, ids, after, batch_size)
            found = list(_check_batch(session, stored, ids))
        if not stored and ids is None:
            return
        after = max(stored, default=after)
        if on_batch is not None:
            on_batch(len(stored))
        yield from found  # after the session closed: a slow reader holds no snapshot open


def _read_only(session: Session) -> None:
    """One consistent snapshot per batch; on PostgreSQL a read-only repeatable read."""
    if not is_sqlite(session):
        session.connection(
            execution_options={"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
        )


def _read_batch(
    session: Session, ids: list[int] | None, after: int, batch_size: int
) -> dict[int, _Stored]:
    """The next batch's cases with their instances, task rows and timer rows: four queries."""
    query = select(Case.id, Case.status, Case.resolution, Case.due_at).order_by(Case.id)
    if ids is not None:
        query = query.where(Case.id.in_(ids))
    else:
        query = query.where(Case.id > after).limit(batch_size)
    stored = {
        row.id: _Stored(row.status, row.resolution, row.due_at) for row in session.execute(query)
    }
    if not stored:
        return stored
    keys = list(stored)
    instances = select(
        WorkflowInstance.case_id,
        WorkflowInstance.definition_id,
        WorkflowInstance.state,
        WorkflowInstance.completed,
    ).where(WorkflowInstance.case_id.in_(keys))
    for case_id, definition_id, state, completed in session.execute(instances):
        stored[case_id].instance = (definition_id, state, completed)
    tasks = (
        select(
            Task.case_id,
            Task.id,
            Task.spiff_task_id,
            Task.step,
            Task.role,
            Task.due_at,
            Task.case_status,
        )
        .where(Task.case_id.in_(keys))
        .order_by(Task.id)
    )
    for case_id, *row in session.execute(tasks):
        stored[case_id].tasks.append(tuple(row))
    timers = (
        select(Timer.case_id, Timer.id, Timer.event_name, Timer.fire_at)
        .where(Timer.case_id.in_(keys))
        .order_by(Timer.id)
    )
    for case_id, *row in session.execute(timers):
        stored[case_id].timers.append(tuple(row))
    return stored


def _check_batch(
    session: Session, stored: dict[int, _Stored], asked: list[int] | None
) -> Iterator[Disagreement]:
    hashes = _content_hashes(session, {s.instance[0] for s in stored.values() if s.instance})
    for case_id in sorted(set(stored) | set(asked or ())):
        case = stored.get(case_id)
        if case is None:
            yield Disagreement(case_id, "there is no such case")
            continue
        for what in _check_case(session, case, hashes):
            yield Disagreement(case_id, what)


def _content_hashes(session: Session, definition_ids: set[int]) -> dict[int, str]:
    query = select(ProcessDefinition.id, ProcessDefinition.content_hash).where(
        ProcessDefinition.id.in_(definition_ids)
    )
    return dict(session.execute(query).tuples().all())


def _check_case(session: Session, case: _Stored, hashes: dict[int, str]) -> Iterator[str]:
    """What disagrees in one case, as sentences an operator reads."""
    if case.instance is None:
        yield "the case has no workflow instance"
        return
    definition_id, state, completed = case.instance
    if definition_id not in hashes:
        yield f"its workflow names process definition {definition_id}, which is not stored"
        return
    try:
        parsed = definitions.parsed_for(session, definition_id, hashes[definition_id])
        # Nothing runs, so no script engine: reading the state is all the check does.
        wf = spiff.load_state(parsed, state, None)
        # The version's task table, as the runner passes it (versions that carry one).
        settings = getattr(parsed, "tasks", None)
        snap = materialize.snapshot(wf, settings) if settings else materialize.snapshot(wf)
    except Exception as exc:  # a state that does not load is itself the finding
        yield f"its workflow cannot be loaded ({type(exc).__name__}: {exc})"
        return
    yield from _check_tasks(case, snap)
    yield from _check_timers(case, snap)
    yield from _check_status(case, wf, snap, completed)
    yield from _check_due(case)


def _check_tasks(case: _Stored, snap: materialize.Snapshot) -> Iterator[str]:
    ready = {str(t.id): t.task_spec.name for t in snap.ready_manual}
    rows = {}
    for row_id, spiff_id, step, _role, _due, row_status in case.tasks:
        rows[spiff_id] = row_id
        if spiff_id not in ready:
            yield f"task row {row_id} ({step}) is not open in the workflow"
            continue
        if step != ready[spiff_id]:
            yield f"task row {row_id} is for step {step} but its workflow task is {ready[spiff_id]}"
        if row_status != case.status:
            yield f"task row {row_id} ({step}) says the case is {row_status}, not {case.status}"
    for spiff_id, step in ready.items():
        if spiff_id not in rows:
            yield f"open user task {step} has no task row"


def _check_timers(case: _Stored, snap: materialize.Snapshot) -> Iterator[str]:
    wanted = set()
    for task in snap.waiting:
        fire_at = materialize._timer_fire_time(task)  # the same reading materialize stores
        if fire_at is not None:
            wanted.add((task.task_spec.name, fire_at))
    have = Counter((name, fire_at) for _id, name, fire_at in case.timers)
    for (name, fire_at), count in sorted(have.items()):
        if count > 1:
            yield f"timer {name} at {_instant(fire_at)} has {count} rows"
    extra = {key for key in have if key not in wanted}
    missing = wanted - set(have)
    moved = {name for name, _ in extra} & {name for name, _ in missing}
    for name in sorted(moved):
        says = ", ".join(_instant(at) for n, at in sorted(missing) if n == name)
        rows = ", ".join(_instant(at) for n, at in sorted(extra) if n == name)
        yield f"timer {name} fires {says} in the workflow but the row says {rows}"
    for row_id, name, fire_at in case.timers:
        if (name, fire_at) in extra and name not in moved:
            at = _instant(fire_at)
            yield f"timer row {row_id} ({name} at {at}) is not waiting in the workflow"
    for name, fire_at in sorted(missing):
        if name not in moved:
            yield f"timer {name} fires {_instant(fire_at)} in the workflow but has no row"


def _check_status(
    case: _Stored, wf: BpmnWorkflow, snap: materialize.Snapshot, completed: bool
) -> Iterator[str]:
    derived, resolution = materialize.derive_status(wf, snap)
    is_completed = wf.is_completed()
    if bool(completed) != is_completed:
        flag, says = ("set", "is still running") if completed else ("not set", "has completed")
        yield f"the instance's completed flag is {flag} but the workflow {says}"
    if derived is not None and derived != case.status:
        yield f"status is {case.status} but the workflow says {derived}"
    elif is_completed and case.status not in FINAL_STATUSES:
        yield f"workflow completed but case status {case.status}"
    elif not is_completed and case.status in FINAL_STATUSES:
        yield f"case status {case.status} but the workflow is still running"
    if resolution and case.resolution != resolution:
        yield f"resolution is {case.resolution} but the workflow says {resolution}"


def _check_due(case: _Stored) -> Iterator[str]:
    # The case is due when its main path is: a supervisor's escalation task has its own clock.
    main = [due for _id, _spiff, _step, role, due, _s in case.tasks if role != "supervisor" and due]
    expected = min(main, default=None)
    if case.due_at != expected:
        says = _instant(expected) if expected else "none"
        yield f"due_at {_instant(case.due_at)} but its main-path tasks say {says}"


def _instant(value: datetime | None) -> str:
    return value.isoformat() if value is not None else "none"
