"""The audit log's hash chains: one per case and one for events without a case.

Each event's hash covers a digest that holds no personal data: ids, action, actor id and kind,
statuses, step, time, its place in the chain, the previous event's hash, and a salted hash of
what may be personal (the actor's label and the detail). Erasing that under the PDPA drops the
salt with the data, so the remaining hash can no longer be matched against guesses, and the
chain still verifies.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy import Connection, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, scoped_session

from engine.models import AuditEvent, AuditHead

DIGEST_VERSION = 1
GENESIS = "0" * 64  # the previous hash of a chain's first event
GLOBAL_CHAIN = "global"
HEADS = AuditHead.__table__
_HEADS_KEY = "damrong_audit_heads"


def chain_of(case_id: int | None) -> str:
    """The chain an event belongs to: its case's, or the one for events without a case."""
    return GLOBAL_CHAIN if case_id is None else f"case:{case_id}"


def canonical(value: object) -> bytes:
    """One byte string per JSON value, whichever database stored it."""
    normal = json.loads(json.dumps(value, default=str))
    return json.dumps(normal, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def private_hash(salt: str, actor_label: str | None, detail: Mapping | None) -> str:
    """A salted hash of what may be personal: the actor's label and the event's detail."""
    message = canonical({"actor_label": actor_label, "detail": dict(detail or {})})
    return hmac.new(bytes.fromhex(salt), message, hashlib.sha256).hexdigest()


def instant(at: datetime) -> str:
    """A time as the digest writes it: UTC, microseconds."""
    if at.tzinfo is None:  # read back naive from SQLite by plain SQL
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def digest(event: AuditEvent) -> dict:
    """What an event's hash covers: everything but what may be personal, which is hashed apart."""
    return {
        "v": DIGEST_VERSION,
        "chain": chain_of(event.case_id),
        "seq": event.chain_seq,
        "prev": event.prev_hash,
        "case_id": event.case_id,
        "at": instant(event.at),
        "actor_id": event.actor_id,
        "actor_kind": event.actor_kind,
        "action": event.action,
        "step": event.step,
        "status_before": event.status_before,
        "status_after": event.status_after,
        "public": bool(event.public),
        "private": event.private_hash,
    }


def event_hash(event: AuditEvent) -> str:
    """The hash of one event over its digest (no personal data in it)."""
    return hashlib.sha256(canonical(digest(event))).hexdigest()


def seal(event: AuditEvent, seq: int, prev_hash: str) -> None:
    """Give an event its place in the chain and its hashes."""
    event.chain_seq, event.prev_hash = seq, prev_hash
    event.private_salt = secrets.token_hex(16)
    event.private_hash = private_hash(event.private_salt, event.actor_label, event.detail)
    event.hash = event_hash(event)


def append(session: Session, event: AuditEvent) -> None:
    """Link an event to the head of its chain, holding the head's row lock until COMMIT."""
    # Plain SQL on the session's connection: no autoflush, so this transaction's events are
    # still inserted together when it flushes (one by one they cost a round trip each).
    connection = session.connection()
    chain = chain_of(event.case_id)
    heads = _heads_of(session)
    if chain in heads:  # locked earlier in this transaction: the head is known
        seq, prev_hash = heads[chain][0] + 1, heads[chain][1]
        seal(event, seq, prev_hash)
        values = {"seq": seq, "hash": event.hash}
    else:
        row = connection.execute(_bump(chain)).one_or_none()
        if row is None and _start(connection, chain, event):  # a new chain, this event its head
            heads[chain] = (1, event.hash)
            return
        if row is None:  # a racing writer made the chain first: take the place after theirs
            row = connection.execute(_bump(chain)).one()
        seq, prev_hash = row[0], row[1]
        seal(event, seq, prev_hash)
        values = {"hash": event.hash}
    connection.execute(update(HEADS).where(HEADS.c.chain == chain).values(**values))
    heads[chain] = (seq, event.hash)


def _heads_of(session: Session) -> dict[str, tuple[int, str]]:
    """The heads this transaction (or savepoint) has locked and moved, by chain.

    Kept only while the same transaction is current: after a savepoint is released or rolled
    back the heads are read again from the database, which holds what survived."""
    if isinstance(session, scoped_session):  # the administration's session
        session = session()
    current = session.get_nested_transaction() or session.get_transaction()
    kept = session.info.get(_HEADS_KEY)
    if kept is None or kept[0] is not current:
        kept = (current, {})
        session.info[_HEADS_KEY] = kept
    return kept[1]


def _bump(chain: str):  # type: ignore[no-untyped-def]
    """Lock the chain's head and take the next position, returning it and the previous hash."""
    return (
        update(HEADS)
        .where(HEADS.c.chain == chain)
        .values(seq=HEADS.c.seq + 1)
        .returning(HEADS.c.seq, HEADS.c.hash)
    )


def _start(connection: Connection, chain: str, event: AuditEvent) -> bool:
    """Make a chain's head with its first event in one statement; False if a racing writer's
    head was there first (the insert then waits for it and does nothing)."""
    seal(event, 1, GENESIS)
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    start = dialect.insert(HEADS).values(chain=chain, seq=1, hash=event.hash)
    made = start.on_conflict_do_nothing(index_elements=["chain"]).returning(HEADS.c.chain)
    return connection.execute(made).first() is not None
