"""Staff sessions kept on the server: started at sign-in, ended by sign-out, a password change,
deactivation, the idle timeout or the absolute lifetime.

The browser's cookie carries only a random id; the table keeps its SHA-256, so a copy of the
database opens no session. A form posted just after the idle timeout is kept on the ended
session until the same official signs in again from the same browser.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from engine.access import signin
from engine.clock import Clock
from engine.db import require_transaction
from engine.models import StaffSession, User

TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often
KEEP_ENDED = timedelta(days=7)  # ended sessions are pruned after this


@dataclass(frozen=True)
class Lifetime:
    """How long a session lasts: unused (idle) and at most (absolute)."""

    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=12)


@dataclass(frozen=True)
class Resumed:
    """What a request's session id leads to: the user while it lasts, else why it ended."""

    user: User | None
    row: StaffSession | None
    ended: str | None = None  # idle, expired, signed_out, password_changed, deactivated


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def start(session: Session, now: datetime, user: User) -> str:
    """A new session for a user who just proved who they are; returns the cookie's random id."""
    require_transaction(session)
    token = secrets.token_urlsafe(32)
    session.add(
        StaffSession(token_hash=_digest(token), user_id=user.id, created_at=now, last_seen_at=now)
    )
    session.flush()
    return token


def find(session: Session, token: str | None) -> StaffSession | None:
    """The session row behind a cookie's id, ended or not."""
    if not token or len(token) > 100:
        return None
    return session.scalar(select(StaffSession).where(StaffSession.token_hash == _digest(token)))


def _why_ended(row: StaffSession, user: User | None, now: datetime, life: Lifetime) -> str | None:
    if row.ended_at is not None:
        return row.end_reason or "signed_out"
    if user is None or not user.active:
        return "deactivated"
    if now >= row.created_at + life.absolute:
        return "expired"
    if now >= row.last_seen_at + life.idle:
        return "idle"
    return None


def resume(session: Session, now: datetime, token: str | None, life: Lifetime) -> Resumed:
    """The official behind a cookie's id while the session lasts, else why it ended (reads only)."""
    row = find(session, token)
    if row is None:
        return Resumed(None, None)
    user = session.get(User, row.user_id)
    reason = _why_ended(row, user, now, life)
    return Resumed(None if reason else user, row, reason)


def needs_writing(resumed: Resumed, now: datetime) -> bool:
    """Whether `record` has something to write: an end to note, or a touch due."""
    row = resumed.row
    if row is None:
        return False
    if resumed.ended is not None:
        return row.ended_at is None
    return now - row.last_seen_at >= TOUCH_EVERY


def record(session: Session, now: datetime, row_id: int, ended: str | None) -> None:
    """Note that a session ran out (idle, expired, deactivated), or that it was just used."""
    require_transaction(session)
    if ended is not None:
        statement = update(StaffSession).where(
            StaffSession.id == row_id, StaffSession.ended_at.is_(None)
        )
        session.execute(statement.values(ended_at=now, end_reason=ended))
    else:
        statement = update(StaffSession).where(StaffSession.id == row_id)
        session.execute(statement.values(last_seen_at=now))


def end(session: Session, now: datetime, token: str | None, reason: str = "signed_out") -> None:
    """End the session behind this id (signing out); an unknown id changes nothing."""
    row = find(session, token)
    if row is not None and row.ended_at is None:
        row.ended_at, row.end_reason = now, reason
        session.flush()


def end_all(session: Session, now: datetime, user_id: int, reason: str) -> int:
    """End every open session of a user (password changed, deactivated); returns how many."""
    result = session.execute(
        update(StaffSession)
        .where(StaffSession.user_id == user_id, StaffSession.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason)
    )
    return result.rowcount or 0


def keep_form(session: Session, row_id: int, path: str, fields: dict[str, list[str]]) -> None:
    """Keep a form posted after the idle timeout, for the same official's next sign-in."""
    require_transaction(session)
    statement = update(StaffSession).where(StaffSession.id == row_id)
    session.execute(statement.values(pending_path=path[:200], pending_form=fields))


def take_form(
    session: Session, token: str | None, user_id: int
) -> tuple[str, dict[str, list[str]]] | None:
    """The form kept on this browser's ended session, if it was this user's; kept only once."""
    row = find(session, token)
    if row is None or row.user_id != user_id or not row.pending_form or not row.pending_path:
        return None
    kept = (row.pending_path, dict(row.pending_form))
    row.pending_path = row.pending_form = None
    session.flush()
    return kept


def prune(session: Session, now: datetime) -> int:
    """Delete sessions ended (or idle) over a week ago, with any form they kept."""
    cutoff = now - KEEP_ENDED
    result = session.execute(
        delete(StaffSession).where(
            (StaffSession.ended_at < cutoff) | (StaffSession.last_seen_at < cutoff)
        )
    )
    return result.rowcount or 0


def prune_sign_in_records(factory: sessionmaker[Session], clock: Clock) -> int:
    """The scheduler's job: drop long-ended staff sessions and forgotten sign-in delays."""
    with factory.begin() as session:
        now = clock()
        return prune(session, now) + signin.prune(session, now)
