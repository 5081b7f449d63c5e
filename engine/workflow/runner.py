"""Advance one locked case: load its workflow, run a step, apply effects, save, materialize."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException, WorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from engine import journal
from engine.access.rules import Actor
from engine.clock import Clock, system_clock
from engine.errors import CaseNotFound, TaskNotReady, WorkflowFailed
from engine.holders import lead_agency_id
from engine.models import Case, Category, OrgUnit, WorkflowInstance
from engine.statuses import FINAL_STATUSES
from engine.workflow import definitions, hooks, materialize, spiff
from engine.workflow.scripting import ScriptRejected, failure_message, make_script_engine

log = logging.getLogger(__name__)


@dataclass
class Effects:
    """What BPMN scripts asked the engine to do, applied after the step in the same transaction."""

    referrals: list[tuple[str, str]] = field(default_factory=list)
    notifications: list[str] = field(default_factory=list)


def lock_case(session: Session, case_id: int) -> Case:
    """Load a case for writing: a row lock on PostgreSQL, the version check everywhere."""
    case = session.scalar(
        select(Case)
        .where(Case.id == case_id)
        .options(lazyload(Case.center))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if case is None:
        raise CaseNotFound(f"Case {case_id} does not exist.", f"ไม่พบเรื่องร้องเรียนเลขที่ {case_id}")
    return case


def _helpers(
    session: Session, effects: Effects, clock: Clock | None = None
) -> dict[str, Callable[..., object]]:
    def category_default_agency(category: str) -> str | None:
        row = session.execute(
            select(OrgUnit.code)
            .join(Category, Category.default_agency_id == OrgUnit.id)
            .where(Category.code == category)
        ).first()
        return row[0] if row else None

    def refer_case(agency_code: str, role: str = "lead") -> None:
        effects.referrals.append((str(agency_code), str(role)))

    def notify(event_name: str) -> None:
        effects.notifications.append(str(event_name))

    def province_of(area_code: str) -> str:
        return str(area_code)[:2]

    registered = {
        name: factory(session, clock or system_clock)
        for name, factory in hooks.installed().helpers.items()
    }
    return {
        "category_default_agency": category_default_agency,
        "refer_case": refer_case,
        "notify": notify,
        "province_of": province_of,
        **registered,
    }


@dataclass
class Started:
    """A new case's workflow run to its first wait, before the case exists in the database.

    Running it reads the database (a category's agency, a named policy) but writes nothing,
    so a caller may build it outside the write transaction: SQLite lets one writer in at a
    time, and the engine step is the largest share of opening a case.
    """

    definition_id: int
    wf: BpmnWorkflow
    effects: Effects
    snap: materialize.Snapshot
    state: bytes


def prepare_start(session: Session, clock: Clock, data: dict[str, object]) -> Started:
    """Run the live version of the category's process for new case data to its first wait.

    The case stays on that version: a later change of category does not change its process."""
    process_id = definitions.process_of_category(session, str(data.get("category") or ""))
    definition_id = definitions.live(session, process_id)
    parsed = definitions.parsed_for(session, definition_id)
    effects = Effects()
    wf = spiff.new_workflow(parsed, make_script_engine(_helpers(session, effects, clock)))
    for ready in wf.get_tasks(state=TaskState.READY):
        ready.set_data(**data)  # the start task's data flows to every later task
    snap = _step(clock, wf, lambda _wf: None, parsed.tasks)
    return Started(definition_id, wf, effects, snap, spiff.dump_state(wf))


def start(
    session: Session,
    clock: Clock,
    actor: Actor,
    case: Case,
    data: dict[str, object],
    started: Started | None = None,
) -> None:
    """Start the current process version for a new case and run it to its first wait."""
    started = started or prepare_start(session, clock, data)
    instance = WorkflowInstance(
        case_id=case.id,
        definition_id=started.definition_id,
        serializer_version=spiff.SERIALIZER_VERSION,
        state=b"",
        completed=False,
    )
    session.add(instance)
    _save(
        session,
        clock,
        actor,
        case,
        instance,
        started.wf,
        started.effects,
        started.snap,
        new=True,
        state=started.state,
    )


def advance(
    session: Session,
    clock: Clock,
    actor: Actor,
    case: Case,
    action: Callable[[BpmnWorkflow], None],
) -> BpmnWorkflow:
    """Load the case's workflow, apply an action, run engine steps and save everything."""
    instance = session.get(WorkflowInstance, case.id)
    if instance is None:
        raise CaseNotFound(f"Case {case.id} has no workflow.", "เรื่องนี้ไม่มีกระบวนงาน")
    parsed = _parsed_of(session, instance)
    effects = Effects()
    engine = make_script_engine(_helpers(session, effects, clock))
    wf = spiff.load_state(parsed, instance.state, engine)
    snap = _step(clock, wf, action, parsed.tasks)
    _save(session, clock, actor, case, instance, wf, effects, snap)
    return wf


def complete_user_task(
    session: Session, clock: Clock, actor: Actor, case: Case, spiff_task_id: str, data: dict
) -> None:
    """Complete one open user task with the form's workflow data and run to the next wait."""
    task_id = UUID(spiff_task_id)

    def run_task(wf: BpmnWorkflow) -> None:
        spiff_task = wf.get_task_from_id(task_id)
        if spiff_task is None or spiff_task.state != TaskState.READY:
            raise TaskNotReady("This task is no longer open.", "งานนี้ไม่อยู่ในสถานะที่ทำได้แล้ว")
        spiff_task.set_data(**data)
        spiff_task.run()

    advance(session, clock, actor, case, run_task)


def send_message(
    session: Session,
    clock: Clock,
    actor: Actor,
    case: Case,
    name: str,
    *,
    not_waiting: Exception | None = None,
) -> None:
    """Deliver a BPMN message to the case's workflow and run to the next wait.

    When nothing waits for it, raise `not_waiting`, or (without one) let the step go on: the
    engine steps and timers still run."""

    def deliver(wf: BpmnWorkflow) -> None:
        try:
            wf.send_event(spiff.message_event(name))
        except WorkflowException as exc:
            if not_waiting is not None:
                raise not_waiting from exc

    advance(session, clock, actor, case, deliver)


def refresh(session: Session, clock: Clock, actor: Actor, case: Case) -> None:
    """Run the case's workflow with no action: due timers fire, tasks go to their current units."""
    advance(session, clock, actor, case, lambda _wf: None)


def load(session: Session, case: Case) -> BpmnWorkflow:
    """Load a case's workflow read-only (for the diagram and checks); nothing is saved."""
    instance = session.get(WorkflowInstance, case.id)
    engine = make_script_engine(_helpers(session, Effects()))
    return spiff.load_state(_parsed_of(session, instance), instance.state, engine)


def _parsed_of(session: Session, instance: WorkflowInstance) -> spiff.ParsedDefinition:
    return definitions.parsed_for(session, instance.definition_id)


def _step(
    clock: Clock,
    wf: BpmnWorkflow,
    action: Callable[[BpmnWorkflow], None],
    settings: dict | None = None,
) -> materialize.Snapshot:
    """Apply the action and run the engine to its next wait; what is open now."""
    try:
        with spiff.running_at(clock):
            action(wf)
            wf.refresh_timers()
            wf.do_engine_steps()
            snap = materialize.snapshot(wf, settings)
            if materialize.end_if_final(wf, snap):
                snap = materialize.snapshot(wf, settings)
    except (SpiffWorkflowException, ScriptRejected) as exc:
        log.warning("a process step failed: %s", exc)  # the designer's detail; users see less
        raise WorkflowFailed(*failure_message(exc)) from exc
    return snap


def _save(session, clock, actor, case, instance, wf, effects, snap, new=False, state=None) -> None:  # type: ignore[no-untyped-def]
    """Apply a step's effects, save the instance and bring every view of the case up to date."""
    now = clock()
    before = case.status
    _apply_effects(session, now, actor, case, effects)
    status, resolution = materialize.derive_status(wf, snap)
    case.status = status or case.status
    if resolution:
        case.resolution = resolution
    if case.status in FINAL_STATUSES and case.closed_at is None:
        case.closed_at = now
    case.updated_at = now
    instance.state = state if state is not None else spiff.dump_state(wf)
    instance.completed = wf.is_completed()
    if case.status != before and before is not None:
        for changed in hooks.installed().status_changed:
            changed(session, actor, case, before, now)
    _refer_for_agency_tasks(session, now, actor, case, snap)
    materialize.sync(session, case, wf, now, new=new, snap=snap)
    if case.status != before and before is not None:
        journal.record(
            session,
            case,
            actor,
            "status_changed",
            now,
            before=before,
            after=case.status,
            public=True,
        )
    session.flush()


def _refer_for_agency_tasks(
    session: Session, now: datetime, actor: Actor, case: Case, snap: materialize.Snapshot
) -> None:
    """An agency's task opens and no agency holds the case: refer it to the category's agency.

    The shipped diagram refers in a script first; a plain diagram from another modeler has an
    agency lane and nothing else, and its task would otherwise wait where no agency sees it."""
    wants_agency = any(
        materialize.settings_of(task, snap.settings).get("unit") == "lead_agency"
        for task in snap.ready_manual
    )
    if not wants_agency or lead_agency_id(session, case.id) is not None:
        return
    agency = session.scalar(
        select(OrgUnit.code)
        .join(Category, Category.default_agency_id == OrgUnit.id)
        .where(Category.code == case.category_code, OrgUnit.active.is_(True))
    )
    if agency is not None:
        hooks.installed().refer(session, now, actor, case, agency, "lead")
    else:
        log.warning("case %s: an agency task opened but its category names no agency", case.id)


def _apply_effects(session: Session, now: datetime, actor: Actor, case: Case, effects: Effects):  # type: ignore[no-untyped-def]
    registered = hooks.installed()
    for agency_code, role in effects.referrals:
        registered.refer(session, now, actor, case, agency_code, role)
    for event in effects.notifications:
        registered.notify(session, case, event, now)
