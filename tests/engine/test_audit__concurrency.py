"""Parallel writers keep the audit chains whole: no two transactions take the same previous
hash (real sessions on threads; run with DAMRONG_TEST_DATABASE_URL for PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import select

from engine import audit, journal
from engine.cases import intake
from engine.models import AuditEvent, Case
from open311 import keys
from tests.engine.helpers import open_case

THREADS, ROUNDS = 6, 4


def run_together(work: Callable[[int, int], None]) -> None:
    """Start every writer at once; fail the test with the first writer's error."""
    barrier, errors = threading.Barrier(THREADS), []

    def writer(number: int) -> None:
        try:
            barrier.wait(timeout=30)
            for round_ in range(ROUNDS):
                work(number, round_)
        except Exception as exc:  # a writer's failure must fail the test, not vanish
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []


def links(factory, case_id: int | None) -> list[tuple[int, str, str]]:  # type: ignore[no-untyped-def]
    where = AuditEvent.case_id.is_(None) if case_id is None else AuditEvent.case_id == case_id
    with factory() as session:
        rows = session.execute(
            select(AuditEvent.chain_seq, AuditEvent.prev_hash, AuditEvent.hash)
            .where(where)
            .order_by(AuditEvent.chain_seq)
        ).all()
    return [tuple(row) for row in rows]


def assert_whole(factory, case_id: int | None, expected: int) -> None:  # type: ignore[no-untyped-def]
    chain = links(factory, case_id)
    assert [seq for seq, _, _ in chain] == list(range(1, expected + 1))
    prevs = [prev for _, prev, _ in chain]
    assert len(set(prevs)) == len(prevs)  # no two events took the same previous hash
    assert prevs[1:] == [own for _, _, own in chain[:-1]]


def test_writers_without_a_case_lock_still_take_turns_at_each_head(factory, clock, staff):
    case_id, *_ = open_case(factory, clock, staff["intake"])
    opened = len(links(factory, case_id))

    def work(number: int, round_: int) -> None:
        with factory.begin() as session:
            case = session.get(Case, case_id)  # deliberately not locked: the head's lock suffices
            detail = {"writer": number, "round": round_}
            journal.record(session, case, staff["screener"], "probe", clock(), detail=detail)
            # the global chain has no head yet: the first writers race to create it
            journal.record(session, None, staff["admin"], "probe", clock(), detail=detail)
            journal.record(session, case, staff["screener"], "probe_again", clock())

    run_together(work)
    assert_whole(factory, case_id, opened + 2 * THREADS * ROUNDS)
    assert_whole(factory, None, THREADS * ROUNDS)
    with factory() as session:
        assert audit.verify(session).ok


def test_services_writing_one_case_and_administration_in_parallel_keep_the_chains(
    factory, clock, staff
):
    case_id, *_ = open_case(factory, clock, staff["intake"])
    opened = len(links(factory, case_id))

    def work(number: int, round_: int) -> None:
        with factory.begin() as session:
            intake.add_comment(
                session, clock, staff["screener"], case_id, f"ติดตาม {number}.{round_}"
            )
        with factory.begin() as session:
            keys.issue_key(session, clock(), f"app-{number}-{round_}")

    run_together(work)
    assert_whole(factory, case_id, opened + THREADS * ROUNDS)
    assert_whole(factory, None, THREADS * ROUNDS)
    with factory() as session:
        assert audit.verify(session).ok


def test_verify_sees_one_snapshot_while_writers_append(factory, clock, staff):
    case_id, *_ = open_case(factory, clock, staff["intake"])
    done, errors = threading.Event(), []

    def keep_writing() -> None:
        try:
            while not done.is_set():
                with factory.begin() as session:
                    case = session.get(Case, case_id)
                    journal.record(session, case, staff["screener"], "probe", clock())
                    journal.record(session, None, staff["admin"], "probe", clock())
        except Exception as exc:  # a writer's failure must fail the test, not vanish
            errors.append(exc)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        reports = []
        for _ in range(8):
            with factory() as session:
                reports.append(audit.verify(session))
    finally:
        done.set()
        writer.join(timeout=60)
    assert errors == []
    assert [r.findings for r in reports] == [[]] * len(reports)
    with factory() as session:  # the writer really wrote while verify read
        assert audit.verify(session).events > reports[0].events
