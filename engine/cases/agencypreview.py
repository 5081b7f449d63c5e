"""What an agency receiving a case will read of it, for the center officer who refers it: the
same identity filter and redaction the agency's own pages and API go through, so the preview
cannot say less (or more) than the agency gets."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import redaction
from engine.access.identity import attachment_visibility, complainant_view
from engine.access.rules import Actor
from engine.models import Case, CaseAttachment

# Any officer of a receiving agency: what they read depends on the case, not on which agency.
AGENCY_READER = Actor(
    kind="staff",
    label="agency preview",
    roles=frozenset({"agency_officer"}),
    org_unit_kind="agency",
)


@dataclass(frozen=True)
class AgencyPreview:
    """The complainant as the agency sees them (None: withheld), the free text after redaction,
    the files the agency may open, and how many of the complainant's files it does not get."""

    complainant: dict | None
    title: str
    description: str
    place: str
    files: list[CaseAttachment]
    files_withheld: int


def agency_preview(session: Session, case: Case) -> AgencyPreview:
    """The case as an agency officer will read it."""
    clean = redaction.text_filter(session, AGENCY_READER, case) or redaction.Redactor([])
    every = list(
        session.scalars(
            select(CaseAttachment)
            .where(CaseAttachment.case_id == case.id)
            .order_by(CaseAttachment.id)
        )
    )
    shown_ids = set(
        session.scalars(
            select(CaseAttachment.id).where(
                CaseAttachment.case_id == case.id, attachment_visibility(case)
            )
        )
    )
    files = [f for f in every if f.id in shown_ids]
    return AgencyPreview(
        complainant=complainant_view(AGENCY_READER, case),
        title=clean.text(case.title) or "",
        description=clean.text(case.description) or "",
        place=clean.text(case.address_text) or "",
        files=files,
        files_withheld=len(every) - len(files),
    )
