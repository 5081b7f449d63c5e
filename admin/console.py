"""The supervisor console: overdue and escalated work grouped by unit and step, and actions."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import groupby

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from admin.edge import actor, blueprint, reading, services, writing
from admin.taskpage import _renderer
from engine.cases import intake as case_service
from engine.errors import Conflict, ValidationFailed
from engine.models import OrgUnit, Task, User
from engine.reference.choices import seed_choices
from engine.sla import oversight, policies, supervision
from web.i18n import current_lang, t

FORM = "supervise"
FILTERS = ("kind", "step", "unit", "order")


@blueprint.get("/supervision")
def console():  # type: ignore[no-untyped-def]
    """Late, at-risk and escalated work in the supervisor's area, grouped by holding unit and
    step (or in one list), most late first, filtered by kind, step and holding unit."""
    me, now = actor(), services().clock()
    with reading() as db:
        found = oversight.summary(db, me, now)
        chosen = _chosen(found)
        items, cut = oversight.overdue_work(
            db,
            me,
            now,
            kind=chosen["kind"] or None,
            step=chosen["step"] or None,
            unit=chosen["unit"] or None,
            order=chosen["order"],
        )
        calendar = policies.calendar(db)
        late = {i.task.id: calendar.working_days_between(now, i.task.due_at) for i in items}
        states = {
            i.task.id: policies.state_now(i.task.due_at, i.task.at_risk_at, now) for i in items
        }
        cases = {i.case.id: i.case for i in items}
        allowed = supervision.supervisable(db, me, set(cases))
        in_charge = {
            c.id: supervision.in_charge(db, c) for c in cases.values() if c.escalation_level
        }
        return render_template(
            "staff/console.html",
            items=items,
            groups=_grouped(items) if chosen["order"] == "unit" else [],
            late=late,
            states=states,
            allowed=allowed,
            in_charge=in_charge,
            summary=found,
            chosen=chosen,
            cut=cut,
            now=now,
        )


def _chosen(found: oversight.Summary) -> dict[str, str]:
    """The filters from the query string; anything not on offer is dropped, never an error."""
    values = {name: (request.args.get(name) or "").strip()[:64] for name in FILTERS}
    if values["kind"] not in oversight.KINDS:
        values["kind"] = ""
    if values["step"] not in found.steps:
        values["step"] = ""
    if values["unit"] not in found.units:
        values["unit"] = ""
    if values["order"] not in oversight.ORDERS:
        values["order"] = "unit"
    return values


def _grouped(items: list[oversight.OverdueItem]) -> list:
    """[(unit, [(step, rows)])] for the view grouped by holding unit and step: the unit with the
    latest work first, and in each unit the step with the latest work first."""
    units = []
    for unit, unit_rows in groupby(items, key=lambda i: i.unit):
        steps = [(step, list(rows)) for step, rows in groupby(unit_rows, key=lambda i: i.task.step)]
        steps.sort(key=lambda pair: _earliest(pair[1]))
        units.append((unit, steps))
    units.sort(key=lambda pair: _earliest([row for _, rows in pair[1] for row in rows]))
    return units


def _earliest(rows: list[oversight.OverdueItem]) -> datetime:
    return min(
        (r.task.due_at for r in rows if r.task.due_at), default=datetime.max.replace(tzinfo=UTC)
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
            "staff/supervise.html",
            case=case,
            work=_open_work(db, case),
            in_charge=supervision.in_charge(db, case),
            form_html=form_html,
            problem=problem,
        ), status


def _open_work(db, case) -> list[tuple]:  # type: ignore[no-untyped-def]
    """The case's open tasks as (task, unit, holder, SLA state, working days left)."""
    now = services().clock()
    calendar = policies.calendar(db)
    rows = db.execute(
        select(Task, OrgUnit, User)
        .join(OrgUnit, OrgUnit.id == Task.org_unit_id)
        .outerjoin(User, User.id == Task.assignee_id)
        .where(Task.case_id == case.id)
        .order_by(Task.id)
    )
    return [
        (
            task,
            unit,
            holder,
            policies.state_now(task.due_at, task.at_risk_at, now),
            calendar.working_days_between(now, task.due_at) if task.due_at else None,
        )
        for task, unit, holder in rows
    ]


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
