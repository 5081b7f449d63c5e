"""What an official reads of a case: text filtered for agencies, notes and attached files.

An agency reads a confidential (or anonymous) complainant's case through the same identity
filter as its API (engine/redaction.py), and only the notes meant for it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import redaction
from engine.access import Actor
from engine.errors import CaseNotFound
from engine.models import Case, CaseAttachment, CaseNote
from engine.services import agency
from engine.services.cases import get_case


def text_filter(session: Session, actor: Actor, case: Case) -> redaction.Redactor | None:
    """The filter for this official's view of the case's free text (None: read it as it is)."""
    if actor.is_agency_staff:
        return redaction.for_case(session, case)
    return None


def readable_notes(session: Session, actor: Actor, case_id: int) -> list[CaseNote]:
    """The case's notes this official may read, oldest first."""
    get_case(session, actor, case_id)
    if actor.is_agency_staff:
        return agency.visible_notes(session, actor, case_id)
    return list(
        session.scalars(select(CaseNote).where(CaseNote.case_id == case_id).order_by(CaseNote.id))
    )


def list_attachments(session: Session, actor: Actor, case_id: int) -> list[CaseAttachment]:
    """The files attached to a case the official may see (contents not loaded)."""
    get_case(session, actor, case_id)
    return list(
        session.scalars(
            select(CaseAttachment)
            .where(CaseAttachment.case_id == case_id)
            .order_by(CaseAttachment.id)
        )
    )


def get_attachment(
    session: Session, actor: Actor, case_id: int, attachment_id: int
) -> CaseAttachment:
    """One file of a case the official may see; a file of another case is not found."""
    get_case(session, actor, case_id)
    row = session.scalar(
        select(CaseAttachment).where(
            CaseAttachment.id == attachment_id, CaseAttachment.case_id == case_id
        )
    )
    if row is None:
        raise CaseNotFound("There is no such attachment.", "ไม่พบไฟล์แนบนี้")
    return row
