"""The case workspace: summary, complainant (as the role may see), timeline, comments, SLA."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from admin import timeline
from admin.edge import actor, blueprint, reading, services, writing
from engine.access import identity, identitylog, redaction
from engine.access.checks import may_contribute, may_decide_forwards, may_work
from engine.access.rules import Actor
from engine.cases import casefiles, disclosure, forwarding, search
from engine.cases import diagram as diagram_service
from engine.cases import intake as case_service
from engine.errors import ValidationFailed
from engine.holders import active_referrals
from engine.models import Case, Category, OrgUnit, Task
from engine.reference import areas
from engine.sla import policies, supervision
from engine.statuses import OPEN_STATUSES, STATUSES
from forms.formdata import format_date
from web.i18n import current_lang, t

EVENTS_PER_PAGE = 50
CASES_PER_PAGE = 25
ACTIONS = {
    "opened": ("รับเรื่องร้องเรียน", "Complaint registered"),
    "claimed": ("รับงาน", "Task claimed"),
    "unclaimed": ("คืนงานให้กลุ่ม", "Task returned to the group"),
    "reassigned": ("มอบหมายงานใหม่", "Task reassigned"),
    "task_completed": ("บันทึกผลการดำเนินงาน", "Task completed"),
    "commented": ("เพิ่มความเห็น", "Comment added"),
    "status_changed": ("เปลี่ยนสถานะ", "Status changed"),
    "referred": ("ส่งต่อหน่วยงาน", "Referred to an agency"),
    "redacted": ("ปกปิดข้อมูลส่วนบุคคล", "Personal data redacted"),
    "sla_paused": ("หยุดนับเวลา (รอข้อมูล)", "SLA clock paused"),
    "sla_resumed": ("นับเวลาต่อ", "SLA clock resumed"),
    "sla_reminder": ("แจ้งเตือนใกล้ครบกำหนด", "Deadline reminder"),
    "sla_breached": ("เกินกำหนดเวลา", "Deadline passed"),
    "sla_extended": ("ขยายกำหนดเวลา", "Deadline extended"),
    "sla_escalated": ("ยกระดับเรื่อง", "Escalated"),
    "attachment_added": ("แนบไฟล์", "File attached"),
    "attachments_added": ("ผู้ร้องแนบไฟล์", "Files attached"),
    "incident_retried": ("ลองดำเนินการใหม่หลังขัดข้อง", "Retried after an incident"),
    "reminded": ("เตือนผู้รับผิดชอบ", "Reminder sent"),
    "forwarded": ("ส่งต่อไปยังหน่วยงานอื่น", "Forwarded to another agency"),
    "invited": ("เชิญหน่วยงานร่วมดำเนินการ", "Co-handling agency invited"),
    "forward_requested": ("หน่วยงานขอส่งต่อ (รอศูนย์อนุมัติ)", "Forward requested (awaits approval)"),
    "forward_approved": ("ศูนย์อนุมัติการส่งต่อ", "Forward approved"),
    "forward_rejected": ("ศูนย์ไม่อนุมัติการส่งต่อ", "Forward rejected"),
    "forward_lapsed": ("คำขอส่งต่อสิ้นผล", "Forward request lapsed"),
}


IDENTITY_VIEWS_SHOWN = 20  # the newest looks; the API pages through all of them


def cleaner(db, me: Actor, case: Case) -> Callable[[str | None], str | None]:  # type: ignore[no-untyped-def]
    """How this official reads the case's free text (agencies: identity filtered)."""
    found = redaction.text_filter(db, me, case)
    return found.text if found is not None else (lambda text: text)


def _page_arg(name: str) -> int:
    raw = request.args.get(name, "1")
    return max(1, min(int(raw), 100_000)) if raw.isdigit() else 1


@blueprint.get("/cases")
def cases():  # type: ignore[no-untyped-def]
    """Cases in the official's scope, newest first."""
    status = request.args.get("status") or None
    if status not in STATUSES:
        status = None
    page = _page_arg("page")
    text = (request.args.get("q") or "").strip()
    offset = (page - 1) * CASES_PER_PAGE
    with reading() as db:
        if text:
            rows, total = search.search_cases(db, actor(), text, CASES_PER_PAGE, offset)
        else:
            rows, total = case_service.list_cases(
                db, actor(), status=status, limit=CASES_PER_PAGE, offset=offset
            )
        titles = {c.id: cleaner(db, actor(), c)(c.title) for c in rows}
        return render_template(
            "staff/cases.html",
            rows=rows,
            titles=titles,
            total=total,
            page=page,
            pages=max(1, -(-total // CASES_PER_PAGE)),
            status=status,
            statuses=STATUSES,
            q=text,
            now=services().clock(),
        )


@blueprint.get("/cases/<int:case_id>")
def case(case_id: int):  # type: ignore[no-untyped-def]
    """Everything about one case this official may see."""
    return _workspace(case_id)


def _workspace(case_id: int, comment: str = "", errors: dict | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    me, now = actor(), services().clock()
    page = _page_arg("events_page")
    with reading() as db:
        found = case_service.get_case(db, me, case_id)
        events, total = case_service.case_events(
            db, me, case_id, EVENTS_PER_PAGE, (page - 1) * EVENTS_PER_PAGE
        )
        tasks = db.scalars(select(Task).where(Task.case_id == case_id).order_by(Task.id)).all()
        notes = casefiles.readable_notes(db, me, case_id)
        attachments = casefiles.list_attachments(db, me, case_id)
        related = casefiles.related_cases(db, me, found)
        area = areas.get_area(found.area_code)
        calendar = policies.calendar(db)
        clean = cleaner(db, me, found)
        logged = identitylog.shows_protected_identity(me, found)
        page = render_template(
            "staff/case.html",
            case=found,
            category=db.get(Category, found.category_code),
            area=area,
            complainant=identity.complainant_view(me, found),
            referrals=active_referrals(db, case_id),
            tasks=[(task, may_work(me, task)) for task in tasks],
            notes=notes,
            note_readings=disclosure.how_citizen_reads(db, found, notes),
            occurred=format_date(found.occurred_on, current_lang()) if found.occurred_on else "",
            events=events,
            details=timeline.event_details(db, events, notes, clean),
            events_total=total,
            events_page=page,
            events_pages=max(1, -(-total // EVENTS_PER_PAGE)),
            actions=ACTIONS,
            status_label=STATUSES[found.status],
            statuses=STATUSES,
            open_statuses=OPEN_STATUSES,
            sla_state=policies.state_now(found.due_at, found.at_risk_at, now),
            remaining=calendar.working_days_between(now, found.due_at) if found.due_at else None,
            comment=comment,
            errors=errors or {},
            clean=clean,
            center_officer=me.is_center_officer,
            attachments=attachments,
            related=[(c, cleaner(db, me, c)(c.title)) for c in related],
            forwards=_pending_forwards(db, me, case_id),
            contributor=may_contribute(me),
            identity_views=_identity_views(db, me, found),
            supervisable=supervision.may_supervise(db, me, found),
        )
    if logged:  # a confidential complainant's identity was shown: who looked is kept
        with writing() as db:
            found = case_service.get_case(db, me, case_id)
            identitylog.record_view(db, now, me, found, "case_page")
    return page, status


def _identity_views(db, me: Actor, case: Case) -> list | None:  # type: ignore[no-untyped-def]
    """The newest looks at a confidential complainant, for admins and the center's supervisors."""
    if not (case.confidential and identitylog.may_read_log(me, case)):
        return None
    return identitylog.list_views(db, me, case, limit=IDENTITY_VIEWS_SHOWN)[0]


def _pending_forwards(db, me: Actor, case_id: int) -> list[dict]:  # type: ignore[no-untyped-def]
    """Agencies' forwards waiting for this official's decision (screeners, supervisors)."""
    if not may_decide_forwards(me):
        return []
    return [
        {
            "request": r,
            "from": db.get(OrgUnit, r.from_agency_id),
            "to": db.get(OrgUnit, r.to_agency_id),
        }
        for r in forwarding.pending(db, case_id)
    ]


@blueprint.post("/cases/<int:case_id>/forwards/<int:request_id>/<any(approve,reject):decision>")
def decide_forward(case_id: int, request_id: int, decision: str):  # type: ignore[no-untyped-def]
    """Approve an agency's forward (the case moves to the other agency now) or reject it."""
    note = request.form.get("note") or None
    try:
        with writing() as db:
            row = forwarding.decide(
                db, services().clock, actor(), case_id, request_id, decision == "approve", note
            )
            outcome = row.status
    except ValidationFailed as exc:
        index = 1 if current_lang() == "en" else 0
        first = next(iter(exc.fields.values()), (exc.message_th, exc.message_en))
        return _workspace(case_id, "", {"forward_note": first[index]}, 422)
    flash(
        {
            "approved": t("อนุมัติการส่งต่อแล้ว เรื่องอยู่ที่หน่วยงานใหม่", "Forward approved."),
            "rejected": t("ไม่อนุมัติการส่งต่อ หน่วยงานเดิมดำเนินการต่อ", "Forward rejected."),
            "lapsed": t("คำขอสิ้นผลแล้ว หน่วยงานไม่ได้รอส่งต่อ", "The request lapsed: nothing moved."),
        }[outcome]
    )
    return redirect(url_for("staff.case", case_id=case_id) + "#summary")


@blueprint.post("/cases/<int:case_id>/comments")
def comment(case_id: int):  # type: ignore[no-untyped-def]
    """Add an internal comment, or one the complainant will see on the tracking page."""
    body = request.form.get("body", "")
    public = request.form.get("public") == "1"
    try:
        with writing() as db:
            case_service.add_comment(db, services().clock, actor(), case_id, body, public)
    except ValidationFailed as exc:
        index = 1 if current_lang() == "en" else 0
        errors = {k or "body": v[index] for k, v in exc.fields.items()}
        return _workspace(case_id, body, errors, 422)
    flash(t("เพิ่มความเห็นแล้ว", "Comment added."))
    return redirect(url_for("staff.case", case_id=case_id) + "#comments")


@blueprint.get("/cases/<int:case_id>/diagram.json")
def diagram(case_id: int):  # type: ignore[no-untyped-def]
    """The case's diagrams with the elements to highlight, for the bpmn-js viewer."""
    with reading() as db:
        return {"diagrams": diagram_service.diagram_state(db, actor(), case_id)}


@blueprint.get("/cases/<int:case_id>/files/<int:file_id>")
def attachment(case_id: int, file_id: int):  # type: ignore[no-untyped-def]
    """A file of a case the official may see: images inline (thumbnails), the rest downloaded."""
    with reading() as db:
        row = casefiles.get_attachment(db, actor(), case_id, file_id)
        content, kind, name = row.content, row.content_type, row.filename
    inline = kind in ("image/png", "image/jpeg") and request.args.get("inline") == "1"
    disposition = "inline" if inline else "attachment"
    headers = {
        "Content-Type": kind,
        "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(name)}",
        "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
        "Cache-Control": "private, no-store",
    }
    return content, 200, headers


@blueprint.post("/cases/<int:case_id>/files")
def upload(case_id: int):  # type: ignore[no-untyped-def]
    """Attach a PDF or an image to the case (checked by content, images re-encoded)."""
    sent = request.files.get("file")
    data = sent.read() if sent else b""
    try:
        with writing() as db:
            casefiles.add_attachment(
                db, services().clock, actor(), case_id, sent.filename if sent else "", data
            )
    except ValidationFailed as exc:
        index = 1 if current_lang() == "en" else 0
        first = next(iter(exc.fields.values()), (exc.message_th, exc.message_en))
        return _workspace(case_id, "", {"file": first[index]}, 422)
    flash(t("แนบไฟล์แล้ว", "File attached."))
    return redirect(url_for("staff.case", case_id=case_id) + "#files")
