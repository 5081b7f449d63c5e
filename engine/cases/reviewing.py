"""What a review task reviews: the agency's submitted result as the center's reviewer judges it.

The review task's page draws it: which agency reported, who submitted it and when, the result
text, the progress reports before it, and the files the agency attached. Only an official who
may work the review task gets it (engine/access decides, through `get_task`); for any other
task there is nothing to review.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access.rules import Actor
from engine.cases.tasks import get_task
from engine.models import CaseAttachment, CaseNote, OrgUnit, Referral

REVIEW_FORM = "review"  # the center's review of an agency's result (processes/forms/review.json)
RESULT = "result_text"  # the agency's result, as its form stores it (a case note)
PROGRESS = "progress_note"


@dataclass
class ReviewMaterial:
    """The agency's result under review, with the reports and files that came with it."""

    agency: OrgUnit | None
    result: CaseNote | None
    reports: list[CaseNote] = field(default_factory=list)
    files: list[CaseAttachment] = field(default_factory=list)


def review_material(session: Session, actor: Actor, task_id: int) -> ReviewMaterial | None:
    """The result a review task reviews, for an official who may work that task (others get
    PermissionDenied, a task that does not exist TaskNotFound); None for any other kind of task."""
    task = get_task(session, actor, task_id)
    if task.form != REVIEW_FORM:
        return None
    case_id = task.case_id
    result = session.scalar(
        select(CaseNote)
        .where(CaseNote.case_id == case_id, CaseNote.kind == RESULT)
        .order_by(CaseNote.id.desc())
        .limit(1)
    )
    if result is None or result.org_unit_id is None:
        return ReviewMaterial(agency=None, result=result)
    agency = session.get(OrgUnit, result.org_unit_id)
    since = session.scalar(
        select(Referral.created_at)
        .where(Referral.case_id == case_id, Referral.agency_id == result.org_unit_id)
        .order_by(Referral.id.desc())
        .limit(1)
    )
    reports = select(CaseNote).where(
        CaseNote.case_id == case_id,
        CaseNote.kind == PROGRESS,
        CaseNote.org_unit_id == result.org_unit_id,
        CaseNote.id < result.id,
    )
    files = select(CaseAttachment).where(
        CaseAttachment.case_id == case_id, CaseAttachment.org_unit_id == result.org_unit_id
    )
    if since is not None:
        reports = reports.where(CaseNote.created_at >= since)
        files = files.where(CaseAttachment.created_at >= since)
    return ReviewMaterial(
        agency=agency,
        result=result,
        reports=list(session.scalars(reports.order_by(CaseNote.id))),
        files=list(session.scalars(files.order_by(CaseAttachment.id))),
    )
