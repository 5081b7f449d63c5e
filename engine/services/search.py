"""Finding a case: by tracking code, by the complainant's phone, or by words of its text.

Thai is written without spaces, so words are found as substrings of the title and description
(LIKE with escaping, on SQLite and PostgreSQL). Only cases the actor may see are searched, and a
phone number only finds cases whose complainant the actor may see.
"""

from __future__ import annotations

import re

from sqlalchemy import and_, exists, false, func, or_, select
from sqlalchemy.orm import Session

from engine import identity
from engine.access import Actor, case_visibility
from engine.errors import ValidationFailed
from engine.models import Case, CaseRedaction

MAX_QUERY = 100
_PHONE = re.compile(r"^\+?[0-9][0-9 -]{7,14}$")


def _phone_digits(text: str) -> str | None:
    if not _PHONE.fullmatch(text):
        return None
    digits = re.sub(r"\D", "", text)
    if digits.startswith("66") and len(digits) in (10, 11):
        digits = "0" + digits[2:]
    return digits if 9 <= len(digits) <= 10 else None


def _phone_condition(actor: Actor, digits: str):  # type: ignore[no-untyped-def]
    """A phone number reveals who complained: only where the actor may see the complainant."""
    if actor.kind == "system":
        return Case.complainant_phone == digits
    if actor.is_agency_staff:
        return (
            (Case.complainant_phone == digits)
            & Case.confidential.is_(False)
            & Case.anonymous.is_(False)
        )
    if actor.is_center_staff:
        return (Case.complainant_phone == digits) & Case.anonymous.is_(False)
    return false()


def search_cases(
    session: Session, actor: Actor, text: str, limit: int = 50, offset: int = 0
) -> tuple[list[Case], int]:
    """Visible cases matching a tracking code, a phone number or words, newest first."""
    query_text = " ".join((text or "").split())
    if not query_text or len(query_text) > MAX_QUERY or "\x00" in query_text:
        raise ValidationFailed.one(
            "q",
            f"กรุณาพิมพ์คำค้น (ไม่เกิน {MAX_QUERY} ตัวอักษร)",
            f"Type what to look for ({MAX_QUERY} characters at most).",
        )
    conditions = []
    if identity.is_valid_tracking_code(query_text):
        conditions.append(Case.tracking_code == identity.normalize_tracking_code(query_text))
    digits = _phone_digits(query_text)
    if digits:
        conditions.append(_phone_condition(actor, digits))
    words = _all_words(query_text.split(" "))
    if actor.is_agency_staff:
        # An agency reads filtered text: its words must not find what the filter hides.
        words = words & Case.confidential.is_(False) & Case.anonymous.is_(False)
        words = words & ~exists().where(CaseRedaction.case_id == Case.id)
    conditions.append(words)
    query = select(Case).where(case_visibility(actor), or_(*conditions))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Case.created_at.desc(), Case.id.desc()).limit(limit).offset(offset)
    ).all()
    return list(rows), int(total)


def _all_words(words: list[str]):  # type: ignore[no-untyped-def]
    """Every word occurs in the title or the description (as a substring: Thai has no spaces)."""
    return and_(
        *[
            or_(
                Case.title.contains(word, autoescape=True),
                Case.description.contains(word, autoescape=True),
            )
            for word in words
        ]
    )
