"""Who looked at a confidential complainant's identity: each look by staff is logged (who, when,
which case, through what), and only administrators and the supervisors of the case's own center
may read that log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.access.identity import may_see_complainant
from engine.access.rules import Actor
from engine.errors import PermissionDenied
from engine.models import Case, IdentityView

VIA = frozenset({"case_page", "api_case", "pdf", "letter", "receipt"})


def shows_protected_identity(actor: Actor, case: Case) -> bool:
    """Whether this reader is about to see the identity of a complainant who asked to be kept
    confidential (the look that must be logged)."""
    return actor.kind == "staff" and bool(case.confidential) and may_see_complainant(actor, case)


def record_view(session: Session, now: datetime, actor: Actor, case: Case, via: str) -> bool:
    """Log the look if it shows a confidential complainant's identity; whether it was logged."""
    if via not in VIA:
        raise ValueError(f"unknown way of viewing an identity: {via}")
    if not shows_protected_identity(actor, case):
        return False
    session.add(
        IdentityView(
            case_id=case.id, user_id=actor.user_id, actor_label=actor.label, via=via, at=now
        )
    )
    session.flush()
    return True


def may_read_log(actor: Actor, case: Case) -> bool:
    """Administrators, and supervisors of the case's own center."""
    if actor.kind != "staff":
        return False
    return actor.has("admin") or (actor.has("supervisor") and actor.org_unit_id == case.center_id)


def check_may_read_log(actor: Actor, case: Case) -> None:
    """Refuse anyone else the log of who looked at this complainant's identity."""
    if not may_read_log(actor, case):
        raise PermissionDenied(
            "Only administrators and the supervisors of the case's center may see who viewed "
            "the complainant's identity.",
            "เฉพาะผู้ดูแลระบบและหัวหน้างานของศูนย์ที่รับเรื่องเท่านั้นที่ดูบันทึกการเปิดดูตัวตนผู้ร้องได้",
        )


def list_views(
    session: Session, actor: Actor, case: Case, limit: int = 200, offset: int = 0
) -> tuple[list[IdentityView], int]:
    """The looks at this case's complainant, newest first, for those who may read the log."""
    check_may_read_log(actor, case)
    query = select(IdentityView).where(IdentityView.case_id == case.id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(IdentityView.at.desc(), IdentityView.id.desc()).limit(limit).offset(offset)
    )
    return list(rows), int(total)
