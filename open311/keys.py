"""Open311 partner keys: issued to a partner app (shown once), limited per minute, revoked.

Only the key's SHA-256 hash is stored; every change is audited like the command line's.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import journal
from engine.access import throttle
from engine.access.checks import check_may_manage_keys, check_partner_key
from engine.access.rules import Actor
from engine.access.secrets import hash_token
from engine.errors import Conflict, NotFound, ValidationFailed
from engine.models import AuditEvent
from open311.models import Open311Key

KEY_PREFIX = "o311_"
PER_MINUTE_LIMITS = (1, 10_000)  # a partner app's requests per minute, fewest and most
NAME_LENGTH = 100  # Open311Key.name


def check_partner_name(name: str | None) -> str:
    """The partner app's name, trimmed: 1 to 100 characters."""
    text = " ".join((name or "").split())
    if not text or len(text) > NAME_LENGTH:
        raise ValidationFailed.one(
            "name",
            f"ต้องระบุชื่อแอปพันธมิตร ยาวไม่เกิน {NAME_LENGTH} ตัวอักษร",
            f"Give the partner app's name, at most {NAME_LENGTH} characters.",
        )
    return text


def check_per_minute(value: object) -> int:
    """A per-minute limit as a whole number within PER_MINUTE_LIMITS (digits as text accepted)."""
    low, high = PER_MINUTE_LIMITS
    text = str(value).strip() if value is not None else ""
    number = int(text) if text.isascii() and text.isdigit() else None
    if number is None or not low <= number <= high:
        raise ValidationFailed.one(
            "requests_per_minute",
            f"จำนวนคำขอต่อนาทีต้องเป็นจำนวนเต็มตั้งแต่ {low} ถึง {high:,}",
            f"Requests per minute must be a whole number from {low} to {high:,}.",
        )
    return number


def issue_key(
    session: Session,
    now: datetime,
    name: str,
    requests_per_minute: int = 30,
    actor: Actor | None = None,
) -> str:
    """A new client key for a partner app; the plain key is returned once and never stored."""
    actor = actor or Actor.system()
    check_may_manage_keys(actor)
    name = check_partner_name(name)
    requests_per_minute = check_per_minute(requests_per_minute)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = Open311Key(
        name=name,
        key_hash=hash_token(key),
        requests_per_minute=requests_per_minute,
        created_at=now,
    )
    session.add(row)
    session.flush()
    detail = {"key_id": row.id, "name": name, "requests_per_minute": requests_per_minute}
    journal.record(session, None, actor, "open311_key_issued", now, detail=detail)
    return key


def _key_row(session: Session, key_id: int) -> Open311Key:
    row = session.get(Open311Key, key_id)
    if row is None:
        raise NotFound(f"No Open311 key {key_id}.", f"ไม่พบกุญแจ Open311 หมายเลข {key_id}")
    return row


def revoke_key(session: Session, now: datetime, key_id: int, actor: Actor | None = None) -> None:
    """Stop a key from working; requests it filed stay."""
    actor = actor or Actor.system()
    check_may_manage_keys(actor)
    row = _key_row(session, key_id)
    if row.revoked_at is None:
        row.revoked_at = now
        detail = {"key_id": row.id, "name": row.name}
        journal.record(session, None, actor, "open311_key_revoked", now, detail=detail)


def change_key_limit(
    session: Session, now: datetime, key_id: int, per_minute: object, actor: Actor | None = None
) -> None:
    """Give a live key a new per-minute limit, counted from its next request."""
    actor = actor or Actor.system()
    check_may_manage_keys(actor)
    limit = check_per_minute(per_minute)
    row = _key_row(session, key_id)
    if row.revoked_at is not None:
        raise Conflict(
            "This key is revoked; issue a new one instead.",
            "กุญแจนี้ถูกเพิกถอนแล้ว กรุณาออกกุญแจใหม่แทน",
        )
    if row.requests_per_minute != limit:
        detail = {
            "key_id": row.id,
            "name": row.name,
            "requests_per_minute": [row.requests_per_minute, limit],
        }
        row.requests_per_minute = limit
        journal.record(session, None, actor, "open311_key_limit_changed", now, detail=detail)


@dataclass(frozen=True)
class KeyListing:
    """What administrators see of a key: never its hash."""

    id: int
    name: str
    requests_per_minute: int
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    issued_by: str | None  # from the audit log; keys issued before it was kept have none
    revoked_by: str | None


def list_keys(session: Session, actor: Actor, key_id: int | None = None) -> list[KeyListing]:
    """Every key, newest first (or the one key_id), with who issued and revoked it."""
    check_may_manage_keys(actor)
    query = select(Open311Key).order_by(Open311Key.id.desc())
    if key_id is not None:
        query = query.where(Open311Key.id == key_id)
    rows = session.scalars(query).all()
    who: dict[tuple[str, object], str] = {}
    events = session.execute(
        select(AuditEvent.action, AuditEvent.actor_label, AuditEvent.detail)
        .where(AuditEvent.action.in_(("open311_key_issued", "open311_key_revoked")))
        .order_by(AuditEvent.id)
    )
    for action, label, detail in events:
        who.setdefault((action, (detail or {}).get("key_id")), label)
    return [
        KeyListing(
            id=row.id,
            name=row.name,
            requests_per_minute=row.requests_per_minute,
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            revoked_at=row.revoked_at,
            issued_by=who.get(("open311_key_issued", row.id)),
            revoked_by=who.get(("open311_key_revoked", row.id)),
        )
        for row in rows
    ]


def get_key(session: Session, actor: Actor, key_id: int) -> KeyListing:
    """One key as administrators see it, or NotFound."""
    found = list_keys(session, actor, key_id)
    if not found:
        raise NotFound(f"No Open311 key {key_id}.", f"ไม่พบกุญแจ Open311 หมายเลข {key_id}")
    return found[0]


def use_key(session: Session, now: datetime, plain: str | None) -> Open311Key:
    """The live key behind `api_key`, counted against its per-minute limit (403 if bad).

    Every use is audited (in the caller's transaction, which commits even when the request
    it carries is then refused)."""
    row = None
    if plain:
        row = session.scalar(select(Open311Key).where(Open311Key.key_hash == hash_token(plain)))
    check_partner_key(row)
    throttle.hit(
        session, f"open311-key:{row.id}", now, row.requests_per_minute, timedelta(minutes=1)
    )
    row.last_used_at = now
    journal.record(
        session, None, key_actor(row), "open311_key_used", now, detail={"key_id": row.id}
    )
    return row


def key_actor(key: Open311Key) -> Actor:
    """The actor a request filed with this key acts as: a partner app, seeing no cases."""
    return Actor(kind="partner", label=f"open311:{key.name}"[:200])
