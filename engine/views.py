"""Materialized views of a workflow: task rows, timer rows and the case status."""

from __future__ import annotations

from datetime import datetime

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine import journal
from engine.models import Case, Task, Timer
from engine.referrals import lead_agency_id
from engine.statuses import STATUSES

# When several open elements carry a status (an agency task and a supervisor's escalation),
# the main path wins.
STATUS_PRECEDENCE = [
    "awaiting_information",
    "screening",
    "under_review",
    "referred",
    "in_progress",
    "resolved",
    "received",
]


def _properties(task) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return getattr(task.task_spec, "extensions", {}).get("properties", {})


def derive_status(wf: BpmnWorkflow) -> tuple[str | None, str | None]:
    """The case status the workflow is in, and a resolution once it has ended."""
    if wf.is_completed():
        ended = [
            t
            for t in wf.get_tasks(state=TaskState.COMPLETED)
            if "status" in _properties(t) and not t.children
        ]
        if not ended:
            return None, None
        last = max(ended, key=lambda t: t.last_state_change)
        props = _properties(last)
        return props["status"], props.get("resolution")
    open_statuses = {
        _properties(t)["status"]
        for t in wf.get_tasks(state=TaskState.READY | TaskState.WAITING)
        if _properties(t).get("status") in STATUSES
    }
    for status in STATUS_PRECEDENCE:
        if status in open_statuses:
            return status, None
    return None, None


def sync(session: Session, case: Case, wf: BpmnWorkflow, now: datetime) -> None:
    """Make the case's task and timer rows match the workflow, in the caller's transaction."""
    _sync_tasks(session, case, wf, now)
    _sync_timers(session, case, wf)


def _org_unit_for(session: Session, case: Case, role: str) -> int:
    if role == "agency_officer":
        return lead_agency_id(session, case.id) or case.center_id
    return case.center_id


def _sync_tasks(session: Session, case: Case, wf: BpmnWorkflow, now: datetime) -> None:
    ready = {str(t.id): t for t in wf.get_tasks(state=TaskState.READY, manual=True)}
    existing = {
        row.spiff_task_id: row
        for row in session.scalars(select(Task).where(Task.case_id == case.id))
    }
    for spiff_id, row in existing.items():
        if spiff_id not in ready:
            session.delete(row)
    for spiff_id, task in ready.items():
        role = task.task_spec.lane or "screener"
        org_unit_id = _org_unit_for(session, case, role)
        row = existing.get(spiff_id)
        if row is not None:
            row.org_unit_id, row.case_status = org_unit_id, case.status
            row.category_code, row.area_code = case.category_code, case.area_code
            continue
        props = _properties(task)
        row = Task(
            case_id=case.id,
            spiff_task_id=spiff_id,
            step=task.task_spec.name,
            name_th=task.task_spec.bpmn_name or task.task_spec.name,
            name_en=props.get("name_en", task.task_spec.name),
            role=role,
            form=props.get("form", task.task_spec.name),
            org_unit_id=org_unit_id,
            area_code=case.area_code,
            category_code=case.category_code,
            case_status=case.status,
            created_at=now,
        )
        session.add(row)
        journal.enqueue(
            session,
            case,
            "task_created",
            f"group:{org_unit_id}:{role}",
            now,
            {"case_id": case.id, "step": row.step},
        )


def _sync_timers(session: Session, case: Case, wf: BpmnWorkflow) -> None:
    wanted = set()
    for pending in wf.waiting_events():
        if isinstance(pending.event_type, str) and "Timer" not in pending.event_type:
            continue
        if not isinstance(pending.event_type, str) and not isinstance(
            pending.event_type, TimerEventDefinition
        ):
            continue
        fire_at = datetime.fromisoformat(str(pending.value))
        wanted.add((pending.name or "timer", fire_at))
    rows = session.scalars(select(Timer).where(Timer.case_id == case.id)).all()
    have = {(r.event_name, r.fire_at): r for r in rows}
    for key, row in have.items():
        if key not in wanted:
            session.delete(row)
    for name, fire_at in wanted - set(have):
        session.add(Timer(case_id=case.id, event_name=name, fire_at=fire_at, attempts=0))


def clear(session: Session, case_id: int) -> None:
    """Remove every task and timer row of a case (it has ended)."""
    session.execute(delete(Task).where(Task.case_id == case_id))
    session.execute(delete(Timer).where(Timer.case_id == case_id))
