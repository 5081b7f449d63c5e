"""The task inbox: tabs with counts, filters, paging, claim, unclaim and bulk claim."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from admin.casework import cleaner
from admin.edge import actor, blueprint, reading, safe_next, services, writing
from engine.access.checks import check_has_inbox, may_work
from engine.cases import tasks as task_service
from engine.errors import DamrongError
from engine.models import Case, Category, OrgUnit, Task
from engine.reference import areas
from engine.sla import policies, supervision
from web.i18n import current_lang, t

PAGE_SIZE = 25
TABS = (
    ("mine", "งานของฉัน", "My tasks"),
    ("unclaimed", "งานรอรับของกลุ่ม", "Unclaimed in my group"),
    ("all", "งานค้างทั้งหมดในพื้นที่", "All open in my area"),
)
FILTERS = ("sla_state", "province", "district", "subdistrict", "category", "step", "agency")


@dataclass(frozen=True)
class Row:
    """One inbox line, as the official reads it."""

    task: Task
    tracking_code: str
    title: str
    area_name: str
    sla_state: str
    remaining: int | None
    workable: bool
    supervisable: bool = False  # the official may supervise the case (a link to do so)


def _filters() -> dict[str, str]:
    """The filters from the query string; unknown SLA states and malformed codes are dropped."""
    values = {name: (request.args.get(name) or "").strip()[:32] for name in FILTERS}
    if values["sla_state"] not in policies.SLA_STATES:
        values["sla_state"] = ""
    for name, size in (("province", 2), ("district", 4), ("subdistrict", 6)):
        if not (values[name].isdigit() and len(values[name]) == size):
            values[name] = ""
    # A lower level only counts inside the chosen higher one.
    if values["district"][:2] != values["province"]:
        values["district"] = ""
    if values["subdistrict"][:4] != values["district"]:
        values["subdistrict"] = ""
    return values


def _area_name(code: str, lang: str) -> str:
    if not code:  # known only in words (an Open311 address): the screener sets the area
        return t("ยังไม่ระบุพื้นที่", "area not set yet")
    found = areas.get_area(code)
    if found is None:
        return code
    parent = areas.get_area(found.parent_code) if found.parent_code else None
    names = [a for a in (found, parent) if a is not None]
    return " / ".join(a.name_en if lang == "en" else a.name_th for a in names)


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return max(1, min(int(raw), 100_000)) if raw.isdigit() else 1


@blueprint.get("/inbox")
def inbox():  # type: ignore[no-untyped-def]
    """The official's inbox, rendered from the tasks table (and case codes and titles)."""
    me, now = actor(), services().clock()
    check_has_inbox(me)
    chosen = _filters()
    area = chosen["subdistrict"] or chosen["district"] or chosen["province"] or None
    query = dict(
        step=chosen["step"] or None,
        category=chosen["category"] or None,
        area=area,
        sla_state=chosen["sla_state"] or None,
        agency=chosen["agency"] or None,
    )
    page_number, latest_first = _page_number(), request.args.get("sort") == "-due"
    with reading() as db:
        counts = task_service.count_tasks(db, me, ["mine", "unclaimed", "all"], now, **query)
        tab = request.args.get("tab")
        if tab not in counts:
            tab = "mine" if counts.get("mine") else "unclaimed"
        page = task_service.list_tasks(
            db,
            me,
            tab,
            **query,
            now=now,
            limit=PAGE_SIZE,
            offset=(page_number - 1) * PAGE_SIZE,
            latest_due_first=latest_first,
            known_total=counts[tab],
        )
        rows = _rows(db, page.items, now)
        choices = _choices(db, me, tab, chosen)
    tabs = [(code, th, en, counts[code]) for code, th, en in TABS if code in counts]
    pages = max(1, -(-page.total // PAGE_SIZE))
    return render_template(
        "staff/inbox.html",
        tabs=tabs,
        tab=tab,
        rows=rows,
        total=page.total,
        page=page_number,
        pages=pages,
        chosen=chosen,
        choices=choices,
        sort="-due" if latest_first else "due",
    )


def _rows(db, items: list[Task], now: datetime) -> list[Row]:  # type: ignore[no-untyped-def]
    ids = {task.case_id for task in items}
    me = actor()
    if me.is_agency_staff:  # titles pass the identity filter on their way to an agency
        found = db.scalars(select(Case).where(Case.id.in_(ids))).all()
        cases = {c.id: (c.tracking_code, cleaner(db, me, c)(c.title)) for c in found}
    else:
        cases = {
            case_id: (code, title)
            for case_id, code, title in db.execute(
                select(Case.id, Case.tracking_code, Case.title).where(Case.id.in_(ids))
            )
        }
    calendar = policies.calendar(db)
    lang = current_lang()
    supervised = supervision.supervisable(db, me, ids)
    return [
        Row(
            task=task,
            tracking_code=cases[task.case_id][0],
            title=cases[task.case_id][1],
            area_name=_area_name(task.area_code, lang),
            sla_state=policies.state_now(task.due_at, task.at_risk_at, now),
            remaining=calendar.working_days_between(now, task.due_at) if task.due_at else None,
            workable=may_work(me, task),
            supervisable=task.case_id in supervised,
        )
        for task in items
    ]


def _choices(db, me, tab: str, chosen: dict) -> dict:  # type: ignore[no-untyped-def]
    categories = db.execute(
        select(Category.code, Category.name_th, Category.name_en)
        .where(Category.active.is_(True))
        .order_by(Category.name_th)
    ).all()
    agencies = []
    if tab == "all" or chosen["agency"]:  # shown wherever it filters, so it can be cleared
        agencies = db.execute(
            select(OrgUnit.code, OrgUnit.name_th, OrgUnit.name_en)
            .where(OrgUnit.kind == "agency", OrgUnit.active.is_(True))
            .order_by(OrgUnit.name_th)
        ).all()
    return {
        "categories": categories,
        "agencies": agencies,
        "steps": task_service.step_choices(db, me, tab),
        "provinces": areas.children(None),
        "districts": areas.children(chosen["province"]) if chosen["province"] else [],
        "subdistricts": areas.children(chosen["district"]) if chosen["district"] else [],
    }


def _back() -> str:
    return safe_next(request.form.get("next"), url_for("staff.inbox"))


@blueprint.post("/tasks/<int:task_id>/claim")
def claim(task_id: int):  # type: ignore[no-untyped-def]
    """Take a task from the group and open it."""
    with writing() as db:
        task_service.claim(db, services().clock, actor(), task_id)
    return redirect(url_for("staff.task", task_id=task_id))


@blueprint.post("/tasks/<int:task_id>/unclaim")
def unclaim(task_id: int):  # type: ignore[no-untyped-def]
    """Give a task back to the group."""
    with writing() as db:
        task_service.unclaim(db, services().clock, actor(), task_id)
    flash(t("คืนงานให้กลุ่มแล้ว", "The task is back with the group."))
    return redirect(_back())


@blueprint.post("/tasks/claim")
def bulk_claim():  # type: ignore[no-untyped-def]
    """Claim several tasks; each in its own transaction, so one taken meanwhile skips alone."""
    ids = [int(v) for v in request.form.getlist("task_id") if v.isdigit()][:PAGE_SIZE]
    claimed, skipped = 0, 0
    for task_id in ids:
        try:
            with writing() as db:
                task_service.claim(db, services().clock, actor(), task_id)
            claimed += 1
        except DamrongError:
            skipped += 1
    message = t(f"รับงานแล้ว {claimed} รายการ", f"Claimed {claimed} task(s).")
    if skipped:
        message += " " + t(
            f"ข้าม {skipped} รายการ (มีผู้อื่นรับไปแล้วหรือไม่มีสิทธิ์)",
            f"Skipped {skipped} (taken by someone else or not yours to take).",
        )
    flash(message)
    return redirect(_back())
