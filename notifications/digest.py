"""The daily digest: held notices for staff who chose a digest, and supervisors' overdue counts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from engine.clock import Clock
from engine.models import Case, OutboxMessage, Task, User
from notifications.models import StaffPreference
from notifications.settings import Settings
from notifications.thaidates import BANGKOK


def send_daily_digests(
    factory: sessionmaker[Session], clock: Clock, settings: Settings | None = None
) -> int:
    """The scheduler job: once a day from the digest hour, queue each user's digest (once)."""
    settings = settings or Settings.from_env()
    now = clock()
    local = now.astimezone(BANGKOK)
    if local.hour < settings.digest_hour:
        return 0
    queued = 0
    with factory.begin() as session:
        for user in _candidates(session, local.date()):
            queued += queue_digest(session, user, local.date(), now)
    return queued


def _candidates(session: Session, day: date) -> list[User]:
    # Those who already have today's digest are left out in one query, not one each.
    done = {
        key.split("-")[1]
        for key in session.scalars(
            select(OutboxMessage.idempotency_key).where(
                OutboxMessage.event == "daily_digest",
                OutboxMessage.idempotency_key.like(f"digest-%-{day.isoformat()}"),
            )
        )
    }
    held = select(OutboxMessage.address).where(
        OutboxMessage.state == "held", OutboxMessage.channel == "digest"
    )
    held_ids = {int(a) for a in session.scalars(held) if a and a.isdigit()}
    users = session.scalars(select(User).where(User.active.is_(True)).order_by(User.id)).all()
    digesters = set(
        session.scalars(select(StaffPreference.user_id).where(StaffPreference.mode == "digest"))
    )
    return [
        u
        for u in users
        if str(u.id) not in done
        and (u.id in held_ids or u.id in digesters or "supervisor" in (u.roles or []))
    ]


def queue_digest(session: Session, user: User, day: date, now: datetime) -> int:
    """Queue one user's digest for a day unless it exists; returns 1 if queued."""
    key = f"digest-{user.id}-{day.isoformat()}"
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)):
        return 0
    held = session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.state == "held",
            OutboxMessage.channel == "digest",
            OutboxMessage.address == str(user.id),
        )
        .order_by(OutboxMessage.id)
    ).all()
    counts = _unit_counts(session, user, now) if "supervisor" in (user.roles or []) else None
    if not held and not (counts and any(counts.values())):
        return 0  # nothing to say: no empty digests
    items = [
        {
            "at": row.created_at.isoformat(),
            "subject": (row.rendered or {}).get("subject", row.event),
            "case_id": row.case_id,
        }
        for row in held
    ]
    for row in held:
        row.state = "digested"
    session.add(
        OutboxMessage(
            case_id=None,
            event="daily_digest",
            recipient=f"user:{user.id}",
            payload={"items": items, "counts": counts, "date": day.isoformat()},
            idempotency_key=key,
            state="pending",
            attempts=0,
            created_at=now,
            next_attempt_at=now,
        )
    )
    return 1


def _unit_counts(session: Session, user: User, now: datetime) -> dict[str, int]:
    """Open, at-risk and overdue tasks on the cases of the supervisor's center."""
    base = select(func.count(Task.id)).join(Case, Case.id == Task.case_id)
    base = base.where(Case.center_id == user.org_unit_id)
    return {
        "open": session.scalar(base) or 0,
        "at_risk": session.scalar(base.where(Task.at_risk_at <= now, Task.due_at > now)) or 0,
        "breached": session.scalar(base.where(Task.due_at <= now)) or 0,
    }
