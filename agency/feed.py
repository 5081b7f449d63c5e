"""The agencies' change feed: every change to a case an agency holds, in commit order.

Why positions are given at commit, under a lock: a transaction that started earlier may commit
later. If feed rows were numbered when written, a reader could see position 8 (committed) while
7 was still in flight, move its cursor past 7 and never see it. Here each writing transaction,
just before it commits, locks the one counter row (`UPDATE … RETURNING`: a row lock on
PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers), takes the next positions and
inserts its feed rows. The lock is held until COMMIT, so the next writer numbers after it: a row
is visible only once every lower position is visible, and `position > cursor` never skips.

The feed is derived from the audit events written in the transaction, so a change made in the
staff inbox, by an agency's system or by the scheduler reaches the feed the same way. Each
event goes to every agency holding the case at commit, and to an agency that lost it in this
transaction (a forward) followed by a last `referral_ended` entry naming the new lead, and a
`case_updated` outbox row tells each agency's webhook.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import event, insert, inspect, select, update
from sqlalchemy.orm import Session, sessionmaker

from agency.models import FeedCounter, FeedEvent
from engine.models.cases import Case, Referral
from engine.models.reference import OrgUnit
from engine.models.work import AuditEvent

COUNTER_ID = 1
# Inbox mechanics an agency has no use for.
# Internal housekeeping an agency's system has no use for (a case moved to a new version of
# its process changes nothing the agency sees).
SKIPPED_ACTIONS = frozenset(
    {"claimed", "unclaimed", "reassigned", "sla_paused", "sla_resumed", "process_migrated"}
)
# Audit detail an agency may read; anything else (free text, user names) stays behind.
DETAIL_KEYS = (
    "agency",
    "agency_name_th",
    "role",
    "action",
    "review_decision",
    "decision",
    "forward_request_id",
)
# The last event an agency's feed gets about a case that left it (forwarded, reassigned).
LEFT_EVENT = "referral_ended"
_AUDIT = "damrong_feed_audit"
_ENDED = "damrong_feed_ended"


def install(factory: sessionmaker[Session]) -> None:
    """Keep the feed on every session this factory makes (the composition root calls this)."""
    # A flag on the factory, not event.contains(): SQLAlchemy's registry is keyed by id(), which
    # a new factory may reuse from a collected one, and the hooks would then be skipped.
    if getattr(factory, "_damrong_feed", False):
        return
    event.listen(factory, "before_flush", _collect)
    event.listen(factory, "before_commit", _publish_on_commit)
    event.listen(factory, "after_rollback", _forget)
    factory._damrong_feed = True  # type: ignore[attr-defined]


def _collect(session: Session, _context, _instances) -> None:  # type: ignore[no-untyped-def]
    """Remember the audit events and ended referrals this transaction writes."""
    for obj in session.new:
        if isinstance(obj, AuditEvent) and obj.case_id is not None:
            session.info.setdefault(_AUDIT, []).append(obj)
    for obj in session.dirty:
        if isinstance(obj, Referral) and not obj.active:
            session.info.setdefault(_ENDED, set()).add((obj.case_id, obj.agency_id))


def _publish_on_commit(session: Session) -> None:
    """Number this transaction's feed rows under the counter lock, just before COMMIT."""
    session.flush()  # audit events still pending get their ids (and are collected)
    audits = session.info.pop(_AUDIT, [])
    ended = session.info.pop(_ENDED, set())
    if audits:
        publish(session, audits, ended)


def _forget(session: Session) -> None:
    session.info.pop(_AUDIT, None)
    session.info.pop(_ENDED, None)


def _holders(session: Session, case_ids: set[int]) -> dict[int, set[int]]:
    """case id -> agencies that hold it now (lead or co-handler)."""
    holders: dict[int, set[int]] = defaultdict(set)
    rows = session.execute(
        select(Referral.case_id, Referral.agency_id).where(
            Referral.case_id.in_(case_ids), Referral.active.is_(True)
        )
    )
    for case_id, agency_id in rows:
        holders[case_id].add(agency_id)
    return holders


def publish(session: Session, audits: list[AuditEvent], ended: set) -> int:
    """Write feed rows for these audit events to the agencies concerned; returns how many."""
    # An event undone by a rolled-back savepoint is no longer persistent: it never happened.
    audits = [a for a in audits if inspect(a).persistent and a.action not in SKIPPED_ACTIONS]
    case_ids = {a.case_id for a in audits}
    holders = _holders(session, case_ids)
    # Agencies that lost the case in this transaction (a forward) hear of it, and then that
    # it left them: the last entry their feed receives about it.
    left = {(c, a) for c, a in ended if c in case_ids and a not in holders[c]}
    recipients = {c: holders[c] | {a for lc, a in left if lc == c} for c in case_ids}
    ordered = sorted(audits, key=lambda a: a.id)
    pairs: list[tuple[AuditEvent, int, str]] = [
        (a, agency, a.action) for a in ordered for agency in sorted(recipients[a.case_id])
    ]
    last = {a.case_id: a for a in ordered}
    pairs += [(last[c], agency, LEFT_EVENT) for c, agency in sorted(left)]
    if not pairs:
        return 0
    cases = {c.id: c for c in session.scalars(select(Case).where(Case.id.in_(case_ids)))}
    first = _reserve(session, len(pairs))
    rows = []
    for offset, (audit, agency_id, event_name) in enumerate(pairs):
        case = cases[audit.case_id]
        payload, status = _payload(audit, case), audit.status_after or case.status
        if event_name == LEFT_EVENT:
            detail = _left_detail(session, holders, case)
            payload |= {"step": None, "status_before": None, "detail": detail}
            status = case.status
        rows.append(
            {
                "position": first + offset,
                "agency_id": agency_id,
                "case_id": case.id,
                "event": event_name,
                "status": status,
                "audit_event_id": audit.id,
                "payload": payload,
                "created_at": audit.at,
            }
        )
    session.execute(insert(FeedEvent), rows)
    _enqueue_webhooks(session, rows, cases, audits[-1].at)
    return len(rows)


def _left_detail(session: Session, holders: dict[int, set[int]], case: Case) -> dict:
    """Who leads the case now, for an agency it left: the lead's code only."""
    lead = session.scalar(
        select(OrgUnit.code)
        .join(Referral, Referral.agency_id == OrgUnit.id)
        .where(Referral.case_id == case.id, Referral.active.is_(True), Referral.role == "lead")
    )
    return {"agency": lead, "role": "lead"} if lead and holders[case.id] else {}


def _reserve(session: Session, count: int) -> int:
    """Lock the counter row until COMMIT and take `count` positions; returns the first."""
    last = session.execute(
        update(FeedCounter)
        .where(FeedCounter.id == COUNTER_ID)
        .values(last_position=FeedCounter.last_position + count)
        .returning(FeedCounter.last_position)
    ).scalar()
    if last is None:  # a database built without the migration's counter row
        session.execute(insert(FeedCounter).values(id=COUNTER_ID, last_position=count))
        last = count
    return last - count + 1


def _payload(audit: AuditEvent, case: Case) -> dict:
    """What the feed says about one change: ids, codes and statuses, never free text."""
    detail = {k: audit.detail[k] for k in DETAIL_KEYS if k in (audit.detail or {})}
    return {
        "tracking_code": case.tracking_code,
        "step": audit.step,
        "status_before": audit.status_before,
        "detail": detail,
    }


def _enqueue_webhooks(session: Session, rows: list[dict], cases: dict, now: datetime) -> None:
    """One `case_updated` outbox row per agency and case; the webhook carries positions only."""
    from engine import journal  # late: engine.journal imports the model package

    agency_ids = {row["agency_id"] for row in rows}
    codes = dict(
        session.execute(select(OrgUnit.id, OrgUnit.code).where(OrgUnit.id.in_(agency_ids))).all()
    )
    grouped: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for row in rows:
        grouped[(row["case_id"], row["agency_id"])].append(row)
    for (case_id, agency_id), items in grouped.items():
        case = cases[case_id]
        journal.enqueue(
            session,
            case,
            "case_updated",
            f"agency:{codes[agency_id]}",
            now,
            {
                "case_id": case_id,
                "tracking_code": case.tracking_code,
                "status": case.status,
                "events": [r["event"] for r in items],
                "positions": [r["position"] for r in items],
            },
        )
