"""The process catalog as designers and administrators use it: every process and version with
its state, running cases and bound categories; deploy, activate, retire and bind, each checked
(designer or admin) and audited. The CLI and the REST API are thin shells over these.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import journal
from engine.access.checks import check_may_design
from engine.access.rules import Actor
from engine.errors import NotFound, ValidationFailed
from engine.models import Case, Category, Process, ProcessDefinition, WorkflowInstance
from engine.statuses import OPEN_STATUSES
from engine.workflow import definitions, versions


def state_of(definition: ProcessDefinition, live_id: int | None) -> str:
    """live, draft (never activated), retired, or previous (was live once)."""
    if definition.id == live_id:
        return "live"
    if definition.retired_at is not None:
        return "retired"
    return "draft" if definition.activated_at is None else "previous"


def running_counts(session: Session, process_id: str | None = None) -> dict[int, int]:
    """Open cases per version id."""
    query = (
        select(WorkflowInstance.definition_id, func.count())
        .join(Case, Case.id == WorkflowInstance.case_id)
        .where(Case.status.in_(OPEN_STATUSES))
        .group_by(WorkflowInstance.definition_id)
    )
    if process_id is not None:
        query = query.join(
            ProcessDefinition, ProcessDefinition.id == WorkflowInstance.definition_id
        ).where(ProcessDefinition.process_id == process_id)
    return {row[0]: row[1] for row in session.execute(query)}


def list_processes(session: Session, actor: Actor) -> list[dict]:
    """Every process: its live version, how many versions, running cases, bound categories."""
    check_may_design(actor)
    running = running_counts(session)
    bound: dict[str, list[str]] = {}
    for code, pid in session.execute(select(Category.code, Category.process_id)):
        bound.setdefault(pid, []).append(code)
    out = []
    for process in session.scalars(select(Process).order_by(Process.process_id)):
        rows = session.execute(
            select(ProcessDefinition.id, ProcessDefinition.version).where(
                ProcessDefinition.process_id == process.process_id
            )
        ).all()
        live = next((v for i, v in rows if i == process.live_definition_id), None)
        out.append(
            {
                "process_id": process.process_id,
                "name_th": process.name_th,
                "name_en": process.name_en,
                "live_version": live,
                "versions": len(rows),
                "running_cases": sum(running.get(i, 0) for i, _v in rows),
                "categories": sorted(bound.get(process.process_id, [])),
                "updated_at": process.updated_at.isoformat(),
                "updated_by": process.updated_by,
            }
        )
    return out


def list_versions(session: Session, actor: Actor, process_id: str) -> list[dict]:
    """A process's versions, newest first, with state, who deployed them and running cases."""
    check_may_design(actor)
    process = _process(session, process_id)
    running = running_counts(session, process_id)
    rows = session.scalars(
        select(ProcessDefinition)
        .where(ProcessDefinition.process_id == process_id)
        .order_by(ProcessDefinition.version.desc())
    )
    return [version_json(d, process.live_definition_id, running.get(d.id, 0)) for d in rows]


def version_json(definition: ProcessDefinition, live_id: int | None, running: int) -> dict:
    """One version as the catalog shows it."""
    return {
        "process_id": definition.process_id,
        "version": definition.version,
        "state": state_of(definition, live_id),
        "live": definition.id == live_id,
        "deployed_at": definition.deployed_at.isoformat(),
        "deployed_by": definition.deployed_by,
        "note": definition.note,
        "activated_at": definition.activated_at.isoformat() if definition.activated_at else None,
        "retired_at": definition.retired_at.isoformat() if definition.retired_at else None,
        "running_cases": running,
        "content_hash": definition.content_hash,
        "pins": dict(definition.pins or {}),
    }


def version_detail(session: Session, actor: Actor, process_id: str, version: int) -> dict:
    """One version with its files, forms and task settings."""
    check_may_design(actor)
    process = _process(session, process_id)
    definition = versions.find(session, process_id, version)
    running = running_counts(session, process_id).get(definition.id, 0)
    return {
        **version_json(definition, process.live_definition_id, running),
        "files": dict(definition.files or {}),
        "forms": dict(definition.forms or {}),
        "tasks": dict(definition.tasks or {}),
    }


def deploy(
    session: Session,
    now: datetime,
    actor: Actor,
    files: Mapping[str, str],
    *,
    process_id: str | None = None,
    note: str = "",
    draft: bool = False,
    apply_rewrites: bool = False,
    categories: list[str] | None = None,
) -> versions.Deployed:
    """Deploy (checked, audited); bind categories to the process when asked."""
    check_may_design(actor)
    deployed = versions.deploy(
        session,
        now,
        files,
        process_id,
        actor.label,
        note=note,
        draft=draft,
        apply_rewrites=apply_rewrites,
    )
    definition = deployed.definition
    assert definition is not None
    journal.record(
        session,
        None,
        actor,
        "process_deployed" if deployed.created else "process_redeployed",
        now,
        detail={
            "process_id": definition.process_id,
            "version": definition.version,
            "live": deployed.live,
            "note": note[:200],
        },
    )
    for code in categories or []:
        bind_category(session, now, actor, code, definition.process_id)
    return deployed


def activate(session: Session, now: datetime, actor: Actor, process_id: str, version: int) -> dict:
    """Make a version live (a draft, or a rollback to an earlier one); audited."""
    check_may_design(actor)
    before = session.scalar(
        select(Process.live_definition_id).where(Process.process_id == process_id)
    )
    definition = versions.activate(session, now, process_id, version, actor.label)
    old = session.get(ProcessDefinition, before) if before else None
    journal.record(
        session,
        None,
        actor,
        "process_activated",
        now,
        detail={
            "process_id": process_id,
            "version": version,
            "previous_version": old.version if old else None,
        },
    )
    return version_json(
        definition, definition.id, running_counts(session, process_id).get(definition.id, 0)
    )


def retire(session: Session, now: datetime, actor: Actor, process_id: str, version: int) -> dict:
    """Start no new case on a version; audited."""
    check_may_design(actor)
    definition = versions.retire(session, now, process_id, version, actor.label)
    journal.record(
        session,
        None,
        actor,
        "process_retired",
        now,
        detail={"process_id": process_id, "version": version},
    )
    live_id = session.scalar(
        select(Process.live_definition_id).where(Process.process_id == process_id)
    )
    return version_json(
        definition, live_id, running_counts(session, process_id).get(definition.id, 0)
    )


def migrate(
    session_factory,  # type: ignore[no-untyped-def]
    clock,  # type: ignore[no-untyped-def]
    actor: Actor,
    process_id: str,
    from_version: int,
    to_version: int,
    *,
    case_ids: list[int] | None = None,
    statuses: list[str] | None = None,
    elements: list[str] | None = None,
    dry_run: bool = True,
) -> dict:
    """Move running cases between two versions of a process (or, dry, say which could).

    Each case moves under its own row lock and is audited with both versions; a blocked case
    stays where it is, with the reason. Moving back works while the old version exists."""
    from engine.workflow import moving

    check_may_design(actor)
    if from_version == to_version:
        raise ValidationFailed.one(
            "to_version", "รุ่นต้นทางและปลายทางต้องต่างกัน", "The two versions must differ."
        )
    with session_factory() as session:
        old = versions.find(session, process_id, from_version)
        new = versions.find(session, process_id, to_version)
        chosen = moving.plan_cases(
            session,
            process_id,
            old.id,
            new.id,
            case_ids=case_ids,
            statuses=statuses,
            elements=elements,
        )
        old_id, new_id = old.id, new.id
    report = moving.migrate_cases(
        session_factory, clock, actor, old_id, new_id, chosen, dry_run=dry_run
    )
    if not dry_run:
        with session_factory.begin() as session:
            journal.record(
                session,
                None,
                actor,
                "process_migration",
                clock(),
                detail={
                    "process_id": process_id,
                    "from_version": from_version,
                    "to_version": to_version,
                    "cases": len(report),
                    "migrated": sum(1 for r in report if r.get("migrated")),
                },
            )
    return {
        "process_id": process_id,
        "from_version": from_version,
        "to_version": to_version,
        "dry_run": dry_run,
        "cases": report,
        "migratable": sum(1 for r in report if r.get("migratable")),
        "blocked": sum(1 for r in report if not r.get("migratable")),
        "migrated": sum(1 for r in report if r.get("migrated")),
    }


def bind_category(
    session: Session, now: datetime, actor: Actor, code: str, process_id: str
) -> None:
    """Bind a category to a process: its new cases start on that process's live version."""
    check_may_design(actor)
    category = session.get(Category, code)
    if category is None:
        raise NotFound(f"No category {code}.", f"ไม่พบประเภทเรื่อง {code}")
    process = session.get(Process, process_id)
    if process is None or process.live_definition_id is None:
        raise ValidationFailed.one(
            "process_id",
            f"กระบวนงาน «{process_id}» ไม่มีรุ่นที่ใช้งานอยู่",
            f"The process «{process_id}» has no live version.",
        )
    before = category.process_id
    category.process_id = process_id
    session.flush()
    definitions.forget_current()
    journal.record(
        session,
        None,
        actor,
        "category_process_changed",
        now,
        before=before,
        after=process_id,
        detail={"category": code},
    )


def _process(session: Session, process_id: str) -> Process:
    process = session.get(Process, process_id)
    if process is None:
        raise NotFound(f"No process {process_id}.", f"ไม่พบกระบวนงาน {process_id}")
    return process
