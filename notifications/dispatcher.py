"""The outbox dispatcher: resolve, lease, send outside any transaction, record.

1. resolve: an audience row (`org_unit:7`) becomes one child row per delivery, rendered now.
2. lease: a short transaction claims due rows (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite's
   BEGIN IMMEDIATE serialises claimers) by setting `leased_until` and counting the attempt.
3. send: no session is open, every connection has a timeout; a slow SMTP server holds no lock.
4. record: a second short transaction marks each row sent, retried later, or dead.
A crash after sending and before recording leaves the lease to expire; the row is sent again
with the same idempotency key, which an idempotent receiver uses to drop the duplicate.
"""

from __future__ import annotations

import hashlib
import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from engine.clock import Clock
from engine.models import OutboxMessage
from notifications import context as contexts
from notifications import templates
from notifications.channels import DeliveryFailed, MailConnection, Outgoing, send
from notifications.logsafe import describe, scrub
from notifications.models import AgencyEndpoint
from notifications.recipients import Delivery, Unresolvable, resolve
from notifications.settings import Settings
from notifications.thaidates import in_quiet_hours, quiet_hours_end

log = logging.getLogger(__name__)
SENDABLE = ("email", "sms", "line", "webhook")
jitter = random.Random()


@dataclass(frozen=True)
class DispatchReport:
    """What one dispatcher run did."""

    resolved: int = 0
    sent: int = 0
    retrying: int = 0
    dead: int = 0


def dispatch_outbox(
    factory: sessionmaker[Session], clock: Clock, settings: Settings | None = None
) -> DispatchReport:
    """The scheduler job: resolve new rows, then lease, send and record one batch."""
    settings = settings or Settings.from_env()
    resolved = resolve_pending(factory, clock, settings)
    leased, lease_until = lease_due(factory, clock, settings)
    outcomes = send_leased(leased, settings, clock, lease_until)
    counts = record_outcomes(factory, clock, settings, outcomes, lease_until)
    return DispatchReport(resolved=resolved, **counts)


def child_key(parent_key: str, channel: str, address: str) -> str:
    """A delivery's idempotency key: the same on every attempt and every resolution."""
    return hashlib.sha256(f"{parent_key}|{channel}|{address}".encode()).hexdigest()[:32]


def backoff(attempts: int, settings: Settings) -> timedelta:
    """Exponential backoff with jitter: half the delay fixed, half random."""
    delay = min(settings.backoff_cap_seconds, settings.backoff_base_seconds * 2 ** (attempts - 1))
    return timedelta(seconds=delay / 2 + jitter.uniform(0, delay / 2))


# ---- 1. resolve -----------------------------------------------------------------------------


def resolve_pending(factory: sessionmaker[Session], clock: Clock, settings: Settings) -> int:
    """Expand due audience rows into rendered deliveries; returns how many rows were handled."""
    now = clock()
    with factory.begin() as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.state == "pending",
                OutboxMessage.channel.is_(None),
                OutboxMessage.next_attempt_at <= now,
            )
            .order_by(OutboxMessage.id)
            .limit(settings.batch_size)
            .with_for_update(skip_locked=True)
        ).all()
        for row in rows:
            row.attempts += 1  # outside the savepoint, so a failed resolution still counts
            try:
                with session.begin_nested():
                    _expand(session, row, settings, now)
            except (Unresolvable, FileNotFoundError, templates.TemplateProblem) as exc:
                _failed(row, DeliveryFailed(describe(exc), permanent=True), settings, now)
            except Exception as exc:  # one bad row is logged and retried, never stops the batch
                # No traceback: its message may quote a complainant's data (logsafe.describe).
                log.error("resolving outbox row %s failed: %s", row.id, describe(exc))
                _failed(row, DeliveryFailed(describe(exc)), settings, now)
        return len(rows)


def _expand(session: Session, row: OutboxMessage, settings: Settings, now: datetime) -> None:
    resolution = resolve(session, row.recipient, row.event, settings.channels)
    # Webhooks carry every event; people only get events someone wrote a template for.
    deliveries = [
        d
        for d in resolution.deliveries
        if d.channel == "webhook"
        or templates.exists(contexts.template_name(row.event, row.recipient, d.audience))
    ]
    if not deliveries:
        reason = resolution.reason or f"no template for {row.event!r}"
        row.state, row.last_error = "skipped", reason
        return
    for delivery in deliveries:
        key = child_key(row.idempotency_key, delivery.channel, delivery.address)
        sms = delivery.channel == "sms"
        session.add(
            OutboxMessage(
                case_id=row.case_id,
                event=row.event,
                recipient=row.recipient,
                payload=row.payload,
                idempotency_key=key,
                state="held" if delivery.channel == "digest" else "pending",
                attempts=0,
                created_at=now,
                # SMS waits for the end of quiet hours; it is deferred, never dropped.
                next_attempt_at=quiet_hours_end(now, settings.quiet_start, settings.quiet_end)
                if sms
                else now,
                parent_id=row.id,
                channel=delivery.channel,
                address=delivery.address,
                language=delivery.language,
                rendered=_rendered(session, row, delivery, key, settings),
            )
        )
    row.state, row.last_error = "resolved", None
    session.flush()


def _rendered(
    session: Session, row: OutboxMessage, delivery: Delivery, key: str, settings: Settings
) -> dict:
    if delivery.channel == "webhook":
        body = contexts.webhook_body(session, row.case_id, row.event, row.payload, key)
        return {"webhook": body, "endpoint_id": delivery.endpoint_id}
    name = contexts.template_name(row.event, row.recipient, delivery.audience)
    values = contexts.build(
        session,
        row.case_id,
        row.event,
        row.payload,
        delivery.audience,
        delivery.language,
        settings.base_url,
    )
    return templates.render(session, name, delivery.language, values)


# ---- 2. lease -------------------------------------------------------------------------------


def lease_due(
    factory: sessionmaker[Session], clock: Clock, settings: Settings
) -> tuple[list[Outgoing], datetime]:
    """Claim due deliveries in one short transaction; each claim counts as an attempt."""
    now = clock()
    query = select(OutboxMessage).where(
        OutboxMessage.state == "pending",
        OutboxMessage.channel.in_(SENDABLE),
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.leased_until.is_(None), OutboxMessage.leased_until <= now),
    )
    if in_quiet_hours(now, settings.quiet_start, settings.quiet_end):
        query = query.where(OutboxMessage.channel != "sms")
    query = query.order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
    with factory.begin() as session:
        rows = session.scalars(
            query.limit(settings.batch_size).with_for_update(skip_locked=True)
        ).all()
        # Long enough for every send in the batch to time out once, and then some.
        seconds = max(settings.lease_seconds, len(rows) * settings.timeout_seconds * 3 + 60)
        until = now + timedelta(seconds=seconds)
        secrets = _endpoint_secrets(session, rows)
        leased = []
        for row in rows:
            row.leased_until = until
            row.attempts += 1
            leased.append(
                Outgoing(
                    id=row.id,
                    channel=row.channel or "",
                    address=row.address or "",
                    idempotency_key=row.idempotency_key,
                    rendered=dict(row.rendered or {}),
                    attempts=row.attempts,
                    secret=secrets.get((row.rendered or {}).get("endpoint_id")),
                )
            )
    return leased, until


def _endpoint_secrets(session: Session, rows: list[OutboxMessage]) -> dict[int, str]:
    ids = {(r.rendered or {}).get("endpoint_id") for r in rows if r.channel == "webhook"}
    ids.discard(None)
    if not ids:
        return {}
    endpoints = session.scalars(select(AgencyEndpoint).where(AgencyEndpoint.id.in_(ids)))
    return {e.id: e.secret for e in endpoints if e.active}


# ---- 3. send --------------------------------------------------------------------------------


Outcome = tuple[Outgoing, DeliveryFailed | None | str]
NOT_TRIED = "not_tried"


def send_leased(
    leased: list[Outgoing], settings: Settings, clock: Clock, lease_until: datetime
) -> list[Outcome]:
    """Send each leased message; no database session is open here."""
    outcomes: list[Outcome] = []
    mail = MailConnection(settings)  # one SMTP connection for the batch's e-mails
    try:
        for message in leased:
            if clock() >= lease_until - timedelta(seconds=settings.timeout_seconds * 2):
                outcomes.append((message, NOT_TRIED))  # the lease is running out: leave it be
                continue
            try:
                send(message, settings, clock(), mail)
                outcomes.append((message, None))
            except DeliveryFailed as exc:
                outcomes.append((message, exc))
            except Exception as exc:  # a bug in one channel must not lose the batch's results
                log.error("sending outbox row %s failed: %s", message.id, describe(exc))
                outcomes.append((message, DeliveryFailed(describe(exc))))
    finally:
        mail.close()
    return outcomes


# ---- 4. record ------------------------------------------------------------------------------


def record_outcomes(
    factory: sessionmaker[Session],
    clock: Clock,
    settings: Settings,
    outcomes: list[Outcome],
    lease_until: datetime,
) -> dict[str, int]:
    """Mark each row sent, retrying or dead, in one short transaction."""
    counts = {"sent": 0, "retrying": 0, "dead": 0}
    if not outcomes:
        return counts
    now = clock()
    with factory.begin() as session:
        for message, outcome in outcomes:
            row = session.get(OutboxMessage, message.id, with_for_update=True)
            if row is None or row.state != "pending" or row.leased_until != lease_until:
                continue  # our lease ran out and another dispatcher took the row over
            row.leased_until = None
            if outcome == NOT_TRIED:
                row.attempts -= 1
            elif outcome is None:
                row.state, row.sent_at = "sent", now
                counts["sent"] += 1
            else:
                assert isinstance(outcome, DeliveryFailed)
                counts[_failed(row, outcome, settings, now)] += 1
    return counts


def _failed(row: OutboxMessage, failure: DeliveryFailed, settings: Settings, now: datetime) -> str:
    row.last_error = scrub(str(failure))[:2000]
    row.leased_until = None
    if failure.permanent or row.attempts >= settings.max_attempts:
        row.state, row.dead_at = "dead", now
        log.warning(
            "outbox row %s is dead after %s attempts: %s", row.id, row.attempts, row.last_error
        )
        return "dead"
    later = now + backoff(row.attempts, settings)
    if row.channel == "sms":
        later = quiet_hours_end(later, settings.quiet_start, settings.quiet_end)
    row.next_attempt_at = later
    return "retrying"
