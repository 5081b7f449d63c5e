"""Signing in with growing delays instead of a lock-out that anyone could set off.

Failures are counted per address, per account and per account from one address. Past five
failures a key waits 2, 4, 8 … seconds, at most 15 minutes. The address is checked before any
password hash is computed. A busy account delays only the addresses that have failed on it, so
guesses from one address never keep the right password from another address out.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta

from sqlalchemy import case, delete, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from engine.access.accounts import check_password
from engine.db import is_sqlite, require_transaction
from engine.errors import SignInLocked, Unauthenticated
from engine.models import SignInDelay, User
from engine.models.base import UTCDateTime

FREE_FAILURES = 4  # the fifth failure starts the waiting: 2 s, then 4, 8 …
LONGEST_WAIT = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=1)  # a key with no failure for this long starts again at zero


def _hashed(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:40]


def keys(username: str, address: str | None) -> tuple[str, str, str]:
    """The address's, the account's and the account-from-this-address's keys."""
    name = (username or "").strip().casefold()
    where = (address or "unknown")[:60]
    return f"addr:{where}", f"acct:{_hashed(name)}", f"pair:{_hashed(name + chr(0) + where)}"


def wait_for(failures: int) -> timedelta:
    """How long a key waits after this many failures in a row."""
    if failures <= FREE_FAILURES:
        return timedelta(0)
    return min(timedelta(seconds=2 ** min(failures - FREE_FAILURES, 20)), LONGEST_WAIT)


def _delayed(until: datetime, now: datetime) -> SignInLocked:
    seconds = max(1, math.ceil((until - now).total_seconds()))
    wait = f"{seconds} วินาที" if seconds < 120 else f"{math.ceil(seconds / 60)} นาที"
    wait_en = f"{seconds} seconds" if seconds < 120 else f"{math.ceil(seconds / 60)} minutes"
    return SignInLocked(
        f"Too many wrong passwords: wait {wait_en} and try again.",
        f"ใส่รหัสผ่านผิดหลายครั้ง กรุณารอ {wait} แล้วลองใหม่",
        retry_after=seconds,
    )


def check_waiting(session: Session, now: datetime, username: str, address: str | None) -> None:
    """SignInLocked while this address (or this account, for an address that failed on it)
    must still wait; computes no password hash."""
    address_key, account_key, pair_key = keys(username, address)
    rows = {
        row.key: row
        for row in session.scalars(
            select(SignInDelay).where(SignInDelay.key.in_([address_key, account_key, pair_key]))
        )
    }
    waits = [rows[k].wait_until for k in (address_key, pair_key) if k in rows]
    account, pair = rows.get(account_key), rows.get(pair_key)
    if account is not None and pair is not None and now - pair.last_failure_at < FORGET_AFTER:
        waits.append(account.wait_until)  # a busy account slows only addresses that failed on it
    latest = max((w for w in waits if w is not None), default=None)
    if latest is not None and latest > now:
        raise _delayed(latest, now)


def _count(session: Session, key: str, now: datetime) -> None:
    """One more failure under a key (one atomic upsert), and its wait from now."""
    forgotten = SignInDelay.last_failure_at <= literal(now - FORGET_AFTER, UTCDateTime())
    insert = sqlite_insert if is_sqlite(session) else pg_insert
    statement = insert(SignInDelay).values(key=key, failures=1, last_failure_at=now)
    statement = statement.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "failures": case((forgotten, 1), else_=SignInDelay.failures + 1),
            "last_failure_at": literal(now, UTCDateTime()),
        },
    ).returning(SignInDelay.failures)
    failures = int(session.execute(statement).scalar_one())
    wait = wait_for(failures)
    if wait:
        session.execute(
            update(SignInDelay).where(SignInDelay.key == key).values(wait_until=now + wait)
        )


def sign_in(
    session: Session, now: datetime, username: str, password: str, address: str | None
) -> User:
    """The user with this name and password, unless this address must wait first."""
    require_transaction(session)
    name = (username or "").strip()[:64]
    check_waiting(session, now, name, address)
    try:
        user = check_password(session, name, password or "")
    except Unauthenticated:
        for key in keys(name, address):
            _count(session, key, now)
        raise
    _address_key, account_key, pair_key = keys(name, address)
    session.execute(delete(SignInDelay).where(SignInDelay.key.in_([account_key, pair_key])))
    return user


def prune(session: Session, now: datetime) -> int:
    """Delete keys with no failure for FORGET_AFTER; returns how many went."""
    stale = SignInDelay.last_failure_at < now - FORGET_AFTER
    return session.execute(delete(SignInDelay).where(stale)).rowcount or 0
