"""What an official reads of a case: notes, attached files and related cases.

An agency reads a confidential (or anonymous) complainant's case through the same identity
filter as its API (text_filter in engine/access/redaction.py), only the notes meant for it, and
only the files it may have (engine/access/identity.py).
"""

from __future__ import annotations

import re

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine import journal
from engine.access.checks import check_can_contribute, check_may_attach_here
from engine.access.identity import attachment_visibility, may_see_complainant, visible_notes
from engine.access.rules import Actor, case_visibility
from engine.cases import files
from engine.cases.intake import get_case
from engine.clock import Clock
from engine.db import require_transaction
from engine.errors import CaseNotFound, ValidationFailed
from engine.models import Case, CaseAttachment, CaseNote
from engine.workflow import runner


def readable_notes(session: Session, actor: Actor, case_id: int) -> list[CaseNote]:
    """The case's notes this official may read, oldest first."""
    get_case(session, actor, case_id)
    if actor.is_agency_staff:
        return visible_notes(session, actor, case_id)
    return list(
        session.scalars(select(CaseNote).where(CaseNote.case_id == case_id).order_by(CaseNote.id))
    )


def list_attachments(session: Session, actor: Actor, case_id: int) -> list[CaseAttachment]:
    """The files attached to a case the official may see (contents not loaded)."""
    case = get_case(session, actor, case_id)
    query = select(CaseAttachment).where(CaseAttachment.case_id == case_id)
    if actor.is_agency_staff:
        query = query.where(attachment_visibility(case))
    return list(session.scalars(query.order_by(CaseAttachment.id)))


def get_attachment(
    session: Session, actor: Actor, case_id: int, attachment_id: int
) -> CaseAttachment:
    """One file of a case the official may see; a file of another case is not found, and an
    agency never gets a file withheld from it (or a confidential complainant's own files)."""
    case = get_case(session, actor, case_id)
    query = select(CaseAttachment).where(
        CaseAttachment.id == attachment_id, CaseAttachment.case_id == case_id
    )
    if actor.is_agency_staff:
        query = query.where(attachment_visibility(case))
    row = session.scalar(query)
    if row is None:
        raise CaseNotFound("There is no such attachment.", "ไม่พบไฟล์แนบนี้")
    return row


def related_cases(session: Session, actor: Actor, case: Case, limit: int = 10) -> list[Case]:
    """Visible cases linked to this one: the case it duplicates, its duplicates, and (for those
    who may see the complainant) other cases from the same phone number; newest first."""
    links = [Case.duplicate_of_id == case.id]
    if case.duplicate_of_id is not None:
        links.append(Case.id == case.duplicate_of_id)
    if case.complainant_phone and may_see_complainant(actor, case) and not actor.is_agency_staff:
        links.append((Case.complainant_phone == case.complainant_phone) & Case.anonymous.is_(False))
    query = (
        select(Case)
        .where(case_visibility(actor), Case.id != case.id, or_(*links))
        .order_by(Case.created_at.desc(), Case.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


MAX_FILE_BYTES = 1536 * 1024  # the whole request is limited to 2 MB
MAX_SIDE = 2048
STAFF_IMAGE_FORMATS = frozenset({"JPEG", "PNG"})
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


def add_attachment(
    session: Session, clock: Clock, actor: Actor, case_id: int, filename: str, data: bytes
) -> CaseAttachment:
    """An official attaches a PDF or an image (checked by content; images re-encoded, so no
    EXIF or GPS data survives) to a case they may see. Audited."""
    require_transaction(session)
    check_may_attach_here(actor)
    case = runner.lock_case(session, case_id)
    get_case(session, actor, case_id)
    check_can_contribute(actor)
    name = _UNSAFE_NAME.sub("_", (filename or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = name.strip(" ._")[-120:] or "file"
    content_type, content = _checked(name, data)
    now = clock()
    row = files.store_attachment(session, case, actor, None, name, content_type, content, now)
    case.updated_at = now
    journal.record(
        session, case, actor, "attachment_added", now, detail={"file": name, "size": len(content)}
    )
    session.flush()
    return row


def _checked(name: str, data: bytes) -> tuple[str, bytes]:
    if not data or len(data) > MAX_FILE_BYTES:
        raise ValidationFailed.one(
            "file",
            f"ไฟล์ «{name}» ต้องมีขนาดไม่เกิน {MAX_FILE_BYTES // 1024} KB และไม่ว่างเปล่า",
            f"The file «{name}» must be non-empty and at most {MAX_FILE_BYTES // 1024} KB.",
        )
    if data.startswith(b"%PDF-"):
        return "application/pdf", data
    try:
        return files.reencode_image(data, MAX_SIDE, STAFF_IMAGE_FORMATS)
    except (files.NotAnImage, files.TooManyPixels) as exc:
        raise ValidationFailed.one(
            "file",
            f"ไฟล์ «{name}» ไม่ใช่ PDF หรือรูปภาพ JPEG/PNG ที่อ่านได้",
            f"The file «{name}» is not a readable PDF, JPEG or PNG.",
        ) from exc
