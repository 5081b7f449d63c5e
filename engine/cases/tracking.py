"""What a complainant sees of their own case, by tracking code and secret."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import secrets
from engine.cases import codes
from engine.errors import CaseNotFound
from engine.holders import active_referrals
from engine.models import AuditEvent, Case, CaseNote
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
    """Status, agency and timeline in plain language; no personal data, no internal notes."""
    leads = [r for r in active_referrals(session, case.id) if r.role == "lead"]
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.case_id == case.id, AuditEvent.public.is_(True))
        .order_by(AuditEvent.id)
    ).all()
    notes = session.scalars(
        select(CaseNote)
        .where(CaseNote.case_id == case.id, CaseNote.public.is_(True))
        .order_by(CaseNote.id)
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
    timeline += [
        {"at": n.created_at.isoformat(), "action": "note", "status": None, "label": n.body}
        for n in notes
    ]
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
        "timeline": timeline,
    }
