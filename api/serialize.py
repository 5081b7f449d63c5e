"""JSON shapes of cases, tasks and events, filtered by what the caller may see."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import identity, redaction
from engine.access.rules import Actor
from engine.cases import casefiles
from engine.holders import active_referrals
from engine.models import AuditEvent, Case, Task
from engine.sla import policies
from engine.sla.calendar import GovernmentCalendar
from engine.statuses import STATUSES, status_label


def instant(value: datetime | None) -> str | None:
    """An ISO 8601 UTC instant, or None."""
    return value.isoformat() if value else None


def task_json(task: Task, lang: str, now: datetime, calendar: GovernmentCalendar) -> dict:
    """A task as the inbox lists it, with its SLA state and working days left."""
    remaining = calendar.working_days_between(now, task.due_at) if task.due_at else None
    return {
        "id": task.id,
        "case_id": task.case_id,
        "step": task.step,
        "name": task.name_th if lang == "th" else task.name_en,
        "role": task.role,
        "org_unit_id": task.org_unit_id,
        "area_code": task.area_code,
        "category": task.category_code,
        "case_status": task.case_status,
        "assignee_id": task.assignee_id,
        "created_at": instant(task.created_at),
        "due_at": instant(task.due_at),
        "sla_state": policies.state_now(task.due_at, task.at_risk_at, now),
        "remaining_working_days": remaining,
    }


def case_summary(case: Case, lang: str) -> dict:
    """A case as a list shows it (no personal data)."""
    return {
        "id": case.id,
        "tracking_code": case.tracking_code,
        "registration_number": case.registration_number,
        "status": case.status,
        "status_label": status_label(case.status, lang),
        "open311_status": STATUSES[case.status].open311,
        "title": case.title,
        "category": case.category_code,
        "area_code": case.area_code,
        "channel": case.channel,
        "center": case.center.code,
        "created_at": instant(case.created_at),
        "updated_at": instant(case.updated_at),
        "closed_at": instant(case.closed_at),
    }


def case_summary_for(session: Session, actor: Actor, case: Case, lang: str) -> dict:
    """A case as a list shows it to this reader: an agency reads its title through the filter."""
    body = case_summary(case, lang)
    redactor = redaction.text_filter(session, actor, case)
    if redactor:
        body["title"] = redactor.text(case.title)
    return body


def case_detail(session: Session, actor: Actor, case: Case, lang: str, now: datetime) -> dict:
    """A case in full, with only the personal data this caller may see."""
    body = case_summary(case, lang)
    calendar = policies.calendar(session)
    # An agency reads free text through the identity filter, and only the notes meant for it.
    redactor = redaction.text_filter(session, actor, case)
    clean = redactor.text if redactor else (lambda text: text)
    body["title"] = clean(case.title)
    body.update(
        due_at=instant(case.due_at),
        sla_state=policies.state_now(case.due_at, case.at_risk_at, now),
        remaining_working_days=(
            calendar.working_days_between(now, case.due_at) if case.due_at else None
        ),
        description=clean(case.description),
        address_text=clean(case.address_text),
        lat=case.lat,
        lon=case.lon,
        resolution=case.resolution,
        confidential=case.confidential,
        anonymous=case.anonymous,
        version=case.version,
        escalation_level=case.escalation_level,
        complainant=identity.complainant_view(actor, case),
        referrals=[
            {
                "agency": r.agency.code,
                "agency_name": r.agency.name_th if lang == "th" else r.agency.name_en,
                "role": r.role,
                "since": instant(r.created_at),
            }
            for r in active_referrals(session, case.id)
        ],
        tasks=[
            task_json(t, lang, now, calendar)
            for t in session.scalars(select(Task).where(Task.case_id == case.id).order_by(Task.id))
        ],
        notes=[
            {
                "kind": n.kind,
                "step": n.step,
                "body": clean(n.body),
                "public": n.public,
                "author": n.author_label,
                "created_at": instant(n.created_at),
            }
            for n in casefiles.readable_notes(session, actor, case.id)
        ],
    )
    return body


def event_json(event: AuditEvent, lang: str, redactor: redaction.Redactor | None = None) -> dict:
    """An audit event as a timeline entry (its detail through the reader's identity filter)."""
    return {
        "id": event.id,
        "at": instant(event.at),
        "actor": event.actor_label,
        "action": event.action,
        "step": event.step,
        "status_before": event.status_before,
        "status_after": event.status_after,
        "status_label": status_label(event.status_after, lang) if event.status_after else None,
        "public": event.public,
        "detail": redactor.value(event.detail) if redactor else event.detail,
    }
