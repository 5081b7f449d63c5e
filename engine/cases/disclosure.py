"""What of the agency's work a complainant may read, at this moment: the one rule every
citizen channel draws (the portal's case page, the tracking API, Open311's status notes, the
citizen's notifications and LINE messages).

- The agency's result reaches the complainant only once the center has accepted it: a result
  becomes readable when the case next reaches a result status (resolved or closed) without being
  sent back first. While the center reviews it the complainant reads a fixed line
  (`REVIEW_LINE`); after a send-back the case is in progress again, still without the draft.
- An agency's progress reports (and any note an agency officer marked public) are drafts the
  center has not checked: the complainant learns that work went on, and when, never the text.
  The center speaks to the complainant in its own public notes (the review's note to the
  complainant, a public comment), which are shown as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import AuditEvent, Case, CaseNote, OrgUnit

RESULT_KINDS = frozenset({"result_text"})  # held until the center accepts them
PROGRESS_KINDS = frozenset({"progress_note"})  # shown as a dated fact, never as text
RESULT_STATUSES = frozenset({"resolved", "closed"})
REVIEW_LINE = (
    "ศูนย์ดำรงธรรมกำลังตรวจสอบผลการดำเนินงานจากหน่วยงาน",
    "The Damrongdhamma Center is checking the agency's report on its work.",
)
PROGRESS_LINE = ("หน่วยงานรายงานความคืบหน้า", "The agency reported progress")


@dataclass(frozen=True)
class CitizenNote:
    """One note as the complainant may read it: `text` is None for an agency's progress."""

    at: datetime
    kind: str  # "result" (accepted), "progress" (a fact only) or "note" (the center's words)
    text: str | None


def citizen_notes(session: Session, case: Case) -> list[CitizenNote]:
    """The notes the complainant may read now, oldest first."""
    notes = session.scalars(
        select(CaseNote)
        .where(CaseNote.case_id == case.id, CaseNote.public.is_(True))
        .order_by(CaseNote.created_at, CaseNote.id)
    ).all()
    reading, accepted = _readings(session, case.id, notes)
    shown = []
    for note in notes:
        kind = reading[note.id]
        if kind == "result":  # dated when the center accepted it
            shown.append(CitizenNote(accepted[note.id], kind, note.body))
        elif kind != "held":
            shown.append(
                CitizenNote(note.created_at, kind, None if kind == "progress" else note.body)
            )
    shown.sort(key=lambda n: n.at)
    return shown


def how_citizen_reads(session: Session, case: Case, notes: list[CaseNote]) -> dict[int, str]:
    """For the staff's notes list: how the complainant reads each note now — "note" or "result"
    (as written), "progress" (only that work went on), "held" (a result the center has not
    accepted) or "internal"."""
    public = [note for note in notes if note.public]
    reading, _accepted = _readings(session, case.id, public)
    return {note.id: reading.get(note.id, "internal") for note in notes}


def _readings(
    session: Session, case_id: int, notes: list[CaseNote]
) -> tuple[dict[int, str], dict[int, datetime]]:
    """Each public note's reading for the complainant by the module's rule, and when the center
    accepted each accepted result."""
    agency_units = _agency_units(session, notes)
    accepted = _accepted_results(session, case_id, notes)
    reading = {}
    for note in notes:
        if note.kind in RESULT_KINDS:
            reading[note.id] = "result" if note.id in accepted else "held"
        elif note.kind in PROGRESS_KINDS or note.org_unit_id in agency_units:
            reading[note.id] = "progress"
        else:
            reading[note.id] = "note"
    return reading, accepted


def accepted_result(session: Session, case: Case) -> str | None:
    """The latest agency result the center accepted, as the complainant reads it (or None)."""
    results = [n.text for n in citizen_notes(session, case) if n.kind == "result"]
    return results[-1] if results else None


def latest_center_note(session: Session, case: Case) -> str | None:
    """The center's latest words to the complainant (never an agency's unchecked text)."""
    notes = [n.text for n in citizen_notes(session, case) if n.kind != "progress"]
    return notes[-1] if notes else None


def status_line(case: Case, lang: str = "th") -> str | None:
    """A fixed sentence that stands in for the agency's work while the center reviews it."""
    if case.status != "under_review":
        return None
    return REVIEW_LINE[0] if lang == "th" else REVIEW_LINE[1]


def _agency_units(session: Session, notes: list[CaseNote]) -> set[int]:
    ids = {n.org_unit_id for n in notes if n.org_unit_id is not None}
    if not ids:
        return set()
    query = select(OrgUnit.id).where(OrgUnit.id.in_(ids), OrgUnit.kind == "agency")
    return set(session.scalars(query))


def _accepted_results(session: Session, case_id: int, notes: list[CaseNote]) -> dict[int, datetime]:
    """Result notes the center accepted (id → when), read from the audit trail in order: a result is
    pending from the task completion that wrote it; the case then reaching a result status
    accepts it, and any other status than review (a send-back) discards it."""
    results = {(n.step, n.created_at): n.id for n in notes if n.kind in RESULT_KINDS}
    if not results:
        return {}
    events = session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.case_id == case_id,
            AuditEvent.action.in_(("task_completed", "status_changed")),
        )
        .order_by(AuditEvent.id)
    )
    accepted: dict[int, datetime] = {}
    pending: int | None = None
    for event in events:
        if event.action == "task_completed":
            pending = results.get((event.step, event.at), pending)
        elif event.status_after in RESULT_STATUSES:
            if pending is not None:
                accepted.setdefault(pending, event.at)
            pending = None
        elif event.status_after != "under_review":
            pending = None
    return accepted
