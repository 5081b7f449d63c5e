"""Rate limits kept in the database, so every web process shares them.

Two kinds: a fixed window that refuses the request past `limit` hits (`hit`), and a guess
limiter that lets a few failures pass and then makes each further one wait twice as long
(`check_guessing` before the attempt, `record_wrong_guess` after a failed one).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import case, delete, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from engine.clock import Clock
from engine.db import is_sqlite
from engine.errors import RateLimited
from engine.models import RateLimit
from engine.models.base import UTCDateTime

FREE_GUESSES = 5  # typos happen; the sixth wrong guess within the window starts the waiting
GUESS_WINDOW = timedelta(hours=1)
LONGEST_WAIT_S = 3600


def _seconds_until(later: datetime, now: datetime) -> int:
    return max(1, math.ceil((later - now).total_seconds()))


def _count(session: Session, key: str, now: datetime, window: timedelta) -> tuple[int, datetime]:
    """Add one hit to a counter in one atomic upsert; a counter older than `window` restarts."""
    stale = RateLimit.window_started_at <= literal(now - window, UTCDateTime())
    insert = sqlite_insert if is_sqlite(session) else pg_insert
    statement = insert(RateLimit).values(key=key, hits=1, window_started_at=now)
    statement = statement.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "hits": case((stale, 1), else_=RateLimit.hits + 1),
            "window_started_at": case(
                (stale, literal(now, UTCDateTime())), else_=RateLimit.window_started_at
            ),
        },
    ).returning(RateLimit.hits, RateLimit.window_started_at)
    hits, started = session.execute(statement).one()
    return int(hits), started


def hit(session: Session, key: str, now: datetime, limit: int, window: timedelta) -> None:
    """Count one request against `key`; RateLimited once more than `limit` fell in the window."""
    hits, started = _count(session, key, now, window)
    if hits > limit:
        raise RateLimited(_seconds_until(started + window, now))


def check_guessing(session: Session, key: str, now: datetime) -> None:
    """RateLimited while `key` (an address) must still wait after its last wrong guess."""
    blocked_until = session.scalar(select(RateLimit.blocked_until).where(RateLimit.key == key))
    if blocked_until is not None and blocked_until > now:
        raise RateLimited(_seconds_until(blocked_until, now))


def record_wrong_guess(session: Session, key: str, now: datetime) -> int:
    """Count a wrong guess; past the free ones, block for 1, 2, 4 … s (at most an hour)."""
    failures, _started = _count(session, key, now, GUESS_WINDOW)
    if failures > FREE_GUESSES:
        wait = min(2 ** (failures - FREE_GUESSES - 1), LONGEST_WAIT_S)
        session.execute(
            update(RateLimit)
            .where(RateLimit.key == key)
            .values(blocked_until=now + timedelta(seconds=wait))
        )
    return failures


def prune(session: Session, now: datetime, older_than: timedelta = GUESS_WINDOW) -> int:
    """Delete counters whose window and block are both over; returns how many went."""
    cutoff = now - older_than
    result = session.execute(
        delete(RateLimit).where(
            RateLimit.window_started_at < cutoff,
            (RateLimit.blocked_until.is_(None)) | (RateLimit.blocked_until < now),
        )
    )
    return int(result.rowcount or 0)


def prune_rate_limits(factory: sessionmaker[Session], clock: Clock) -> int:
    """The scheduler's job: drop counters nobody needs any more (in its own transaction)."""
    with factory.begin() as session:
        return prune(session, clock())
