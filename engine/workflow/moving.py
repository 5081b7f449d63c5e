"""Moving running cases to another version of their process: the database side of
engine/workflow/migration.py.

Cases move in batches, one transaction per batch and a savepoint per case, each under its row
lock, so one case that fails is reported blocked and rolled back alone. A moved case keeps its
task rows (deadlines, reminders, assignee, breach count and draft stay; the element, form, names
and role come from the new version) and its timer rows (fire times do not change).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine import journal
from engine.access.rules import Actor
from engine.clock import Clock
from engine.errors import CaseNotFound, DamrongError, NotFound
from engine.models import Case, ProcessDefinition, Task, Timer, WorkflowInstance
from engine.workflow import definitions, hooks, materialize, migration, runner, spiff

log = logging.getLogger(__name__)

# Task row columns a new version may change; the rest of a row (due_at, at_risk_at, assignee,
# breach count, draft, reminders) belongs to the case's history and is kept.
REFRESHED = ("step", "form", "name_th", "name_en", "role", "process_id", "sla_policy")


def _versions(
    session: Session, process_id: str | None, from_id: int, to_id: int
) -> tuple[ProcessDefinition, ProcessDefinition]:
    old, new = session.get(ProcessDefinition, from_id), session.get(ProcessDefinition, to_id)
    for wanted, row in ((from_id, old), (to_id, new)):
        if row is None or (process_id is not None and row.process_id != process_id):
            raise NotFound(
                f"Process {process_id or ''} has no version with id {wanted}.",
                f"กระบวนงาน {process_id or ''} ไม่มีรุ่นรหัส {wanted}",
            )
    if old.process_id != new.process_id:  # type: ignore[union-attr]
        raise NotFound(
            "Both versions must belong to one process.", "ทั้งสองรุ่นต้องเป็นของกระบวนงานเดียวกัน"
        )
    return old, new  # type: ignore[return-value]


def plan_cases(
    session: Session,
    process_id: str,
    from_definition_id: int,
    to_definition_id: int,
    *,
    case_ids: list[int] | None = None,
    statuses: list[str] | None = None,
    elements: list[str] | None = None,
) -> list[int]:
    """The running cases on one version a move would take: all, or those of some ids, statuses,
    or open at some elements (a user task or a timer there), in id order."""
    _versions(session, process_id, from_definition_id, to_definition_id)
    query = (
        select(WorkflowInstance.case_id)
        .join(Case, Case.id == WorkflowInstance.case_id)
        .where(
            WorkflowInstance.definition_id == from_definition_id,
            WorkflowInstance.completed.is_(False),
        )
    )
    if case_ids is not None:
        query = query.where(WorkflowInstance.case_id.in_(case_ids))
    if statuses:
        query = query.where(Case.status.in_(statuses))
    if elements:
        at_task = select(Task.case_id).where(Task.step.in_(elements))
        at_timer = select(Timer.case_id).where(Timer.event_name.in_(elements))
        query = query.where(or_(Case.id.in_(at_task), Case.id.in_(at_timer)))
    return list(session.scalars(query.order_by(WorkflowInstance.case_id)))


def migrate_cases(
    session_factory: Callable[..., Any],
    clock: Clock,
    actor: Actor,
    from_definition_id: int,
    to_definition_id: int,
    case_ids: list[int],
    *,
    dry_run: bool,
    batch_size: int = 200,
) -> list[dict[str, object]]:
    """Move cases from one version to another (or only say which could, with `dry_run`).

    One entry per case, in order: {"case_id", "migratable", "reasons", "reasons_th", "elements",
    "migrated"}. A case that cannot move, or whose move fails, is reported, never raised; the
    versions must exist (NotFound otherwise)."""
    with session_factory() as session:
        _versions(session, None, from_definition_id, to_definition_id)
    report: list[dict[str, object]] = []
    for start in range(0, len(case_ids), batch_size):
        batch = case_ids[start : start + batch_size]
        done: list[dict[str, object]] = []
        try:
            with session_factory.begin() as session:  # type: ignore[attr-defined]
                old, new = _versions(session, None, from_definition_id, to_definition_id)
                move_batch(session, clock, actor, old, new, batch, dry_run, into=done)
        except Exception as exc:  # the batch's commit failed: nothing of it was saved
            log.warning("a migration batch failed to commit: %s", type(exc).__name__)
            done = [_failed(e["case_id"], exc) if e["migrated"] else e for e in done]  # type: ignore[arg-type]
            done += [_failed(case_id, exc) for case_id in batch[len(done) :]]
        report.extend(done)
    return report


def move_batch(
    session: Session,
    clock: Clock,
    actor: Actor,
    old: ProcessDefinition,
    new: ProcessDefinition,
    case_ids: list[int],
    dry_run: bool,
    *,
    into: list[dict[str, object]] | None = None,
) -> list[dict[str, object]]:
    """Move (or check) some cases inside the caller's transaction, a savepoint each; one entry
    per case as migrate_cases gives them. Nothing is committed here."""
    done = [] if into is None else into
    for case_id in case_ids:
        done.append(_guarded(session, clock, actor, old, new, case_id, dry_run))
    return done


def versions_of(
    session: Session, process_id: str | None, from_id: int, to_id: int
) -> tuple[ProcessDefinition, ProcessDefinition]:
    """Both versions of a move, checked to exist and to be of one process (NotFound else)."""
    return _versions(session, process_id, from_id, to_id)


def _entry(case_id: int, check: migration.Check, migrated: bool) -> dict[str, object]:
    return {
        "case_id": case_id,
        "migratable": check.migratable,
        "reasons": list(check.reasons),
        "reasons_th": list(check.reasons_th),
        "elements": list(check.elements),
        "migrated": migrated,
    }


def _failed(case_id: int, exc: Exception) -> dict[str, object]:
    if isinstance(exc, DamrongError):
        en, th = exc.message("en"), exc.message("th")
    else:
        en = f"The move failed: {type(exc).__name__}: {exc}"[:500]
        th = f"ย้ายรุ่นไม่สำเร็จ: {type(exc).__name__}: {exc}"[:500]
    return _entry(case_id, migration.Check(False, [en], [th]), False)


def _guarded(session, clock, actor, old, new, case_id: int, dry_run: bool) -> dict[str, object]:  # type: ignore[no-untyped-def]
    try:
        with session.begin_nested():
            return _one(session, clock, actor, old, new, case_id, dry_run)
    except Exception as exc:  # this case's changes are rolled back with its savepoint
        log.warning("moving case %s failed: %s", case_id, type(exc).__name__)
        return _failed(case_id, exc)


def _one(
    session: Session,
    clock: Clock,
    actor: Actor,
    old: ProcessDefinition,
    new: ProcessDefinition,
    case_id: int,
    dry_run: bool,
) -> dict[str, object]:
    case = session.get(Case, case_id) if dry_run else runner.lock_case(session, case_id)
    if case is None:
        raise CaseNotFound(f"Case {case_id} does not exist.", f"ไม่พบเรื่องร้องเรียนเลขที่ {case_id}")
    instance = session.get(WorkflowInstance, case_id)
    if instance is None or instance.definition_id != old.id or instance.completed:
        return _entry(case_id, _not_on(old, instance), False)
    old_specs = definitions.parsed_for(session, old.id, old.content_hash)
    new_specs = definitions.parsed_for(session, new.id, new.content_hash)
    wf = runner.load(session, case)
    with spiff.running_at(clock):
        check = migration.check(wf, old_specs, new_specs)
        if not check.migratable or dry_run:
            return _entry(case_id, check, False)
        migration.migrate(wf, old_specs, new_specs)
    _save(session, clock, actor, case, instance, wf, old, new)
    return _entry(case_id, check, True)


def _not_on(old: ProcessDefinition, instance: WorkflowInstance | None) -> migration.Check:
    if instance is not None and instance.completed:
        en, th = "The case's process has ended.", "กระบวนงานของเรื่องนี้สิ้นสุดแล้ว"
    else:
        en = f"The case is not on {old.process_id} version {old.version}."
        th = f"เรื่องนี้ไม่ได้อยู่ในกระบวนงาน {old.process_id} รุ่น {old.version}"
    return migration.Check(False, [en], [th])


def _save(session, clock, actor, case, instance, wf, old, new) -> None:  # type: ignore[no-untyped-def]
    """Store the moved workflow and bring the case's rows, status and journal up to date."""
    now = clock()
    settings = dict(getattr(new, "tasks", None) or {})
    instance.state = spiff.dump_state(wf)
    instance.definition_id = new.id
    instance.serializer_version = spiff.SERIALIZER_VERSION
    snap = materialize.snapshot(wf, settings)
    _refresh_task_rows(session, case, snap.ready_manual, settings)
    before = case.status
    status, _resolution = materialize.derive_status(wf, snap)
    case.status = status or case.status
    case.updated_at = now  # a new case version: a request holding the old state fails
    if case.status != before:
        for changed in hooks.installed().status_changed:
            changed(session, actor, case, before, now)
    materialize.sync(session, case, wf, now, snap=snap)
    journal.record(
        session,
        case,
        actor,
        "process_migrated",
        now,
        before=before,
        after=case.status,
        detail={
            "process_id": new.process_id,
            "from_version": old.version,
            "to_version": new.version,
            "from_definition_id": old.id,
            "to_definition_id": new.id,
        },
    )
    session.flush()


def _refresh_task_rows(session: Session, case: Case, ready: list, settings: dict) -> None:
    rows = {
        r.spiff_task_id: r for r in session.scalars(select(Task).where(Task.case_id == case.id))
    }
    for task in ready:
        row = rows.get(str(task.id))
        if row is None:
            continue  # a task the move opened: sync makes its row
        values = task_settings(task, settings)
        for column in REFRESHED:
            if hasattr(row, column) and column in values:
                setattr(row, column, values[column])


def task_settings(task, settings: dict) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """A user task's row values as a version resolves them: its task table when it has one,
    else the diagram's lane and properties (versions deployed before the task table)."""
    spec = task.task_spec
    props = getattr(spec, "extensions", {}).get("properties", {})
    found = settings.get(spec.name) or {}
    name_th = found.get("name_th") or spec.bpmn_name or spec.name
    return {
        "step": spec.name,
        "form": found.get("form") or props.get("form", spec.name),
        "name_th": str(name_th)[:200],
        "name_en": str(found.get("name_en") or props.get("name_en", spec.name))[:200],
        "role": found.get("role") or spec.lane or "screener",
        "process_id": found.get("process") or getattr(spec._wf_spec, "name", None),
        "sla_policy": found.get("sla_policy", props.get("sla_policy")),
    }
