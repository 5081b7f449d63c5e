"""Idempotency-Key: a retried POST returns the first answer instead of acting twice."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Conflict, ValidationFailed
from engine.models import IdempotencyRecord


def request_hash(body: object) -> str:
    """A stable hash of a JSON request body."""
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def check_key(key: str | None) -> str | None:
    """Validate an Idempotency-Key header value."""
    if key is None:
        return None
    if not 1 <= len(key) <= 200 or not key.isprintable():
        raise ValidationFailed.one(
            "Idempotency-Key",
            "ส่วนหัว Idempotency-Key ต้องยาว 1–200 ตัวอักษร",
            "The Idempotency-Key header must be 1-200 printable characters.",
        )
    return key


def replay(session: Session, scope: str, key: str, digest: str) -> tuple[dict, int] | None:
    """The stored answer for this key, or None; a different body under the same key is a 409."""
    record = session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
        )
    )
    if record is None:
        return None
    if record.request_hash != digest:
        raise Conflict(
            "This Idempotency-Key was already used for a different request.",
            "Idempotency-Key นี้ถูกใช้กับคำขออื่นไปแล้ว",
        )
    return record.response, record.status_code


def remember(
    session: Session,
    scope: str,
    key: str,
    digest: str,
    response: dict,
    status: int,
    now: datetime,
) -> None:
    """Store the answer in the same transaction as the change it describes."""
    session.add(
        IdempotencyRecord(
            scope=scope,
            key=key,
            request_hash=digest,
            status_code=status,
            response=response,
            created_at=now,
        )
    )
