"""Who holds a case: the referrals in force, read from the referrals table.

Changing who holds a case (refer, reassign, forward, invite) is engine/cases/referrals.py; the
workflow reads the lead agency here to give an agency's task to the right unit.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Referral


def active_referrals(session: Session, case_id: int) -> list[Referral]:
    """The referrals currently in force for a case, lead first."""
    rows = session.scalars(
        select(Referral).where(Referral.case_id == case_id, Referral.active.is_(True))
    ).all()
    return sorted(rows, key=lambda r: (r.role != "lead", r.id))


def lead_agency_id(session: Session, case_id: int) -> int | None:
    """The org unit id of the agency leading the case, if any."""
    leads = [r for r in active_referrals(session, case_id) if r.role == "lead"]
    return leads[0].agency_id if leads else None
