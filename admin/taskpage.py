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
from engine.cases import forwarding
from engine.cases import tasks as task_service
from engine.errors import ValidationFailed
from engine.models import Case, OrgUnit, Task
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
        shown = values if values is not None else dict(task.draft or {})
        form = task_service.form_of(db, task)
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
            clean=cleaner(db, me, case),
            forward=_pending_forward(db, task.id, case.id)
            if task.step == forwarding.FORWARD_STEP
            else None,
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
    try:
        with writing() as db:
            case = task_service.complete_task(db, services().clock, actor(), task_id, values)
            code = case.tracking_code
            held = values.get("action") == "forward"
            waiting = _held_forward(db, task_id, case.id) if held else None
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
    else:
        flash(t(f"บันทึกงานของเรื่อง {code} แล้ว", f"Task of case {code} done."))
    return redirect(url_for("staff.inbox"))


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
