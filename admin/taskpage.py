"""A task page: its case in brief, its form, submit (the case moves on) or save as draft."""

from __future__ import annotations

import copy
import json
from importlib import import_module

from flask import flash, redirect, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy import select

from admin.casework import cleaner
from admin.edge import actor, blueprint, reading, services, writing
from engine.cases import forwarding, reviewing
from engine.cases import tasks as task_service
from engine.errors import ValidationFailed
from engine.models import Case, OrgUnit, Referral, Task, User
from engine.reference.choices import seed_choices
from engine.sla import policies
from forms.loader import shared_schema
from web.i18n import current_lang, t


def _renderer():  # type: ignore[no-untyped-def]
    """forms/render.py, the one form renderer, once it exists (else a plain JSON box)."""
    try:
        return import_module("forms.render")
    except ImportError:
        return None


def _form_html(form: str | dict, values: dict, errors: dict[str, tuple[str, str]]) -> Markup | None:
    renderer = _renderer()
    if renderer is None:
        return None
    return renderer.render_form(form, values, errors, current_lang(), choices=seed_choices())


def _submit_label(schema: dict) -> tuple[str, str]:
    """The submit button's words as the form names what its task does (`x-submit-label`)."""
    th, en = schema.get("x-submit-label"), schema.get("x-submit-label-en")
    if not isinstance(th, str) or not th.strip():
        return "บันทึกและส่งต่อ", "Submit"
    return th, en if isinstance(en, str) and en.strip() else th


def _case_values(db, case: Case, form: str | dict) -> dict:  # type: ignore[no-untyped-def]
    """What the case already says for the form's fields (its category, area, the case it
    repeats), so a form starts from the case as it stands."""
    known = {"category": case.category_code, "area_code": case.area_code}
    if case.duplicate_of_id is not None:
        known["duplicate_of"] = db.scalar(
            select(Case.tracking_code).where(Case.id == case.duplicate_of_id)
        )
    fields = shared_schema(form).get("properties") or {}
    return {k: v for k, v in known.items() if v and k in fields}


def _parse(form: str | dict) -> tuple[dict, dict[str, tuple[str, str]]]:
    """The posted values as the schema expects them, and fields whose text could not be read."""
    renderer = _renderer()
    if renderer is not None:
        data = renderer.parse_form(form, request.form, request.files)
        problems = getattr(data, "problems", {}) or {}
        return data, {k: (e.message_th, e.message_en) for k, e in problems.items()}
    raw = request.form.get("data_json", "").strip() or "{}"
    try:
        data = json.loads(raw)
    except ValueError:
        return {"_raw": raw}, {"": ("ข้อมูล JSON ไม่ถูกต้อง", "The JSON is not valid.")}
    if not isinstance(data, dict):
        return {"_raw": raw}, {"": ("ข้อมูลต้องเป็นออบเจ็กต์ JSON", "Send a JSON object.")}
    return data, {}


def _page(task_id: int, values: dict | None, errors: dict, status: int = 200):  # type: ignore[no-untyped-def]
    me, now = actor(), services().clock()
    with reading() as db:
        task = task_service.get_task(db, me, task_id)
        case = db.get(Case, task.case_id)
        others = db.scalars(
            select(Task).where(Task.case_id == case.id, Task.id != task.id).order_by(Task.id)
        ).all()
        remaining = (
            policies.calendar(db).working_days_between(now, task.due_at) if task.due_at else None
        )
        form = task_service.form_of(db, task)
        shown = values if values is not None else _case_values(db, case, form) | (task.draft or {})
        html = _form_html(form, dict(shown), errors)
        schema = copy.deepcopy(shared_schema(form))
        return render_template(
            "staff/task.html",
            task=task,
            case=case,
            others=others,
            sla_state=policies.state_now(task.due_at, task.at_risk_at, now),
            remaining=remaining,
            form_html=html,
            schema=schema,
            values=shown,
            values_json=shown.get("_raw") or json.dumps(shown, ensure_ascii=False, indent=1),
            errors={k: v[1 if current_lang() == "en" else 0] for k, v in errors.items()},
            claimed_by_me=task.assignee_id == me.user_id,
            holder=db.get(User, task.assignee_id) if task.assignee_id else None,
            clean=cleaner(db, me, case),
            forward=_pending_forward(db, task.id, case.id)
            if task.step == forwarding.FORWARD_STEP
            else None,
            submit_label=_submit_label(schema),
            review=reviewing.review_material(db, me, task.id),
        ), status


@blueprint.get("/tasks/<int:task_id>")
def task(task_id: int):  # type: ignore[no-untyped-def]
    """The task with its form (and the draft saved earlier, if any)."""
    return _page(task_id, None, {})


@blueprint.post("/tasks/<int:task_id>")
def submit_task(task_id: int):  # type: ignore[no-untyped-def]
    """Submit the form (the case moves on) or keep it as a draft."""
    with reading() as db:
        form = task_service.form_of(db, task_service.get_task(db, actor(), task_id))
    data, problems = _parse(form)
    values = dict(data)
    renderer = _renderer()
    if renderer is not None and renderer.is_refresh(request.form):
        return _page(task_id, values, {})  # only the area lists were asked for (no JavaScript)
    if request.form.get("action") == "draft":
        with writing() as db:
            task_service.save_draft(db, services().clock, actor(), task_id, values)
        flash(t("บันทึกร่างแล้ว", "Draft saved."))
        return redirect(url_for("staff.task", task_id=task_id))
    if problems:
        return _page(task_id, values, problems, 422)
    submitted = renderer.visible_values(shared_schema(form), values) if renderer else values
    try:
        with writing() as db:
            before = _lead_referrals(db, task_id)
            case = task_service.complete_task(db, services().clock, actor(), task_id, submitted)
            code = case.tracking_code
            held = submitted.get("action") == "forward"
            waiting = _held_forward(db, task_id, case.id) if held else None
            referred = _new_lead(db, case.id, before)
    except ValidationFailed as exc:
        return _page(task_id, values, exc.fields, 422)
    if waiting is not None:
        th, en = waiting
        flash(
            t(
                f"ส่งคำขอส่งต่อเรื่อง {code} ไปยัง{th}แล้ว รอศูนย์อนุมัติ งานยังอยู่ในกล่องงานของท่านจนกว่าศูนย์จะตัดสิน",
                f"The forward of case {code} to {en} is waiting for the center's approval; "
                "the task stays in your inbox until the center decides.",
            )
        )
    elif referred is not None:
        flash(
            t(
                f"ส่งเรื่อง {code} ถึง{referred.name_th}แล้ว",
                f"Case {code} referred to {referred.name_en or referred.name_th}.",
            )
        )
    else:
        flash(t(f"บันทึกงานของเรื่อง {code} แล้ว", f"Task of case {code} done."))
    return redirect(url_for("staff.inbox"))


def _lead_referrals(db, task_id: int) -> set[int]:  # type: ignore[no-untyped-def]
    """The ids of the active lead referrals of the task's case, before the task is done."""
    case_id = select(Task.case_id).where(Task.id == task_id).scalar_subquery()
    return set(
        db.scalars(
            select(Referral.id).where(
                Referral.case_id == case_id, Referral.active.is_(True), Referral.role == "lead"
            )
        )
    )


def _new_lead(db, case_id: int, before: set[int]) -> OrgUnit | None:  # type: ignore[no-untyped-def]
    """The agency the task just referred the case to (a new lead referral), if any."""
    query = select(Referral).where(
        Referral.case_id == case_id, Referral.active.is_(True), Referral.role == "lead"
    )
    if before:
        query = query.where(Referral.id.not_in(before))
    found = db.scalar(query.order_by(Referral.id.desc()).limit(1))
    return found.agency if found is not None else None


def _held_forward(db, task_id: int, case_id: int) -> tuple[str, str] | None:  # type: ignore[no-untyped-def]
    """The target agency's names when the forward just submitted waits for the center."""
    found = _pending_forward(db, task_id, case_id)
    return (found["to"].name_th, found["to"].name_en) if found else None


def _pending_forward(db, task_id: int, case_id: int) -> dict | None:  # type: ignore[no-untyped-def]
    """This task's forward waiting for the center's approval (the task stays open meanwhile)."""
    if db.scalar(select(Task.id).where(Task.id == task_id)) is None:
        return None
    requests = forwarding.pending(db, case_id)
    if not requests:
        return None
    return {"request": requests[-1], "to": db.get(OrgUnit, requests[-1].to_agency_id)}


@blueprint.get("/forms.css")
def form_stylesheet():  # type: ignore[no-untyped-def]
    """The shared form renderer's stylesheet."""
    renderer = _renderer()
    css = renderer.stylesheet() if renderer is not None else ""
    return css, 200, {"Content-Type": "text/css; charset=utf-8", "Cache-Control": "max-age=3600"}
