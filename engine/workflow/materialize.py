"""Materialized views of a workflow: task rows, timer rows and the case status."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine import journal
from engine.holders import lead_agency_id
from engine.models import AuditEvent, Case, OrgUnit, Task, Timer, User
from engine.statuses import FINAL_STATUSES, STATUSES
from engine.workflow import hooks

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


def settings_of(task, settings: dict | None) -> dict:  # type: ignore[no-untyped-def]
    """A user task's settings as its version resolved them (engine/workflow/tasktable.py).

    Versions deployed before the task table read the diagram's lane and properties."""
    found = (settings or {}).get(task.task_spec.name)
    if found is not None:
        return found
    props = _properties(task)
    return {
        "role": task.task_spec.lane or "screener",
        "unit": None,
        "form": props.get("form", task.task_spec.name),
        "status": props.get("status"),
        "sla_policy": props.get("sla_policy"),
        "name_th": task.task_spec.bpmn_name or task.task_spec.name,
        "name_en": props.get("name_en", task.task_spec.name),
        "process": getattr(getattr(task.task_spec, "_wf_spec", None), "name", None),
    }


def _open_status(task, settings: dict | None = None) -> str | None:  # type: ignore[no-untyped-def]
    """The status an open task puts the case in; an event-based gateway takes its events'."""
    if task.task_spec.manual:
        status = settings_of(task, settings).get("status")
    else:
        status = _properties(task).get("status")
    if status is None and task.state == TaskState.WAITING:
        for spec in getattr(task.task_spec, "outputs", []):
            status = getattr(spec, "extensions", {}).get("properties", {}).get("status")
            if status:
                break
    return status if status in STATUSES else None


@dataclass
class Snapshot:
    """What the views need of a workflow, from one walk over its task tree.

    Each `get_tasks(state=...)` walks every task of the case (and its called processes); the
    views used to walk it four times per step.
    """

    settings: dict = field(default_factory=dict)  # the version's task table
    ready_manual: list = field(default_factory=list)
    open: list = field(default_factory=list)  # READY or WAITING
    waiting: list = field(default_factory=list)
    status_ends: list = field(default_factory=list)  # completed end events with a status


def snapshot(wf: BpmnWorkflow, settings: dict | None = None) -> Snapshot:
    """Walk the workflow's tasks once and sort out what the views read."""
    snap = Snapshot(settings=settings or {})
    for task in wf.get_tasks():
        state = task.state
        if state == TaskState.READY:
            snap.open.append(task)
            if task.task_spec.manual:
                snap.ready_manual.append(task)
        elif state == TaskState.WAITING:
            snap.open.append(task)
            snap.waiting.append(task)
        elif (
            state == TaskState.COMPLETED
            and isinstance(task.task_spec, EndEvent)
            and "status" in _properties(task)
        ):
            snap.status_ends.append(task)
    return snap


def derive_status(wf: BpmnWorkflow, snap: Snapshot | None = None) -> tuple[str | None, str | None]:
    """The case status the workflow is in, and a resolution once it has ended.

    An interrupting event sub-process (withdrawal) keeps waiting after the main path ends, so
    "ended" means: nothing open carries a status, and an end event that carries one was reached.
    A workflow that completes without any closing status closes its case as completed (a plain
    BPMN diagram has no statuses at all).
    """
    snap = snap or snapshot(wf)
    open_statuses = {_open_status(t, snap.settings) for t in snap.open}
    for status in STATUS_PRECEDENCE:
        if status in open_statuses:
            return status, None
    if not snap.status_ends:
        return ("closed", "completed") if wf.is_completed() else (None, None)
    props = _properties(max(snap.status_ends, key=lambda t: t.last_state_change))
    return props["status"], props.get("resolution")


def end_if_final(wf: BpmnWorkflow, snap: Snapshot | None = None) -> bool:
    """Reaching an end event with a final status ends the whole case; True if it cancelled.

    The shipped diagrams use terminate end events for this; a designer's diagram that ends a
    branch with "closed" while another branch still waits must not leave the case half-open.
    (SpiffWorkflow 3.2 ignores isInterrupting on event sub-processes, so they cannot do it.)
    """
    if wf.is_completed():
        return False
    snap = snap or snapshot(wf)
    for task in snap.status_ends:
        if _properties(task).get("status") in FINAL_STATUSES:
            wf.cancel()
            return True
    return False


def sync(
    session: Session,
    case: Case,
    wf: BpmnWorkflow,
    now: datetime,
    new: bool = False,
    snap: Snapshot | None = None,
) -> None:
    """Make the case's task and timer rows match the workflow, in the caller's transaction.

    A new case has no rows yet, so there is nothing to read first.
    """
    snap = snap or snapshot(wf)
    rows = _sync_tasks(session, case, snap, now, new)
    # The case is due when its main path is: a supervisor's escalation task has its own clock.
    main = [r for r in rows if r.role != "supervisor" and r.due_at is not None]
    case.due_at = min((r.due_at for r in main), default=None)
    case.at_risk_at = min((r.at_risk_at for r in main if r.at_risk_at), default=None)
    _sync_timers(session, case, snap, new)


# The unit a role's task goes to when its version does not say (before the role table).
_UNIT_OF_ROLE = {"agency_officer": "lead_agency", "supervisor": "escalation"}


def _org_unit_for(session: Session, case: Case, role: str, unit: str | None = None) -> int:
    unit = unit or _UNIT_OF_ROLE.get(role, "case_center")
    if unit == "lead_agency":
        return lead_agency_id(session, case.id) or case.center_id
    if unit == "escalation":
        return escalation_unit_id(session, case)
    if unit == "area_center":
        return area_center_id(session, case)
    return case.center_id


def area_center_id(session: Session, case: Case) -> int:
    """The center of the case's area: the district's center, else the province's."""
    for code in (case.area_code[:4], case.area_code[:2]):
        found = session.scalar(
            select(OrgUnit.id).where(
                OrgUnit.area_code == code,
                OrgUnit.kind.in_(("district_center", "provincial_center")),
                OrgUnit.active.is_(True),
            )
        )
        if found is not None:
            return found
    return case.center_id


def escalation_unit_id(session: Session, case: Case, level: int | None = None) -> int:
    """The center whose supervisors handle the case at an escalation level.

    Level 0 is the owning center, each level above is its parent (the province's center, then
    the central center); the ladder stops at the top.
    """
    unit_id = case.center_id
    for _ in range(case.escalation_level if level is None else level):
        parent = session.scalar(select(OrgUnit.parent_id).where(OrgUnit.id == unit_id))
        if parent is None:
            break
        unit_id = parent
    return unit_id


def _sync_tasks(
    session: Session, case: Case, snap: Snapshot, now: datetime, new: bool
) -> list[Task]:
    ready = {str(t.id): t for t in snap.ready_manual}
    rows = [] if new else session.scalars(select(Task).where(Task.case_id == case.id))
    existing = {row.spiff_task_id: row for row in rows}
    for spiff_id, row in existing.items():
        if spiff_id not in ready:
            for closed in hooks.installed().task_closed:
                closed(session, case, row, now)
            session.delete(row)
    current = []
    for spiff_id, task in ready.items():
        settings = settings_of(task, snap.settings)
        role = settings.get("role") or "screener"
        org_unit_id = _org_unit_for(session, case, role, settings.get("unit"))
        row = existing.get(spiff_id)
        if row is not None:
            row.org_unit_id, row.case_status = org_unit_id, case.status
            row.category_code, row.area_code = case.category_code, case.area_code
            current.append(row)
            continue
        row = Task(
            case_id=case.id,
            spiff_task_id=spiff_id,
            step=task.task_spec.name,
            name_th=settings["name_th"][:200],
            name_en=settings["name_en"][:200],
            role=role,
            form=settings["form"],
            process_id=settings.get("process"),
            sla_policy=settings.get("sla_policy"),
            org_unit_id=org_unit_id,
            area_code=case.area_code,
            category_code=case.category_code,
            case_status=case.status,
            created_at=now,
            breach_count=0,
        )
        if not new:
            row.assignee_id = _kept_by(session, case, role, org_unit_id, snap.settings)
        for opened in hooks.installed().task_opened:
            opened(session, case, row, now)
        session.add(row)
        current.append(row)
        journal.enqueue(
            session,
            case,
            "task_created",
            f"user:{row.assignee_id}" if row.assignee_id else f"group:{org_unit_id}:{role}",
            now,
            {"case_id": case.id, "step": row.step},
        )
    return current


def _kept_by(
    session: Session, case: Case, role: str, org_unit_id: int, settings: dict | None
) -> int | None:
    """Who the case's next task stays with: the official who completed its previous task, when
    that task was for the same role, they are in the new task's unit, still active and still
    hold the role (an agency officer acknowledging, then reporting progress; a screener asking
    the complainant, then screening the answer). Otherwise nobody: it goes to the group."""
    last = session.execute(
        select(AuditEvent.actor_id, AuditEvent.step)
        .where(AuditEvent.case_id == case.id, AuditEvent.action == "task_completed")
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    if last is None or last.actor_id is None:
        return None
    previous = (settings or {}).get(last.step or "") or {}
    if previous.get("role", role) != role:
        return None
    user = session.get(User, last.actor_id)
    if user is None or not user.active or role not in user.roles:
        return None
    return user.id if user.org_unit_id == org_unit_id else None


def _timer_fire_time(task) -> datetime | None:  # type: ignore[no-untyped-def]
    """A waiting timer's fixed fire time (also inside an event-based gateway)."""
    definition = getattr(task.task_spec, "event_definition", None)
    inner = getattr(definition, "event_definitions", [definition])
    if not any(isinstance(d, TimerEventDefinition) for d in inner):
        return None
    value = task.internal_data.get("event_value")
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def _sync_timers(session: Session, case: Case, snap: Snapshot, new: bool) -> None:
    wanted = set()
    for task in snap.waiting:
        fire_at = _timer_fire_time(task)
        if fire_at is not None:
            wanted.add((task.task_spec.name, fire_at))
    rows = [] if new else session.scalars(select(Timer).where(Timer.case_id == case.id)).all()
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
