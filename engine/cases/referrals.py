"""The one `refer` service: referral, forwarding, reassignment and invitations all pass here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine import journal
from engine.access.rules import Actor
from engine.cases.notices import notify_event
from engine.errors import Conflict, ValidationFailed
from engine.holders import active_referrals
from engine.models import Case, OrgUnit, Referral, Task
from engine.statuses import FINAL_STATUSES

ROLES = ("lead", "co_handler")


def find_agency(session: Session, code: str) -> OrgUnit:
    """The active agency with a code, or a validation error naming the field."""
    agency = session.scalar(select(OrgUnit).where(OrgUnit.code == code))
    if agency is None or agency.kind != "agency" or not agency.active:
        raise ValidationFailed.one(
            "agency",
            f"ไม่พบหน่วยงานรหัส «{code}»",
            f"There is no active agency with code «{code}».",
        )
    return agency


def refer(
    session: Session,
    now: datetime,
    actor: Actor,
    case: Case,
    agency_code: str,
    role: str = "lead",
    reason: str | None = None,
) -> Referral:
    """Refer a case to an agency as lead (replacing the current lead) or as co-handler."""
    if role not in ROLES:
        raise ValidationFailed.one("role", "บทบาทการส่งต่อไม่ถูกต้อง", f"Unknown role «{role}».")
    if case.status in FINAL_STATUSES:
        raise Conflict(
            f"The case is {case.status}; reopen it before referring it again.",
            "เรื่องนี้ยุติแล้ว ต้องเปิดเรื่องใหม่ก่อนจึงจะส่งต่อได้",
            status=case.status,
        )
    agency = find_agency(session, agency_code)
    current = active_referrals(session, case.id)
    for referral in current:
        if referral.agency_id == agency.id and referral.role == role:
            return referral  # already holds the case this way: referring again changes nothing
    action = "referred"
    if role == "lead":
        for referral in current:
            if referral.role == "lead" or referral.agency_id == agency.id:
                referral.active = False
                referral.ended_at = now
                action = "forwarded"
    else:
        action = "invited"
    referral = Referral(
        case_id=case.id,
        agency_id=agency.id,
        role=role,
        active=True,
        reason=reason,
        created_at=now,
        created_by=actor.label,
    )
    session.add(referral)
    if role == "lead":
        # The agency's open tasks move with the case to its new lead.
        session.execute(
            update(Task)
            .where(Task.case_id == case.id, Task.role == "agency_officer")
            .values(org_unit_id=agency.id, assignee_id=None)
        )
    journal.record(
        session,
        case,
        actor,
        action,
        now,
        public=role == "lead",
        detail={"agency": agency.code, "agency_name_th": agency.name_th, "role": role},
    )
    journal.enqueue(
        session,
        case,
        "case_referred",
        f"agency:{agency.code}",
        now,
        {"case_id": case.id, "agency": agency.code, "role": role},
    )
    if role == "lead":
        notify_event(session, case, "case_referred", now)  # the complainant hears who acts
    session.flush()
    return referral
