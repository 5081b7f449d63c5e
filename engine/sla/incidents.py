"""Incidents: cases whose timers keep failing, shown to administrators with their error."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import journal
from engine.access.checks import check_may_see_incidents
from engine.access.rules import Actor
from engine.clock import Clock
from engine.db import require_transaction
from engine.errors import NotFound
from engine.models import Case, Timer


def list_incidents(session: Session, actor: Actor, limit: int = 100) -> list[dict]:
    """Failing timers, the most attempted first: the case, its error and the next retry."""
    check_may_see_incidents(actor)
    rows = session.execute(
        select(Timer, Case.tracking_code, Case.status)
        .join(Case, Case.id == Timer.case_id)
        .where(Timer.last_error.is_not(None))
        .order_by(Timer.attempts.desc(), Timer.id)
        .limit(limit)
    ).all()
    return [
        {
            "case_id": timer.case_id,
            "tracking_code": code,
            "case_status": status,
            "timer": timer.event_name,
            "fire_at": timer.fire_at.isoformat(),
            "attempts": timer.attempts,
            "last_error": timer.last_error,
            "next_attempt_at": timer.next_attempt_at.isoformat() if timer.next_attempt_at else None,
        }
        for timer, code, status in rows
    ]


def retry_now(session: Session, clock: Clock, actor: Actor, case_id: int) -> int:
    """Make a failing case's timers due at the next sweep; returns how many."""
    require_transaction(session)
    check_may_see_incidents(actor)
    timers = session.scalars(
        select(Timer).where(Timer.case_id == case_id, Timer.last_error.is_not(None))
    ).all()
    if not timers:
        raise NotFound(
            f"Case {case_id} has no failing timer.", f"เรื่องเลขที่ {case_id} ไม่มีตัวจับเวลาที่ขัดข้อง"
        )
    now = clock()
    for timer in timers:
        timer.next_attempt_at = now
    journal.record(
        session,
        session.get(Case, case_id),
        actor,
        "incident_retried",
        now,
        detail={"timers": len(timers)},
    )
    return len(timers)
