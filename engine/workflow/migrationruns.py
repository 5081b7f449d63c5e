"""Migration runs: moving running cases between versions of a process in batches, with progress.

A designer starts a dry run (which cases could move, and why the others cannot), reads its report
page by page, then moves exactly the cases the dry run found movable; a finished move can be taken
back by a dry run in the other direction over the cases it moved. The cases of a run are planned
when it starts; each batch then checks or moves the next cases, stores their outcomes and
advances the run in one transaction, so a crash loses nothing committed and a batch is never
counted twice. The request that starts a run carries it on for a moment; the scheduler's job
`migration_runs` finishes what is left, so a large move goes on when the page is closed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from engine import journal
from engine.access.checks import check_may_design
from engine.access.rules import Actor
from engine.clock import Clock
from engine.errors import Conflict, NotFound, ValidationFailed
from engine.models import Case, MigrationRun, MigrationRunCase, Task, User
from engine.workflow import moving, versions

log = logging.getLogger(__name__)
BATCH = 100  # cases per transaction: a row lock each, held until the batch commits
REQUEST_SECONDS = 2.0  # how long the starting request carries a run on before showing progress
JOB_SECONDS = 20.0  # how long one scheduler tick works on the runs in progress
MAX_CASES = 200_000  # one run's plan; a larger move is narrowed by status or step first
OUTCOMES = {
    "moved": MigrationRunCase.migrated.is_(True),
    "can_move": MigrationRunCase.migratable.is_(True),
    "blocked": MigrationRunCase.migratable.is_(False),
}


def start(
    factory: sessionmaker[Session],
    clock: Clock,
    actor: Actor,
    process_id: str,
    from_version: int,
    to_version: int,
    *,
    statuses: list[str] | None = None,
    elements: list[str] | None = None,
    case_ids: list[int] | None = None,
    dry_run: bool = True,
    undo_of: int | None = None,
) -> int:
    """Plan a run over the running cases of `from_version` (all, or those of some statuses,
    steps or ids) and store it; nothing moves yet. Returns the run's id."""
    check_may_design(actor)
    if from_version == to_version:
        raise ValidationFailed.one(
            "to", "รุ่นต้นทางและปลายทางต้องต่างกัน", "The two versions must differ."
        )
    now = clock()
    with factory.begin() as session:
        old = versions.find(session, process_id, from_version)
        new = versions.find(session, process_id, to_version)
        planned = moving.plan_cases(
            session,
            process_id,
            old.id,
            new.id,
            case_ids=case_ids,
            statuses=statuses,
            elements=elements,
        )
        if len(planned) > MAX_CASES:
            raise ValidationFailed.one(
                "status",
                f"เลือกเรื่องไว้ {len(planned):,} เรื่อง เกิน {MAX_CASES:,} เรื่องต่อครั้ง "
                "โปรดเลือกเฉพาะสถานะหรือขั้นตอน",
                f"{len(planned):,} cases chosen, over {MAX_CASES:,} per run: "
                "narrow by status or step.",
            )
        run = MigrationRun(
            process_id=process_id,
            from_version=from_version,
            to_version=to_version,
            from_definition_id=old.id,
            to_definition_id=new.id,
            dry_run=dry_run,
            filters={"statuses": statuses or [], "elements": elements or []},
            case_ids=planned,
            position=0,
            migratable=0,
            blocked=0,
            migrated=0,
            state="running" if planned else "done",
            undo_of=undo_of,
            created_by=actor.label,
            created_at=now,
            updated_at=now,
            finished_at=None if planned else now,
        )
        session.add(run)
        session.flush()
        if not dry_run:
            journal.record(
                session,
                None,
                actor,
                "process_migration_started",
                now,
                detail={
                    "process_id": process_id,
                    "from_version": from_version,
                    "to_version": to_version,
                    "run": run.id,
                    "cases": len(planned),
                    "undo_of": undo_of,
                },
            )
        return run.id


def move_checked(
    factory: sessionmaker[Session], clock: Clock, actor: Actor, dry_run_id: int
) -> int:
    """Move the cases a finished dry run found movable (exactly those, not what has arrived
    since). Returns the new run's id."""
    check_may_design(actor)
    with factory() as session:
        dry = _run(session, dry_run_id)
        if not dry.dry_run or dry.state != "done":
            raise Conflict(
                "Only a finished dry run can be carried out.",
                "ย้ายได้เฉพาะจากผลการทดลองที่เสร็จแล้ว",
            )
        movable = list(
            session.scalars(
                select(MigrationRunCase.case_id)
                .where(MigrationRunCase.run_id == dry.id, MigrationRunCase.migratable.is_(True))
                .order_by(MigrationRunCase.case_id)
            )
        )
        if not movable:
            raise Conflict("The dry run found no case to move.", "ผลการทดลองไม่มีเรื่องที่ย้ายได้")
        args = (dry.process_id, dry.from_version, dry.to_version)
        undo_of = dry.undo_of
    return start(factory, clock, actor, *args, case_ids=movable, dry_run=False, undo_of=undo_of)


def undo(factory: sessionmaker[Session], clock: Clock, actor: Actor, run_id: int) -> int:
    """A dry run taking the cases a finished move moved back to the version they came from."""
    check_may_design(actor)
    with factory() as session:
        run = _run(session, run_id)
        if run.dry_run or run.state == "running":
            raise Conflict(
                "Only a move that has finished can be taken back.",
                "ย้ายกลับได้เฉพาะการย้ายที่เสร็จแล้ว",
            )
        moved = list(
            session.scalars(
                select(MigrationRunCase.case_id)
                .where(MigrationRunCase.run_id == run.id, MigrationRunCase.migrated.is_(True))
                .order_by(MigrationRunCase.case_id)
            )
        )
        if not moved:
            raise Conflict("That run moved no case.", "การย้ายครั้งนั้นไม่ได้ย้ายเรื่องใด")
        args = (run.process_id, run.to_version, run.from_version)
    return start(factory, clock, actor, *args, case_ids=moved, dry_run=True, undo_of=run_id)


def cancel(factory: sessionmaker[Session], clock: Clock, actor: Actor, run_id: int) -> None:
    """Stop a run after the batch in progress; what it moved stays moved (and can be undone)."""
    check_may_design(actor)
    with factory.begin() as session:
        run = _run(session, run_id, lock=True)
        if run.state != "running":
            raise Conflict("The run has already ended.", "การย้ายครั้งนี้สิ้นสุดไปแล้ว")
        _finish(session, run, clock(), actor, "cancelled")


def step(
    factory: sessionmaker[Session], clock: Clock, run_id: int, actor: Actor | None = None
) -> bool:
    """Check or move the run's next batch; True while cases remain. Without `actor` (the
    scheduler) the run goes on as the designer who started it, while they still may."""
    with factory.begin() as session:
        run = session.scalars(
            select(MigrationRun).where(MigrationRun.id == run_id).with_for_update()
        ).first()
        if run is None or run.state != "running":
            return False
        now = clock()
        who = actor or _starter(session, run.created_by)
        if who is None:
            _finish(session, run, now, Actor.system("scheduler"), "cancelled")
            return False
        old, new = moving.versions_of(
            session, run.process_id, run.from_definition_id, run.to_definition_id
        )
        batch = run.case_ids[run.position : run.position + BATCH]
        entries = moving.move_batch(session, clock, who, old, new, batch, run.dry_run)
        session.add_all(
            MigrationRunCase(
                run_id=run.id,
                case_id=int(e["case_id"]),  # type: ignore[call-overload]
                migratable=bool(e["migratable"]),
                migrated=bool(e["migrated"]),
                elements=list(e["elements"]),  # type: ignore[call-overload]
                reasons=list(e["reasons"]),  # type: ignore[call-overload]
                reasons_th=list(e["reasons_th"]),  # type: ignore[call-overload]
            )
            for e in entries
        )
        run.position += len(batch)
        run.migratable += sum(1 for e in entries if e["migratable"])
        run.blocked += sum(1 for e in entries if not e["migratable"])
        run.migrated += sum(1 for e in entries if e["migrated"])
        run.updated_at = now
        if run.position >= len(run.case_ids):
            _finish(session, run, now, who, "done")
            return False
        return True


def carry_on(
    factory: sessionmaker[Session],
    clock: Clock,
    run_id: int,
    actor: Actor | None = None,
    seconds: float = REQUEST_SECONDS,
    timer: Callable[[], float] = time.monotonic,
) -> bool:
    """Batches of one run for up to `seconds` of work (at least one); True while cases remain."""
    deadline = timer() + seconds
    more = step(factory, clock, run_id, actor)
    while more and timer() < deadline:
        more = step(factory, clock, run_id, actor)
    return more


def run_pending(factory: sessionmaker[Session], clock: Clock) -> dict[str, int]:
    """The scheduler's job: carry on every run in progress, oldest first, within a time budget."""
    with factory() as session:
        running = list(
            session.scalars(
                select(MigrationRun.id)
                .where(MigrationRun.state == "running")
                .order_by(MigrationRun.id)
            )
        )
    deadline = time.monotonic() + JOB_SECONDS
    finished = 0
    for run_id in running:
        if time.monotonic() >= deadline:
            break
        try:
            if not carry_on(factory, clock, run_id, seconds=deadline - time.monotonic()):
                finished += 1
        except Exception:  # its batch rolled back whole; the next tick tries again
            log.exception("migration run %s: a batch failed", run_id)
    return {"running": len(running), "finished": finished}


def summary(session: Session, actor: Actor, run_id: int) -> dict:
    """A run as the progress page shows it."""
    check_may_design(actor)
    run = _run(session, run_id)
    total = len(run.case_ids)
    return {
        "id": run.id,
        "process_id": run.process_id,
        "from_version": run.from_version,
        "to_version": run.to_version,
        "dry_run": run.dry_run,
        "filters": run.filters,
        "total": total,
        "done": run.position,
        "percent": 100 if total == 0 else int(100 * run.position / total),
        "migratable": run.migratable,
        "blocked": run.blocked,
        "migrated": run.migrated,
        "state": run.state,
        "undo_of": run.undo_of,
        "created_by": run.created_by,
        "created_at": run.created_at,
        "updated_at": run.updated_at,
        "finished_at": run.finished_at,
    }


def outcomes(
    session: Session,
    actor: Actor,
    run_id: int,
    *,
    only: str | None = None,
    page: int = 1,
    per_page: int = 100,
) -> tuple[list[MigrationRunCase], int]:
    """One page of a run's outcomes in case order, optionally only moved / can_move / blocked;
    and how many there are in all."""
    check_may_design(actor)
    _run(session, run_id)
    query = select(MigrationRunCase).where(MigrationRunCase.run_id == run_id)
    if only is not None:
        if only not in OUTCOMES:
            raise ValidationFailed.one("only", "ไม่มีตัวกรองนี้", "There is no such filter.")
        query = query.where(OUTCOMES[only])
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(MigrationRunCase.case_id).offset((page - 1) * per_page).limit(per_page)
    )
    return list(rows), total


def where_now(session: Session, case_ids: list[int]) -> dict[int, dict]:
    """Where each case stands now: its status and the steps its open tasks wait at (names only,
    no case text: designers do not read cases)."""
    found: dict[int, dict] = {
        case_id: {"status": status, "steps": []}
        for case_id, status in session.execute(
            select(Case.id, Case.status).where(Case.id.in_(case_ids))
        ).tuples()
    }
    rows = session.execute(
        select(Task.case_id, Task.step, Task.name_th, Task.name_en)
        .where(Task.case_id.in_(case_ids))
        .order_by(Task.id)
    ).tuples()
    for case_id, step_id, name_th, name_en in rows:
        found[case_id]["steps"].append({"id": step_id, "name_th": name_th, "name_en": name_en})
    return found


def recent(session: Session, actor: Actor, process_id: str, limit: int = 20) -> list[dict]:
    """A process's latest runs, newest first."""
    check_may_design(actor)
    ids = session.scalars(
        select(MigrationRun.id)
        .where(MigrationRun.process_id == process_id)
        .order_by(MigrationRun.id.desc())
        .limit(limit)
    )
    return [summary(session, actor, run_id) for run_id in ids]


def _run(session: Session, run_id: int, *, lock: bool = False) -> MigrationRun:
    query = select(MigrationRun).where(MigrationRun.id == run_id)
    run = session.scalars(query.with_for_update() if lock else query).first()
    if run is None:
        raise NotFound(f"There is no migration run {run_id}.", f"ไม่พบการย้ายรุ่นครั้งที่ {run_id}")
    return run


def _starter(session: Session, username: str) -> Actor | None:
    """The designer who started a run, while they are active and still design."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        return None
    actor = Actor.for_user(user)
    return actor if actor.has("designer") or actor.has("admin") else None


def _finish(session: Session, run: MigrationRun, now: datetime, actor: Actor, state: str) -> None:
    run.state, run.finished_at, run.updated_at = state, now, now
    if run.dry_run:
        return
    journal.record(
        session,
        None,
        actor,
        "process_migration",
        now,
        detail={
            "process_id": run.process_id,
            "from_version": run.from_version,
            "to_version": run.to_version,
            "run": run.id,
            "cases": run.position,
            "migrated": run.migrated,
            "state": state,
            "undo_of": run.undo_of,
        },
    )
