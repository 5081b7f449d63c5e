"""Append-only audit events and outbox rows, written in the caller's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from engine import auditchain
from engine.models import AuditEvent, Case, OutboxMessage

if TYPE_CHECKING:  # the journal is below access: it only reads the actor's id and label
    from engine.access.rules import Actor


def record(
    session: Session,
    case: Case | None,
    actor: Actor,
    action: str,
    now: datetime,
    *,
    before: str | None = None,
    after: str | None = None,
    step: str | None = None,
    public: bool = False,
    detail: Mapping[str, object] | None = None,
) -> AuditEvent:
    """Append an audit event: who did what to which case, and the status before and after."""
    if case is not None and case.id is None:
        session.flush()  # a new case gets its id: the chain is the case's
    event = AuditEvent(
        case_id=case.id if case is not None else None,
        at=now,
        actor_id=actor.user_id,
        actor_kind=actor.kind,
        actor_label=actor.label,
        action=action,
        step=step,
        status_before=before,
        status_after=after,
        public=public,
        detail=dict(detail or {}),
    )
    auditchain.append(session, event)  # locks the chain's head until COMMIT
    session.add(event)
    return event


def enqueue(
    session: Session,
    case: Case | None,
    event: str,
    recipient: str,
    now: datetime,
    payload: Mapping[str, object] | None = None,
) -> OutboxMessage:
    """Queue a notification; it is sent only if this transaction commits."""
    message = OutboxMessage(
        case_id=case.id if case is not None else None,
        event=event,
        recipient=recipient,
        payload=dict(payload or {}),
        idempotency_key=uuid.uuid4().hex,
        state="pending",
        attempts=0,
        created_at=now,
        next_attempt_at=now,
    )
    session.add(message)
    return message
