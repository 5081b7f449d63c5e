"""What a template may use: a small, fixed dictionary, never a model object.

Staff and agency messages carry no complainant identity at all (confidential complainants'
names never reach agencies); a citizen's message greets them by name unless anonymous.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import redaction
from engine.cases import disclosure
from engine.models import (
    Area,
    Case,
    Category,
    ForwardRequest,
    OrgUnit,
    Referral,
    Task,
)
from engine.statuses import STATUSES

TRACK_PATH = "/portal/track?code={code}"  # the portal asks for the secret, code filled in
CASE_PATH = "/staff/cases/{id}"  # the staff web's case workspace
NOTE_EVENTS = frozenset(
    {
        "progress_reported",
        "result_ready",
        "info_requested",
        "case_rejected",
        "case_closed_unresolvable",
    }
)


def template_name(event: str, recipient: str, audience: str) -> str:
    """The template for an event and audience (`citizen/…` or `staff/…`)."""
    if audience == "citizen":
        return f"citizen/{event}"
    if event == "task_created":
        return "staff/new_task"
    if event == "sla_breached" and recipient.endswith(":supervisor"):
        return "staff/escalation"  # the deadline sweep tells supervisors: they must act
    return f"staff/{event}"


def build(
    session: Session,
    case_id: int | None,
    event: str,
    payload: Mapping[str, Any],
    audience: str,
    lang: str,
    base_url: str,
) -> dict[str, Any]:
    """The template context for one message."""
    base_url = base_url.rstrip("/")
    context: dict[str, Any] = {
        "lang": lang,
        "event": event,
        "base_url": base_url,
        "case": None,
        "name": None,
        "tracking_url": base_url,
        "case_url": base_url,
        "agency": None,
        "role": payload.get("role"),
        "note": None,
        "task": None,
        "forward": None,
        "items": list(payload.get("items") or []),
        "counts": payload.get("counts"),
        "today": payload.get("date"),
    }
    case = session.get(Case, case_id) if case_id is not None else None
    if case is None:
        return context
    context["case"] = _case(session, case, lang, audience)
    context["tracking_url"] = base_url + TRACK_PATH.format(code=case.tracking_code)
    context["case_url"] = base_url + CASE_PATH.format(id=case.id)
    if audience == "citizen" and not case.anonymous:
        context["name"] = case.complainant_name
    context["agency"] = _agency_name(session, case, payload, lang)
    if audience == "citizen" and event in NOTE_EVENTS:
        context["note"] = _citizen_note(session, case, event)
    if payload.get("step"):
        context["task"] = _task(session, case.id, str(payload["step"]), payload, lang)
    if audience == "staff" and payload.get("forward_request_id"):
        context["forward"] = _forward(session, payload["forward_request_id"], lang)
    return context


def _forward(session: Session, request_id: object, lang: str) -> dict[str, Any] | None:
    """An agency's forward request, for the center officers who decide it."""
    request = session.get(ForwardRequest, request_id) if isinstance(request_id, int) else None
    if request is None:
        return None
    units = [session.get(OrgUnit, i) for i in (request.from_agency_id, request.to_agency_id)]
    names = [(u.name_th if lang == "th" else u.name_en) if u else "" for u in units]
    return {
        "from_agency": names[0],
        "to_agency": names[1],
        "reason": request.reason,
        "requested_by": request.requested_by,
        "requested_at": request.requested_at,
    }


def _case(session: Session, case: Case, lang: str, audience: str) -> dict[str, Any]:
    # A message to staff may go to an agency's officers: its title passes the identity filter
    # (the citizen gets their own words back).
    title = (
        case.title if audience == "citizen" else redaction.for_case(session, case).text(case.title)
    )
    category = session.get(Category, case.category_code)
    area = session.get(Area, case.area_code)
    status = STATUSES.get(case.status)
    pick = lambda th, en: th if lang == "th" else en  # noqa: E731
    return {
        "id": case.id,
        "tracking_code": case.tracking_code,
        "registration_number": case.registration_number,
        "title": title,
        "status": case.status,
        "status_label": pick(status.name_th, status.name_en) if status else case.status,
        "category": pick(category.name_th, category.name_en) if category else case.category_code,
        "area": pick(area.name_th, area.name_en) if area else case.area_code,
        "center": pick(case.center.name_th, case.center.name_en),
        "created_at": case.created_at,
        "due_at": case.due_at,
    }


def _agency_name(session: Session, case: Case, payload: Mapping[str, Any], lang: str) -> str | None:
    unit = None
    if payload.get("agency"):
        unit = session.scalar(select(OrgUnit).where(OrgUnit.code == str(payload["agency"])))
    if unit is None:
        referral = session.scalar(
            select(Referral)
            .where(Referral.case_id == case.id, Referral.role == "lead")
            .order_by(Referral.active.desc(), Referral.id.desc())
            .limit(1)
        )
        unit = referral.agency if referral else None
    if unit is None:
        return None
    return unit.name_th if lang == "th" else unit.name_en


def _citizen_note(session: Session, case: Case, event: str) -> str | None:
    """What a citizen's message may quote (engine/cases/disclosure.py decides): the result the
    center accepted, or the center's own words; never an agency's unchecked progress text."""
    if event == "progress_reported":
        return None
    if event == "result_ready":
        return disclosure.accepted_result(session, case)
    return disclosure.latest_center_note(session, case)


def _task(
    session: Session, case_id: int, step: str, payload: Mapping[str, Any], lang: str
) -> dict[str, Any]:
    task = session.scalar(
        select(Task).where(Task.case_id == case_id, Task.step == step).order_by(Task.id.desc())
    )
    due = payload.get("due_at") or (task.due_at if task else None)
    if isinstance(due, str):
        due = datetime.fromisoformat(due)
    name = (task.name_th if lang == "th" else task.name_en) if task else step
    return {"step": step, "name": name, "due_at": due}


def webhook_body(
    session: Session, case_id: int | None, event: str, payload: Mapping[str, Any], key: str
) -> dict[str, Any]:
    """The JSON an agency's system receives: ids and status, never the complainant."""
    body: dict[str, Any] = {"id": key, "event": event, "case_id": case_id}
    case = session.get(Case, case_id) if case_id is not None else None
    if case is not None:
        body.update(
            tracking_code=case.tracking_code,
            registration_number=case.registration_number,
            status=case.status,
            category=case.category_code,
            area_code=case.area_code,
            # The agency's own filter: a confidential complainant's name never leaves in a title.
            title=redaction.for_case(session, case).text(case.title),
            due_at=case.due_at.isoformat() if case.due_at else None,
            api_url=f"/api/v1/agency/cases/{case.id}",
        )
    body["data"] = {k: v for k, v in payload.items() if k in ("agency", "role", "step", "due_at")}
    return body


SAMPLE: dict[str, Any] = {
    "event": "sample",
    "base_url": "https://damrong.example.go.th",
    "case": {
        "id": 1,
        "tracking_code": "K7Q2M9XD",
        "registration_number": "ดธ.5001/2569/000123",
        "title": "นายจ้างค้างจ่ายค่าจ้าง",
        "status": "referred",
        "status_label": "ส่งต่อหน่วยงานแล้ว",
        "category": "แรงงาน",
        "area": "ศรีภูมิ",
        "center": "ศูนย์ดำรงธรรมอำเภอเมืองเชียงใหม่",
        "created_at": datetime.fromisoformat("2026-11-23T02:15:00+00:00"),
        "due_at": datetime.fromisoformat("2026-12-14T09:30:00+00:00"),
    },
    "name": "สมหญิง รักงาน",
    "tracking_url": "https://damrong.example.go.th/portal/track?code=K7Q2M9XD",
    "case_url": "https://damrong.example.go.th/staff/cases/1",
    "agency": "กระทรวงแรงงาน",
    "role": "lead",
    "note": "เจ้าหน้าที่ได้ลงพื้นที่ตรวจสอบแล้ว",
    "task": {
        "step": "agency_handle",
        "name": "ดำเนินการตามเรื่อง",
        "due_at": datetime.fromisoformat("2026-12-14T09:30:00+00:00"),
    },
    "forward": {
        "from_agency": "กระทรวงแรงงาน",
        "to_agency": "กรมส่งเสริมการปกครองท้องถิ่น",
        "reason": "เป็นอำนาจขององค์กรปกครองส่วนท้องถิ่น",
        "requested_by": "labour",
        "requested_at": datetime.fromisoformat("2026-11-24T03:00:00+00:00"),
    },
    "items": [
        {
            "at": datetime.fromisoformat("2026-11-23T03:00:00+00:00"),
            "subject": "งานใหม่: ตรวจสอบเรื่อง",
            "case_id": 1,
        }
    ],
    "counts": {"breached": 2, "at_risk": 3, "open": 11},
    "today": datetime.fromisoformat("2026-11-24T01:00:00+00:00"),
}
