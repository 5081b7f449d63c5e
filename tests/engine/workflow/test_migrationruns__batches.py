"""Migration runs: a dry run, then the move of exactly what it found movable, batch by batch with
progress, carried on by the scheduler's job, undone by moving back; a failed batch loses nothing
committed, two workers never count a batch twice, and only designers and admins may run one."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from damrong.jobs import job_list
from engine.access.rules import Actor
from engine.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from engine.models import (
    AuditEvent,
    MigrationRun,
    MigrationRunCase,
    ProcessDefinition,
    User,
    WorkflowInstance,
)
from engine.workflow import definitions, migrationruns, moving, versions
from tests.conftest import make_user
from tests.engine.helpers import open_case

RENAMED = ('name="กลั่นกรองเรื่อง"', 'name="กลั่นกรองเรื่องร้องเรียน"')


@pytest.fixture
def designer(factory) -> Actor:  # type: ignore[no-untyped-def]
    with factory.begin() as session:
        make_user(session, "designer_m", "central", ["designer"])
    with factory() as session:
        return Actor.for_user(session.scalar(select(User).where(User.username == "designer_m")))


@pytest.fixture
def small_batches(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(migrationruns, "BATCH", 2)


def _v2(factory, clock) -> None:  # type: ignore[no-untyped-def]
    files = dict(dict(definitions.shipped_bundles())["complaint"])
    files["complaint.bpmn"] = files["complaint.bpmn"].replace(*RENAMED, 1)
    with factory.begin() as session:
        versions.deploy(session, clock(), files, "complaint", "designer_m")


def _cases(factory, clock, staff, n: int) -> list[int]:  # type: ignore[no-untyped-def]
    return [open_case(factory, clock, staff["intake"])[0] for _ in range(n)]


def _on(factory, case_ids: list[int]) -> dict[int, int]:  # type: ignore[no-untyped-def]
    with factory() as session:
        rows = session.execute(
            select(WorkflowInstance.case_id, ProcessDefinition.version)
            .join(ProcessDefinition, ProcessDefinition.id == WorkflowInstance.definition_id)
            .where(WorkflowInstance.case_id.in_(case_ids))
        )
        return dict(rows.tuples().all())


def _summary(factory, actor, run_id: int) -> dict:  # type: ignore[no-untyped-def]
    with factory() as session:
        return migrationruns.summary(session, actor, run_id)


def test_a_dry_run_then_the_move_go_batch_by_batch_with_progress_and_can_be_undone(
    factory, clock, staff, designer, small_batches
):
    case_ids = _cases(factory, clock, staff, 5)
    _v2(factory, clock)
    dry = migrationruns.start(factory, clock, designer, "complaint", 1, 2)
    assert _summary(factory, designer, dry)["done"] == 0
    assert migrationruns.step(factory, clock, dry, designer) is True
    halfway = _summary(factory, designer, dry)
    assert (halfway["done"], halfway["total"], halfway["percent"], halfway["state"]) == (
        2,
        5,
        40,
        "running",
    )
    while migrationruns.step(factory, clock, dry, designer):
        pass
    done = _summary(factory, designer, dry)
    assert (done["state"], done["migratable"], done["blocked"]) == ("done", 5, 0)
    assert set(_on(factory, case_ids).values()) == {1}, "a dry run moves nothing"

    late = _cases(factory, clock, staff, 1)  # opened after the dry run: not in the move
    with factory.begin() as session:  # it started on v2 (live): put it on v1 like the others
        instance = session.get(WorkflowInstance, late[0])
        instance.definition_id = session.scalar(
            select(ProcessDefinition.id).where(
                ProcessDefinition.process_id == "complaint", ProcessDefinition.version == 1
            )
        )
    move = migrationruns.move_checked(factory, clock, designer, dry)
    assert migrationruns.carry_on(factory, clock, move, designer, seconds=60) is False
    moved = _summary(factory, designer, move)
    assert (moved["state"], moved["migrated"], moved["total"]) == ("done", 5, 5)
    assert _on(factory, case_ids) == dict.fromkeys(case_ids, 2)
    assert _on(factory, late) == {late[0]: 1}, "only what the dry run checked moves"
    with factory() as session:
        rows, total = migrationruns.outcomes(session, designer, move, only="moved", per_page=2)
        assert total == 5 and [r.case_id for r in rows] == sorted(case_ids)[:2]
        page3, _ = migrationruns.outcomes(session, designer, move, page=3, per_page=2)
        assert [r.case_id for r in page3] == sorted(case_ids)[4:]
        audited = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "process_migration")
        ).all()
        assert [(e.detail["run"], e.detail["migrated"]) for e in audited] == [(move, 5)]

    back = migrationruns.undo(factory, clock, designer, move)
    migrationruns.carry_on(factory, clock, back, designer, seconds=60)
    assert _summary(factory, designer, back)["migratable"] == 5
    again = migrationruns.move_checked(factory, clock, designer, back)
    migrationruns.carry_on(factory, clock, again, designer, seconds=60)
    assert _on(factory, case_ids) == dict.fromkeys(case_ids, 1)
    assert _summary(factory, designer, again)["undo_of"] == move


def test_the_scheduler_finishes_a_run_as_the_designer_who_started_it(
    factory, clock, staff, designer, small_batches
):
    case_ids = _cases(factory, clock, staff, 3)
    _v2(factory, clock)
    dry = migrationruns.start(factory, clock, designer, "complaint", 1, 2)
    migrationruns.carry_on(factory, clock, dry, designer, seconds=60)
    move = migrationruns.move_checked(factory, clock, designer, dry)
    job = next(j for j in job_list(30) if j.name == "migration_runs")
    assert job.run(factory, clock) == {"running": 1, "finished": 1}
    assert _on(factory, case_ids) == dict.fromkeys(case_ids, 2)
    with factory() as session:
        actors = set(
            session.scalars(
                select(AuditEvent.actor_label).where(
                    AuditEvent.action == "process_migrated", AuditEvent.case_id.in_(case_ids)
                )
            )
        )
    assert actors == {"designer_m"}
    assert _summary(factory, designer, move)["state"] == "done"


def test_a_run_whose_designer_left_stops_instead_of_moving_on_their_behalf(
    factory, clock, staff, designer, small_batches
):
    case_ids = _cases(factory, clock, staff, 4)
    _v2(factory, clock)
    dry = migrationruns.start(factory, clock, designer, "complaint", 1, 2)
    migrationruns.carry_on(factory, clock, dry, designer, seconds=60)
    move = migrationruns.move_checked(factory, clock, designer, dry)
    migrationruns.step(factory, clock, move, designer)  # two moved
    with factory.begin() as session:
        session.scalar(select(User).where(User.username == "designer_m")).active = False
    migrationruns.run_pending(factory, clock)
    stopped = _summary(factory, designer, move)
    assert (stopped["state"], stopped["migrated"]) == ("cancelled", 2)
    assert sorted(_on(factory, case_ids).values()) == [1, 1, 2, 2]


def test_a_batch_that_fails_to_commit_loses_nothing_and_is_done_again(
    factory, clock, staff, designer, small_batches, monkeypatch
):
    case_ids = _cases(factory, clock, staff, 4)
    _v2(factory, clock)
    dry = migrationruns.start(factory, clock, designer, "complaint", 1, 2)
    migrationruns.carry_on(factory, clock, dry, designer, seconds=60)
    move = migrationruns.move_checked(factory, clock, designer, dry)
    migrationruns.step(factory, clock, move, designer)
    real = moving.move_batch

    def crash_after_moving(*args, **kwargs):  # type: ignore[no-untyped-def]
        real(*args, **kwargs)
        raise RuntimeError("the server died mid-batch")

    monkeypatch.setattr(moving, "move_batch", crash_after_moving)
    with pytest.raises(RuntimeError):
        migrationruns.step(factory, clock, move, designer)
    assert sorted(_on(factory, case_ids).values()) == [1, 1, 2, 2], "the last committed state"
    assert _summary(factory, designer, move)["done"] == 2
    monkeypatch.setattr(moving, "move_batch", real)
    migrationruns.carry_on(factory, clock, move, designer, seconds=60)
    finished = _summary(factory, designer, move)
    assert (finished["migrated"], finished["blocked"]) == (4, 0)
    with factory() as session:
        assert session.scalar(select(func.count()).where(MigrationRunCase.run_id == move)) == 4


def test_two_workers_never_do_one_batch_twice(
    factory, clock, staff, designer, small_batches, database_url
):
    if database_url.startswith("sqlite"):
        pytest.skip("needs PostgreSQL: SQLite lets one writer in at a time, so batches never race")
    case_ids = _cases(factory, clock, staff, 6)
    _v2(factory, clock)
    dry = migrationruns.start(factory, clock, designer, "complaint", 1, 2)
    migrationruns.carry_on(factory, clock, dry, designer, seconds=60)
    move = migrationruns.move_checked(factory, clock, designer, dry)
    errors: list[Exception] = []

    def work() -> None:
        try:
            while migrationruns.step(factory, clock, move, designer):
                pass
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    done = _summary(factory, designer, move)
    assert (done["done"], done["migrated"], done["blocked"]) == (6, 6, 0)
    assert _on(factory, case_ids) == dict.fromkeys(case_ids, 2)


def test_only_designers_and_admins_run_migrations_and_bad_requests_change_nothing(
    factory, clock, staff, designer
):
    _cases(factory, clock, staff, 1)
    _v2(factory, clock)
    with pytest.raises(PermissionDenied):
        migrationruns.start(factory, clock, staff["supervisor"], "complaint", 1, 2)
    with pytest.raises(ValidationFailed):
        migrationruns.start(factory, clock, designer, "complaint", 2, 2)
    with pytest.raises(NotFound):
        migrationruns.start(factory, clock, designer, "complaint", 1, 9)
    dry = migrationruns.start(factory, clock, designer, "complaint", 1, 2)
    with pytest.raises(Conflict):  # not finished yet
        migrationruns.move_checked(factory, clock, designer, dry)
    with pytest.raises(Conflict):  # a dry run is not a move to undo
        migrationruns.undo(factory, clock, designer, dry)
    with pytest.raises(PermissionDenied):
        migrationruns.cancel(factory, clock, staff["supervisor"], dry)
    with factory() as session, pytest.raises(PermissionDenied):
        migrationruns.summary(session, staff["supervisor"], dry)
    with factory() as session, pytest.raises(ValidationFailed):
        migrationruns.outcomes(session, designer, dry, only="everything")
    migrationruns.cancel(factory, clock, designer, dry)
    with pytest.raises(Conflict):
        migrationruns.cancel(factory, clock, designer, dry)
    with factory() as session:
        assert session.get(MigrationRun, dry).state == "cancelled"
        assert session.scalar(select(func.count()).select_from(MigrationRunCase)) == 0
