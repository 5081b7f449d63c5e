"""The timer sweep: fire what is due, one case per transaction, never twice."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.access.rules import Actor
from engine.clock import Clock
from engine.db import is_sqlite
from engine.models import Timer
from engine.statuses import FINAL_STATUSES
from engine.workflow import materialize, runner

log = logging.getLogger(__name__)
SCHEDULER = Actor.system("scheduler")


@dataclass(frozen=True)
class SweepResult:
    """What one sweep did."""

    fired: int
    failed: int


def due_case_ids(session: Session, clock: Clock, limit: int) -> list[int]:
    """Cases with a due timer; on PostgreSQL rows another sweeper holds are skipped."""
    now = clock()
    query = (
        select(Timer.case_id)
        .where(Timer.fire_at <= now)
        .where((Timer.next_attempt_at.is_(None)) | (Timer.next_attempt_at <= now))
        .order_by(Timer.fire_at)
        .limit(limit)
    )
    if not is_sqlite(session):
        query = query.with_for_update(skip_locked=True)
    return list(dict.fromkeys(session.scalars(query)))


def fire_case_timers(session: Session, clock: Clock, case_id: int) -> bool:
    """Advance one case whose timer is due; False if another sweep got there first."""
    case = runner.lock_case(session, case_id)
    still_due = session.scalar(
        select(Timer.id).where(Timer.case_id == case_id, Timer.fire_at <= clock()).limit(1)
    )
    if still_due is None:
        return False
    if case.status in FINAL_STATUSES:
        materialize.clear(session, case_id)  # a closed case's leftover timer does nothing
        return False
    runner.refresh(session, clock, SCHEDULER, case)
    return True


def fire_due_timers(factory: sessionmaker[Session], clock: Clock, limit: int = 500) -> SweepResult:
    """One sweep: each case in its own transaction; a failing case is noted and skipped."""
    with factory.begin() as session:
        case_ids = due_case_ids(session, clock, limit)
    fired = failed = 0
    for case_id in case_ids:
        try:
            with factory.begin() as session:
                fired += fire_case_timers(session, clock, case_id)
        except Exception as exc:  # one bad case is logged and skipped, never stops the sweep
            failed += 1
            log.exception("timer of case %s failed", case_id)
            _note_failure(factory, clock, case_id, exc)
    return SweepResult(fired, failed)


def _note_failure(factory: sessionmaker[Session], clock: Clock, case_id: int, exc: Exception):  # type: ignore[no-untyped-def]
    with factory.begin() as session:
        for timer in session.scalars(select(Timer).where(Timer.case_id == case_id)):
            timer.attempts += 1
            timer.last_error = str(exc)[:2000]
            backoff = min(2**timer.attempts, 3600)
            timer.next_attempt_at = clock() + timedelta(seconds=backoff)
