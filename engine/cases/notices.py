"""Which notification events go to whom. Delivery is the notifications package's job."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from engine import journal
from engine.holders import active_referrals
from engine.models import Case

# event -> audiences: complainant, center, lead_agency
AUDIENCES: dict[str, tuple[str, ...]] = {
    "case_received": ("complainant",),
    "case_rejected": ("complainant",),
    "info_requested": ("complainant",),
    "progress_reported": ("complainant",),
    "result_ready": ("complainant",),
    "rating_requested": ("complainant",),
    "case_referred": ("complainant",),
    "case_reopened": ("center", "lead_agency"),
    "referral_declined": ("center",),
    "case_closed_unresolvable": ("complainant", "center"),
}


def notify_event(session: Session, case: Case, event: str, now: datetime) -> None:
    """Queue one outbox row per audience of an event; payloads carry ids, not personal data."""
    payload = {"case_id": case.id, "tracking_code": case.tracking_code, "status": case.status}
    for audience in AUDIENCES.get(event, ("center",)):
        recipient = _recipient(session, case, audience)
        if recipient is not None:
            journal.enqueue(session, case, event, recipient, now, payload)


def _recipient(session: Session, case: Case, audience: str) -> str | None:
    if audience == "complainant":
        if case.complainant_email or case.complainant_phone or case.complainant_line_user_id:
            return f"complainant:{case.id}"
        return None  # anonymous without contact: nobody to tell, and nothing is revealed
    if audience == "lead_agency":
        leads = [r for r in active_referrals(session, case.id) if r.role == "lead"]
        return f"agency:{leads[0].agency.code}" if leads else None
    return f"org_unit:{case.center_id}"
