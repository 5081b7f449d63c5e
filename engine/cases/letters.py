"""Who a referral letter is from and to, and the image at its top.

A letter is addressed to the receiving unit's head by position (เรียน ปลัดกระทรวงแรงงาน), signed
by the official who prints it (their name in parentheses, their position beneath), under their
center's letterhead image or the national default. Administrators change the images here, audited.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine import journal
from engine.access.checks import check_may_manage_letterheads
from engine.access.rules import Actor
from engine.errors import NotFound, ValidationFailed
from engine.models import Letterhead, OrgUnit, User
from engine.reference import letterheads
from engine.text import check_text

POSITION_LIMIT = 200


@dataclass(frozen=True)
class Signer:
    """The signature block: the official's full name and the position they sign in."""

    name: str
    position: str


def head_position(unit: OrgUnit) -> str:
    """Whom a letter to the unit is addressed to: its head's position, else 'หัวหน้า' + its name."""
    return (unit.head_position_th or "").strip() or f"หัวหน้า{unit.name_th}"


def signer(session: Session, actor: Actor) -> Signer:
    """The printing official's name and position (as an officer of their unit when none is set)."""
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    if user is None:
        return Signer("..........................................", "")
    position = (user.position or "").strip() or f"เจ้าหน้าที่{user.org_unit.name_th}"
    return Signer(user.display_name, position)


def set_own_position(session: Session, now: datetime, actor: Actor, position: str) -> str:
    """An official's own position as they sign letters (empty: none); audited, returned clean."""
    if actor.user_id is None:
        raise NotFound("No staff account.", "ไม่พบบัญชีเจ้าหน้าที่")
    if len(position) > POSITION_LIMIT:
        raise ValidationFailed.one(
            "position",
            f"ตำแหน่งยาวเกิน {POSITION_LIMIT} ตัวอักษร",
            f"The position is longer than {POSITION_LIMIT} characters.",
        )
    clean = " ".join(
        (check_text("position", position, POSITION_LIMIT, required=False) or "").split()
    )
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound("No staff account.", "ไม่พบบัญชีเจ้าหน้าที่")
    if (user.position or "") != clean:
        detail = {"user": user.username, "before": user.position or "", "after": clean}
        journal.record(session, None, actor, "position_changed", now, detail=detail)
    user.position = clean or None
    return clean


def own_position(session: Session, actor: Actor) -> str:
    """The position the official has set for their letters ('' when none)."""
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    return (user.position or "") if user is not None else ""


def list_letterheads(session: Session, actor: Actor) -> list[tuple[Letterhead, OrgUnit | None]]:
    """Every stored letterhead with its unit (None: the national default), default first."""
    check_may_manage_letterheads(actor)
    rows = session.execute(
        select(Letterhead, OrgUnit)
        .outerjoin(OrgUnit, OrgUnit.id == Letterhead.org_unit_id)
        .order_by(Letterhead.org_unit_id.is_not(None), OrgUnit.code, Letterhead.id)
    ).all()
    return [(row, unit) for row, unit in rows]


def _unit(session: Session, org_unit_id: int | None) -> OrgUnit | None:
    if org_unit_id is None:
        return None
    unit = session.get(OrgUnit, org_unit_id)
    if unit is None:
        raise NotFound(f"No org unit {org_unit_id}.", f"ไม่พบหน่วยงานหมายเลข {org_unit_id}")
    return unit


def upload_letterhead(
    session: Session, now: datetime, actor: Actor, org_unit_id: int | None, data: bytes
) -> Letterhead:
    """Check and keep a unit's letterhead (None: the national default), replacing its old one."""
    check_may_manage_letterheads(actor)
    unit = _unit(session, org_unit_id)
    image = letterheads.check_image(data)
    scope = (
        Letterhead.org_unit_id.is_(None)
        if org_unit_id is None
        else Letterhead.org_unit_id == org_unit_id
    )
    session.execute(delete(Letterhead).where(scope))
    row = Letterhead(
        org_unit_id=org_unit_id,
        content_type=image.content_type,
        content=image.content,
        width=image.width,
        height=image.height,
        sha256=hashlib.sha256(image.content).hexdigest(),
        uploaded_by=actor.label,
        uploaded_at=now,
    )
    session.add(row)
    session.flush()
    detail = {
        "letterhead_id": row.id,
        "org_unit": unit.code if unit else "national",
        "size": f"{image.width}x{image.height}",
        "sha256": row.sha256,
    }
    journal.record(session, None, actor, "letterhead_uploaded", now, detail=detail)
    return row


def remove_letterhead(session: Session, now: datetime, actor: Actor, letterhead_id: int) -> None:
    """Take a letterhead away: that unit's letters fall back to the national default."""
    check_may_manage_letterheads(actor)
    row = session.get(Letterhead, letterhead_id)
    if row is None:
        raise NotFound(f"No letterhead {letterhead_id}.", f"ไม่พบหัวกระดาษหมายเลข {letterhead_id}")
    unit = _unit(session, row.org_unit_id)
    session.delete(row)
    detail = {"letterhead_id": letterhead_id, "org_unit": unit.code if unit else "national"}
    journal.record(session, None, actor, "letterhead_removed", now, detail=detail)


def letterhead_image(session: Session, letterhead_id: int) -> Letterhead:
    """A stored letterhead to serve to signed-in staff (an emblem, no personal data)."""
    row = session.get(Letterhead, letterhead_id)
    if row is None:
        raise NotFound(f"No letterhead {letterhead_id}.", f"ไม่พบหัวกระดาษหมายเลข {letterhead_id}")
    return row
