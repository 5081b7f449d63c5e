"""The complainant's identity: Thai national IDs checked and masked, names and contacts masked,
and what each reader may see of who complained.

Issue 13's identity filter builds on `complainant_view`: every route that shows a complainant
asks it, so the rule lives here once.
"""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from engine.access import numbers
from engine.access.rules import Actor
from engine.models import Case, CaseAttachment, CaseNote, Referral


def normalize_national_id(text: str) -> str:
    """A national ID as typed, without separators (spaces, dashes, / . _ brackets) and with
    full-width and Thai digits made ASCII: the identity filter's own normalisation."""
    return re.sub(numbers.SEPARATOR, "", numbers.normalize(text or ""))


def national_id_check_digit(first12: str) -> int:
    """The 13th digit of a Thai national ID: (11 - Σ digit[i]·(13 - i) mod 11) mod 10."""
    total = sum(int(digit) * (13 - i) for i, digit in enumerate(first12))
    return (11 - total % 11) % 10


def is_valid_national_id(text: str) -> bool:
    """Whether the text is a 13-digit Thai national ID whose check digit matches."""
    nid = normalize_national_id(text)
    if len(nid) != 13 or not (nid.isascii() and nid.isdigit()):
        return False
    return national_id_check_digit(nid[:12]) == int(nid[12])


def mask_national_id(nid: str) -> str:
    """The ID in its usual 1-4-5-2-1 grouping with all but the last 3 digits hidden.

    `1101700203450` becomes `x-xxxx-xxxxx-45-0`; anything not 13 digits is hidden entirely.
    """
    digits = normalize_national_id(nid)
    if len(digits) != 13 or not digits.isdigit():
        return "x" * len(digits)
    return f"x-xxxx-xxxxx-{digits[10:12]}-{digits[12]}"


def mask_phone(phone: str) -> str:
    """A phone number with its first two and last four digits shown: `08x-xxx-5678`."""
    digits = re.sub(r"\D", "", normalize_national_id(phone))
    if digits.startswith("66") and len(digits) in (10, 11):
        digits = "0" + digits[2:]  # +66 8x... is 08x... at home
    if len(digits) < 8:
        return "x" * len(digits)
    if len(digits) == 10:  # mobile: 08x-xxx-xxxx
        return f"{digits[:2]}x-xxx-{digits[6:]}"
    if len(digits) == 9:  # Bangkok landline: 02-xxx-xxxx
        return f"{digits[:2]}-xxx-{digits[5:]}"
    return digits[:2] + "x" * (len(digits) - 6) + digits[-4:]


_THAI_LEADING_VOWELS = "เแโใไ"


def mask_name(name: str) -> str:
    """Each word's first letter then `***`: `สมหญิง รักงาน` becomes `ส*** ร***`."""
    masked = []
    for word in (name or "").split():
        # A Thai leading vowel is written before its consonant: show the consonant too.
        keep = 2 if word[0] in _THAI_LEADING_VOWELS and len(word) > 1 else 1
        masked.append(word[:keep] + "***")
    return " ".join(masked)


def mask_email(email: str) -> str:
    """The mailbox's first letter then `***`, with the domain kept: `s***@example.com`."""
    local, at, domain = (email or "").strip().rpartition("@")
    if not at or not local:
        return mask_name(email)
    return f"{local[0]}***@{domain}"


def may_see_complainant(actor: Actor, case: Case) -> bool:
    """Agencies never learn who complained when the complainant asked for confidentiality."""
    if actor.kind == "system":
        return True
    if actor.is_agency_staff:
        return not (case.confidential or case.anonymous)
    return actor.is_center_staff and not case.anonymous


def may_see_full_national_id(actor: Actor) -> bool:
    """Only a center's officers (intake, screeners, supervisors) need the full national ID."""
    return actor.is_center_officer


def complainant_view(actor: Actor, case: Case) -> dict | None:
    """The complainant as this reader may see them; None when their identity is withheld.

    Name, national ID (whole for a center's officers, masked for everyone else), phone, e-mail
    and the language they asked to be answered in."""
    if not may_see_complainant(actor, case):
        return None
    nid = case.complainant_national_id
    if nid and not may_see_full_national_id(actor):
        nid = mask_national_id(nid)
    return {
        "name": case.complainant_name,
        "national_id": nid,
        "phone": case.complainant_phone,
        "email": case.complainant_email,
        "preferred_language": case.preferred_language,
    }


# Notes an agency reads: its own steps' and the center's answers and send-backs, never the
# screening notes (which may name the complainant or discuss them).
AGENCY_NOTE_STEPS = frozenset({"agency_acknowledge", "agency_handle", "answer_agency", "review"})
INTERNAL_NOTE_KINDS = frozenset({"officer_name"})


def visible_notes(session: Session, actor: Actor, case_id: int) -> list[CaseNote]:
    """The case's notes this agency may read, oldest first: the agencies' own (lead and
    co-handlers report to each other), the center's answers and send-backs, public notes."""
    agencies = set(
        session.scalars(
            select(Referral.agency_id).where(Referral.case_id == case_id, Referral.active.is_(True))
        )
    )
    notes = session.scalars(
        select(CaseNote).where(CaseNote.case_id == case_id).order_by(CaseNote.id)
    )
    return [
        n
        for n in notes
        if n.kind not in INTERNAL_NOTE_KINDS
        and (n.step in AGENCY_NOTE_STEPS or n.public or n.org_unit_id in agencies)
    ]


def attachment_visibility(case: Case) -> ColumnElement[bool]:
    """The attachments of a case an agency may have: never one an officer withheld, and the
    complainant's own files only when they did not ask for confidentiality."""
    condition = CaseAttachment.withheld.is_(False)
    if case.confidential or case.anonymous:
        condition = and_(condition, CaseAttachment.org_unit_id.is_not(None))
    return condition
