"""The supervisor console: overdue and escalated work grouped by unit and step, and actions."""

from __future__ import annotations

from itertools import groupby

from flask import flash, redirect, render_template, request, url_for

from admin.edge import actor, blueprint, reading, services, writing
from admin.taskpage import _renderer
from engine.cases import intake as case_service
from engine.errors import Conflict, ValidationFailed
from engine.reference.choices import seed_choices
from engine.sla import oversight, policies, supervision
from web.i18n import current_lang, t

FORM = "supervise"


@blueprint.get("/supervision")
def console():  # type: ignore[no-untyped-def]
    """Late and escalated work in the supervisor's area, grouped by holding unit and step."""
    now = services().clock()
    with reading() as db:
        items, cut = oversight.overdue_work(db, actor(), now)
        calendar = policies.calendar(db)
        late = {i.task.id: calendar.working_days_between(now, i.task.due_at) for i in items}
    groups = [
        (unit, [(step, list(rows)) for step, rows in groupby(unit_rows, key=lambda i: i.task.step)])
        for unit, unit_rows in (
            (unit, list(rows)) for unit, rows in groupby(items, key=lambda i: i.unit)
        )
    ]
    return render_template(
        "staff/console.html", groups=groups, late=late, total=len(items), cut=cut, now=now
    )


def _supervise_page(case_id: int, values: dict, errors: dict, status: int = 200, problem=""):  # type: ignore[no-untyped-def]
    with reading() as db:
        case = case_service.get_case(db, actor(), case_id)
        supervision.check_can_supervise(db, actor(), case)
        renderer = _renderer()
        form_html = (
            renderer.render_form(FORM, values, errors, current_lang(), choices=seed_choices())
            if renderer
            else ""
        )
        return render_template(
            "staff/supervise.html", case=case, form_html=form_html, problem=problem
        ), status


@blueprint.get("/cases/<int:case_id>/supervise")
def supervise(case_id: int):  # type: ignore[no-untyped-def]
    """The supervisor's actions on one case: remind, extend, escalate, reassign, close."""
    return _supervise_page(case_id, {}, {})


@blueprint.post("/cases/<int:case_id>/supervise")
def post_supervise(case_id: int):  # type: ignore[no-untyped-def]
    """Apply the chosen action; errors come back beside the fields, values kept."""
    renderer = _renderer()
    data = dict(renderer.parse_form(FORM, request.form, request.files)) if renderer else {}
    try:
        with writing() as db:
            supervision.supervise(db, services().clock, actor(), case_id, data)
    except ValidationFailed as exc:
        return _supervise_page(case_id, data, exc.fields, 422)
    except Conflict as exc:
        return _supervise_page(case_id, data, {}, 409, exc.message(current_lang()))
    flash(t("บันทึกคำสั่งแล้ว", "Done."))
    return redirect(url_for("staff.case", case_id=case_id))
