"""What an agency reads: its feed, its cases and, of each case, only what it may receive.

Identity protection is applied here, in the engine, so every edge (REST, staff web) gives an
agency the same filtered view: see engine/access/redaction.py and
engine/access/identity.py complainant_view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agency.actions import held_referral, redactor_for, waiting_for
from agency.models import FeedEvent
from engine.access import identity
from engine.access.checks import check_agency_officer
from engine.access.identity import attachment_visibility, visible_notes
from engine.access.rules import Actor
from engine.errors import CaseNotFound
from engine.models import Case, CaseAttachment, Referral
from engine.statuses import status_label


def list_held(
    session: Session, actor: Actor, *, status: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[tuple[Case, Referral]], int]:
    """The cases referred to the actor's agency (lead or co-handler), newest change first."""
    check_agency_officer(actor)
    query = (
        select(Case, Referral)
        .join(Referral, Referral.case_id == Case.id)
        .where(Referral.agency_id == actor.org_unit_id, Referral.active.is_(True))
    )
    if status:
        query = query.where(Case.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(
        query.order_by(Case.updated_at.desc(), Case.id.desc()).limit(limit).offset(offset)
    )
    return [(case, referral) for case, referral in rows], total


@dataclass(frozen=True)
class FeedPage:
    """Feed entries after a cursor, and the cursor to ask with next time."""

    items: list[FeedEvent]
    next_cursor: int


def read_feed(session: Session, actor: Actor, since: int, limit: int = 100) -> FeedPage:
    """The agency's feed after `since`, in commit order (positions never appear late)."""
    check_agency_officer(actor)
    rows = session.scalars(
        select(FeedEvent)
        .where(FeedEvent.agency_id == actor.org_unit_id, FeedEvent.position > since)
        .order_by(FeedEvent.position)
        .limit(limit)
    ).all()
    return FeedPage(list(rows), rows[-1].position if rows else since)


def case_view(session: Session, actor: Actor, case_id: int, now: datetime, lang: str) -> dict:
    """A case as an agency receives it: identity filtered, free text redacted, IDs masked."""
    referral = held_referral(session, actor, case_id)
    case = session.get(Case, case_id)
    clean = redactor_for(session, case)
    complainant = identity.complainant_view(actor, case)
    if complainant is not None:  # an agency's copy: the national ID masked, no language
        del complainant["preferred_language"]
        complainant["national_id"] = complainant["national_id"] or None
    attachments = session.execute(
        select(
            CaseAttachment.id,
            CaseAttachment.filename,
            CaseAttachment.content_type,
            CaseAttachment.size,
            CaseAttachment.created_at,
        )
        .where(CaseAttachment.case_id == case.id, attachment_visibility(case))
        .order_by(CaseAttachment.id)
    ).all()
    return {
        "id": case.id,
        "tracking_code": case.tracking_code,
        "registration_number": case.registration_number,
        "status": case.status,
        "status_label": status_label(case.status, lang),
        "role": referral.role,
        "referred_at": referral.created_at.isoformat(),
        "waiting_for": waiting_for(session, actor, case.id),
        "category": case.category_code,
        "area_code": case.area_code,
        "title": clean.text(case.title),
        "description": clean.text(case.description),
        "address_text": clean.text(case.address_text),
        "lat": case.lat,
        "lon": case.lon,
        "confidential": bool(case.confidential or case.anonymous),
        "complainant": complainant,
        "due_at": case.due_at.isoformat() if case.due_at else None,
        "created_at": case.created_at.isoformat(),
        "updated_at": case.updated_at.isoformat(),
        "notes": [
            {
                "kind": n.kind,
                "step": n.step,
                "body": clean.text(n.body),
                "from_your_agency": n.org_unit_id == actor.org_unit_id,
                "created_at": n.created_at.isoformat(),
            }
            for n in visible_notes(session, actor, case.id)
        ],
        "attachments": [
            {
                "id": a.id,
                "filename": a.filename,
                "content_type": a.content_type,
                "size": a.size,
                "created_at": a.created_at.isoformat(),
            }
            for a in attachments
        ],
    }


def get_attachment(session: Session, actor: Actor, case_id: int, attachment_id: int):  # type: ignore[no-untyped-def]
    """An attachment of a case the agency holds, if the agency may have it."""
    held_referral(session, actor, case_id)
    case = session.get(Case, case_id)
    row = session.scalar(
        select(CaseAttachment).where(
            CaseAttachment.id == attachment_id,
            CaseAttachment.case_id == case_id,
            attachment_visibility(case),
        )
    )
    if row is None:
        raise CaseNotFound("There is no such attachment.", "ไม่พบไฟล์แนบนี้")
    return row
