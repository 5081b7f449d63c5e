"""What a complainant sees of their own case, by tracking code and secret."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.access import secrets
from engine.access.rules import Actor
from engine.cases import codes
from engine.cases.disclosure import (
    PROGRESS_LINE,
    CitizenNote,
    accepted_result,
    citizen_notes,
    status_line,
)
from engine.errors import CaseNotFound
from engine.holders import active_referrals
from engine.models import AuditEvent, Case, CaseAttachment
from engine.statuses import STATUSES, status_label

# Verifying against a fixed hash when the code is unknown keeps the timing of both answers alike.
_DUMMY_HASH = secrets.hash_secret("not-a-secret")


def find_own_case(session: Session, tracking_code: str, secret: str | None) -> Case:
    """The case this code and secret open; unknown codes and wrong secrets look the same."""
    missing = CaseNotFound(
        "No case matches this tracking code and secret.",
        "ไม่พบเรื่องที่ตรงกับรหัสติดตามและรหัสลับนี้",
    )
    code = codes.normalize_tracking_code(tracking_code or "")
    case = None
    if codes.is_valid_tracking_code(code):
        case = session.scalar(select(Case).where(Case.tracking_code == code))
    ok = secrets.verify_secret(secret or "", case.secret_hash if case else _DUMMY_HASH)
    if case is None or not ok:
        raise missing
    return case


def public_view(session: Session, case: Case, lang: str = "th") -> dict:
    """Status, agency and timeline in plain language; no personal data, no internal notes, and
    of the agency's work only what engine/cases/disclosure.py lets the complainant read now."""
    leads = [r for r in active_referrals(session, case.id) if r.role == "lead"]
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.case_id == case.id, AuditEvent.public.is_(True))
        .order_by(AuditEvent.id)
    ).all()
    timeline = [
        {
            "at": e.at.isoformat(),
            "action": e.action,
            "status": e.status_after,
            "label": status_label(e.status_after, lang) if e.status_after else None,
        }
        for e in events
    ]
    timeline += [_note_item(n, lang) for n in citizen_notes(session, case)]
    timeline.sort(key=lambda item: item["at"])
    agency = leads[0].agency if leads else None
    return {
        "tracking_code": case.tracking_code,
        "status": case.status,
        "status_label": status_label(case.status, lang),
        "open311_status": STATUSES[case.status].open311,
        "category": case.category_code,
        "area_code": case.area_code,
        "title": case.title,
        "agency": (agency.name_th if lang == "th" else agency.name_en) if agency else None,
        "created_at": case.created_at.isoformat(),
        "closed_at": case.closed_at.isoformat() if case.closed_at else None,
        "status_note": status_line(case, lang),
        "result": accepted_result(session, case),
        "timeline": timeline,
    }


def _note_item(note: CitizenNote, lang: str) -> dict:
    """A note on the timeline: the center's words, an accepted result, or a dated fact."""
    action = {"note": "note", "result": "result", "progress": "agency_progress"}[note.kind]
    label = note.text if note.text is not None else PROGRESS_LINE[0 if lang == "th" else 1]
    return {"at": note.at.isoformat(), "action": action, "status": None, "label": label}


def own_files(session: Session, case_id: int) -> list[CaseAttachment]:
    """The files the complainant sent with their own case (never staff or agency files)."""
    return list(
        session.scalars(
            select(CaseAttachment)
            .where(
                CaseAttachment.case_id == case_id,
                CaseAttachment.uploaded_by == Actor.citizen(case_id).label,
                CaseAttachment.org_unit_id.is_(None),
            )
            .order_by(CaseAttachment.id)
        )
    )


def rated_at(session: Session, case_id: int) -> datetime | None:
    """When the complainant last rated their case."""
    return session.scalar(
        select(func.max(AuditEvent.at)).where(
            AuditEvent.case_id == case_id, AuditEvent.action == "rated"
        )
    )
