"""Rate limits kept in the database, so every web process shares them.

Two kinds: a fixed window that refuses the request past `limit` hits (`hit`), and a guess
limiter that lets a few failures pass and then makes each further one wait twice as long.
`check_guessing` claims one attempt in a single atomic upsert, counting it as wrong in advance,
so concurrent guesses cannot all pass a check that none of them has counted yet; a right guess
gives its count back (`forgive_guess`). `record_wrong_guess` counts a failure found without a
claim.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, literal, or_, select, update
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


@dataclass(frozen=True)
class Guess:
    """One claimed attempt at a secret: its counter, and the block it started (if any)."""

    key: str
    blocked_until: datetime | None


def _upsert(session: Session, key: str, now: datetime, open_only: bool):  # type: ignore[no-untyped-def]
    """The counting upsert; with `open_only` a blocked counter is left alone (no row returned)."""
    stale = RateLimit.window_started_at <= literal(now - GUESS_WINDOW, UTCDateTime())
    insert = sqlite_insert if is_sqlite(session) else pg_insert
    statement = insert(RateLimit).values(key=key, hits=1, window_started_at=now)
    is_open = or_(
        RateLimit.blocked_until.is_(None),
        RateLimit.blocked_until <= literal(now, UTCDateTime()),
    )
    return statement.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "hits": case((stale, 1), else_=RateLimit.hits + 1),
            "window_started_at": case(
                (stale, literal(now, UTCDateTime())), else_=RateLimit.window_started_at
            ),
        },
        where=is_open if open_only else None,
    ).returning(RateLimit.hits)


def _block_after(session: Session, key: str, now: datetime, failures: int) -> datetime | None:
    """Past the free guesses, block `key` for 1, 2, 4 … s (at most an hour); the block set."""
    if failures <= FREE_GUESSES:
        return None
    wait = min(2 ** min(failures - FREE_GUESSES - 1, 12), LONGEST_WAIT_S)
    until = now + timedelta(seconds=wait)
    session.execute(update(RateLimit).where(RateLimit.key == key).values(blocked_until=until))
    return until


def check_guessing(session: Session, key: str, now: datetime) -> Guess:
    """Claim one guess for `key` in one upsert (counted as wrong until forgiven); RateLimited."""
    failures = session.scalar(_upsert(session, key, now, open_only=True))
    if failures is None:  # blocked: the row was left as it was
        blocked_until = session.scalar(select(RateLimit.blocked_until).where(RateLimit.key == key))
        raise RateLimited(_seconds_until(blocked_until or now, now))
    return Guess(key, _block_after(session, key, now, int(failures)))


def forgive_guess(session: Session, guess: Guess) -> None:
    """A right guess: give its count back and lift the block it started (if still its own)."""
    values: dict = {"hits": case((RateLimit.hits > 0, RateLimit.hits - 1), else_=0)}
    if guess.blocked_until is not None:
        ours = RateLimit.blocked_until == literal(guess.blocked_until, UTCDateTime())
        values["blocked_until"] = case((ours, None), else_=RateLimit.blocked_until)
    session.execute(update(RateLimit).where(RateLimit.key == guess.key).values(**values))


def record_wrong_guess(session: Session, key: str, now: datetime) -> int:
    """Count a wrong guess found without a claim; past the free ones, block (doubling)."""
    failures = int(session.scalar(_upsert(session, key, now, open_only=False)))
    _block_after(session, key, now, failures)
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
