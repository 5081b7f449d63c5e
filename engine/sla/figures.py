"""SLA compliance figures per agency, center or category, ready for the dashboard.

Finished tasks are counted from `sla_records` (met, or late); open ones from `tasks` with the
SLA state derived in SQL at `now`. Both are filtered to what the actor may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, false, func, select, true
from sqlalchemy.orm import Session

from engine.access.checks import check_may_see_figures
from engine.access.rules import FIGURE_ROLES, Actor
from engine.errors import ValidationFailed
from engine.models import Case, Category, OrgUnit, SlaRecord, Task
from engine.sla import policies

GROUPS = ("agency", "center", "category")


@dataclass
class Figure:
    """One row of the compliance table."""

    key: str
    name_th: str
    name_en: str
    met: int = 0
    late: int = 0
    open_on_track: int = 0
    open_at_risk: int = 0
    open_breached: int = 0

    @property
    def breached(self) -> int:
        return self.late + self.open_breached

    @property
    def rate(self) -> float | None:
        """Share of deadlines met among those decided (finished, or already overdue)."""
        decided = self.met + self.breached
        return round(self.met / decided, 4) if decided else None

    def as_dict(self) -> dict[str, object]:
        return {
            "key": self.key,
            "name_th": self.name_th,
            "name_en": self.name_en,
            "met": self.met,
            "breached": self.breached,
            "finished_late": self.late,
            "open_on_track": self.open_on_track,
            "open_at_risk": self.open_at_risk,
            "open_breached": self.open_breached,
            "compliance_rate": self.rate,
        }


def _scope(actor: Actor, area_col, unit_col, role_col) -> ColumnElement[bool]:  # type: ignore[no-untyped-def]
    if actor.kind == "system" or actor.has("admin"):
        return true()
    if actor.is_agency_staff and actor.has("agency_officer"):
        return and_(unit_col == actor.org_unit_id, role_col == "agency_officer")
    if actor.is_center_staff and actor.roles & FIGURE_ROLES:
        if actor.org_unit_kind == "central" or not actor.area_code:
            return true()
        return area_col.startswith(actor.area_code, autoescape=True)
    return false()


def compliance(
    session: Session,
    actor: Actor,
    now: datetime,
    group_by: str = "agency",
    since: datetime | None = None,
    until: datetime | None = None,
    step: str | None = None,
) -> list[Figure]:
    """Met / breached / open-at-risk counts per group, the worst compliance first."""
    if group_by not in GROUPS:
        raise ValidationFailed.one(
            "group_by",
            "จัดกลุ่มได้ตามหน่วยงาน ศูนย์ หรือประเภทเรื่อง (agency, center, category)",
            "Group by agency, center or category.",
        )
    if since and until and since >= until:
        raise ValidationFailed.one("until", "วันสิ้นสุดต้องอยู่หลังวันเริ่มต้น", "until must be after since.")
    check_may_see_figures(actor)

    rec_key = {
        "agency": SlaRecord.org_unit_id,
        "center": SlaRecord.center_id,
        "category": SlaRecord.category_code,
    }[group_by]
    records = select(rec_key, SlaRecord.met, func.count()).where(
        _scope(actor, SlaRecord.area_code, SlaRecord.org_unit_id, SlaRecord.role)
    )
    if group_by == "agency":
        records = records.where(SlaRecord.role == "agency_officer")
    if since:
        records = records.where(SlaRecord.finished_at >= since)
    if until:
        records = records.where(SlaRecord.finished_at < until)
    if step:
        records = records.where(SlaRecord.step == step)
    records = records.group_by(rec_key, SlaRecord.met)

    task_key = {
        "agency": Task.org_unit_id,
        "center": Case.center_id,
        "category": Task.category_code,
    }[group_by]
    state = policies.state_of(now)
    open_tasks = (
        select(task_key, state, func.count())
        .join(Case, Case.id == Task.case_id)
        .where(Task.due_at.is_not(None), Task.role != "supervisor")
        .where(_scope(actor, Task.area_code, Task.org_unit_id, Task.role))
    )
    if group_by == "agency":
        open_tasks = open_tasks.where(Task.role == "agency_officer")
    if step:
        open_tasks = open_tasks.where(Task.step == step)
    open_tasks = open_tasks.group_by(task_key, state)

    rows: dict[str, Figure] = {}

    def row(key: object) -> Figure:
        return rows.setdefault(str(key), Figure(str(key), "", ""))

    for key, met, count in session.execute(records):
        figure = row(key)
        if met:
            figure.met += count
        else:
            figure.late += count
    for key, sla_state, count in session.execute(open_tasks):
        figure = row(key)
        if sla_state == "breached":
            figure.open_breached += count
        elif sla_state == "at_risk":
            figure.open_at_risk += count
        else:
            figure.open_on_track += count
    _name(session, group_by, rows)
    return sorted(rows.values(), key=lambda f: (f.rate if f.rate is not None else 2, f.key))


def _name(session: Session, group_by: str, rows: dict[str, Figure]) -> None:
    if not rows:
        return
    if group_by == "category":
        found = session.execute(
            select(Category.code, Category.name_th, Category.name_en).where(
                Category.code.in_(list(rows))
            )
        )
        for code, name_th, name_en in found:
            rows[code].name_th, rows[code].name_en = name_th, name_en
        return
    ids = [int(k) for k in rows]
    found = session.execute(
        select(OrgUnit.id, OrgUnit.code, OrgUnit.name_th, OrgUnit.name_en).where(
            OrgUnit.id.in_(ids)
        )
    )
    for unit_id, code, name_th, name_en in found:
        figure = rows.pop(str(unit_id))
        figure.key, figure.name_th, figure.name_en = code, name_th, name_en
        rows[code] = figure
