"""The inbox: listing, claiming, releasing, reassigning and completing user tasks."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from engine import journal
from engine.access.checks import check_can_reassign, check_can_work, check_may_see_all_tasks
from engine.access.rules import Actor, in_area, task_oversight, task_visibility
from engine.cases.referrals import find_agency
from engine.clock import Clock, system_clock
from engine.db import require_transaction
from engine.errors import TaskNotFound, TaskNotReady, ValidationFailed
from engine.formcheck import check_form
from engine.models import Case, CaseNote, Category, OrgUnit, Task, User
from engine.reference import areas
from engine.sla import policies
from engine.workflow import definitions, runner
from forms.loader import shared_schema
from forms.validation import split_stored_fields

# Free-text fields the complainant sees on the tracking page; the rest stays internal.
PUBLIC_NOTE_FIELDS = frozenset({"progress_note", "result_text", "public_note"})

# Per-form steps of completing a task, registered at start-up (damrong/wiring.py) by the
# capability that owns the form, so this module names no form and imports none of them.
# A hold returns True to keep the task open instead of completing it.
Hold = Callable[[Session, Clock, Actor, Case, Task, dict], bool]
After = Callable[[Session, Clock, Actor, Case, dict], None]
_HOLDS: dict[str, list[Hold]] = {}
_AFTERS: dict[str, list[After]] = {}


def on_complete(form: str, *, hold: Hold | None = None, after: After | None = None) -> None:
    """Register a form's own step: `hold` before the workflow moves, `after` once it has."""
    for table, hook in ((_HOLDS, hold), (_AFTERS, after)):
        if hook is not None and hook not in table.setdefault(form, []):
            table[form].append(hook)


@dataclass(frozen=True)
class TaskPage:
    """One page of an inbox."""

    items: list[Task]
    total: int


def _scoped(actor: Actor, scope: str) -> Select:
    """The tasks of one inbox tab, before filters."""
    if scope == "all":
        check_may_see_all_tasks(actor)
        return select(Task).where(task_oversight(actor))
    query = select(Task).where(task_visibility(actor), Task.role.in_(actor.roles))
    if scope == "mine":
        return query.where(Task.assignee_id == actor.user_id)
    if scope == "group":
        return query.where(or_(Task.assignee_id.is_(None), Task.assignee_id == actor.user_id))
    if scope == "unclaimed":
        return query.where(Task.assignee_id.is_(None))
    raise ValidationFailed.one(
        "scope",
        "ขอบเขตต้องเป็น mine, group, unclaimed หรือ all",
        "scope must be 'mine', 'group', 'unclaimed' or 'all'.",
    )


def _filtered(query: Select, now: datetime | None, filters: dict) -> Select:
    if filters.get("step"):
        query = query.where(Task.step == filters["step"])
    if filters.get("category"):
        query = query.where(Task.category_code == filters["category"])
    if filters.get("area"):
        query = query.where(in_area(Task.area_code, filters["area"]))
    if filters.get("agency"):
        agency_id = select(OrgUnit.id).where(OrgUnit.code == filters["agency"]).scalar_subquery()
        query = query.where(Task.org_unit_id == agency_id)
    if filters.get("sla_state"):
        query = query.where(_sla_condition(filters["sla_state"], now or system_clock()))
    return query


def _sla_condition(state: str, now: datetime) -> ColumnElement[bool]:
    """policies.state_of(now) == state, written as ranges on the deadline so indexes serve it."""
    if state == "breached":
        return Task.due_at <= now
    if state == "at_risk":
        return (Task.due_at > now) & (Task.at_risk_at <= now)
    if state == "on_track":
        return (Task.due_at > now) & or_(Task.at_risk_at.is_(None), Task.at_risk_at > now)
    return policies.state_of(now) == state


def list_tasks(
    session: Session,
    actor: Actor,
    scope: str = "mine",
    *,
    step: str | None = None,
    category: str | None = None,
    area: str | None = None,
    sla_state: str | None = None,
    agency: str | None = None,
    now: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
    latest_due_first: bool = False,
    known_total: int | None = None,
) -> TaskPage:
    """An inbox tab from the tasks table alone: `mine` (claimed), `group` (claimable or mine),
    `unclaimed`, or `all` open tasks in a supervisor's area; sorted by due time."""
    filters = dict(step=step, category=category, area=area, sla_state=sla_state, agency=agency)
    query = _filtered(_scoped(actor, scope), now, filters)
    total = known_total
    if total is None:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    # NULLS LAST is PostgreSQL's own ascending order, so the inbox index also yields the order.
    due = Task.due_at.desc().nulls_last() if latest_due_first else Task.due_at.asc().nulls_last()
    order = (due, Task.created_at, Task.id)
    items = session.scalars(query.order_by(*order).limit(limit).offset(offset)).all()
    return TaskPage(list(items), int(total))


def count_tasks(
    session: Session, actor: Actor, scopes: list[str], now: datetime, **filters: str | None
) -> dict[str, int]:
    """How many tasks each inbox tab holds with these filters (tabs not the actor's left out)."""
    counts = {}
    for scope in scopes:
        if scope == "all" and not actor.has("supervisor"):
            continue
        query = _filtered(_scoped(actor, scope), now, filters)
        counts[scope] = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    return counts


STEP_CHOICES_TTL_S = 60.0
_step_choices: dict[tuple, tuple[float, list[tuple[str, str, str]]]] = {}


def step_choices(session: Session, actor: Actor, scope: str) -> list[tuple[str, str, str]]:
    """(step, Thai name, English name) of the steps present in an inbox tab, for its filter.

    Kept for a minute per unit, roles and tab: the list changes rarely and costs a scan."""
    key = (actor.org_unit_id, actor.area_code, tuple(sorted(actor.roles)), scope)
    hit = _step_choices.get(key)
    if hit is not None and time.monotonic() - hit[0] < STEP_CHOICES_TTL_S:
        return hit[1]
    query = _scoped(actor, scope).with_only_columns(Task.step, Task.name_th, Task.name_en)
    rows = session.execute(query.distinct().order_by(Task.step)).all()
    seen: dict[str, tuple[str, str, str]] = {}
    for step, name_th, name_en in rows:
        seen.setdefault(step, (step, name_th, name_en))
    if len(_step_choices) > 10_000:
        _step_choices.clear()
    _step_choices[key] = (time.monotonic(), list(seen.values()))
    return list(seen.values())


def save_draft(session: Session, clock: Clock, actor: Actor, task_id: int, data: dict) -> Task:
    """Keep a half-filled form on the task until it is submitted (not validated, not audited)."""
    require_transaction(session)
    task = get_task(session, actor, task_id)
    if task.assignee_id is not None and task.assignee_id != actor.user_id:
        raise TaskNotReady("Another official holds this task.", "งานนี้มีเจ้าหน้าที่ท่านอื่นรับไปแล้ว")
    if not isinstance(data, dict):
        raise ValidationFailed.one("", "ข้อมูลร่างไม่ถูกต้อง", "The draft must be an object.")
    task.draft = data
    session.flush()
    return task


def get_task(session: Session, actor: Actor, task_id: int) -> Task:
    """A task the actor could work on."""
    task = session.get(Task, task_id)
    if task is None:
        raise TaskNotFound(f"Task {task_id} does not exist.", f"ไม่พบงานเลขที่ {task_id}")
    check_can_work(actor, task)
    return task


def _locked_task(session: Session, actor: Actor, task_id: int) -> tuple[Case, Task]:
    """Lock the task's case, then re-read the task: it may have been done meanwhile."""
    case_id = session.scalar(select(Task.case_id).where(Task.id == task_id))
    if case_id is None:
        raise TaskNotFound(
            f"Task {task_id} does not exist or is already done.",
            f"ไม่พบงานเลขที่ {task_id} หรืองานนี้เสร็จไปแล้ว",
        )
    case = runner.lock_case(session, case_id)
    task = session.scalar(
        select(Task).where(Task.id == task_id).execution_options(populate_existing=True)
    )
    if task is None:
        raise TaskNotReady("Someone else has just completed this task.", "มีผู้อื่นดำเนินการงานนี้เสร็จแล้ว")
    check_can_work(actor, task)
    return case, task


def claim(session: Session, clock: Clock, actor: Actor, task_id: int) -> Task:
    """Take a task from the group inbox; only one official holds it."""
    require_transaction(session)
    case, task = _locked_task(session, actor, task_id)
    if task.assignee_id is not None and task.assignee_id != actor.user_id:
        raise TaskNotReady(
            "Another official has already claimed this task.", "มีเจ้าหน้าที่ท่านอื่นรับงานนี้ไปแล้ว"
        )
    if task.assignee_id == actor.user_id:
        return task
    task.assignee_id = actor.user_id
    case.updated_at = clock()
    journal.record(session, case, actor, "claimed", clock(), step=task.step)
    session.flush()
    return task


def unclaim(session: Session, clock: Clock, actor: Actor, task_id: int) -> Task:
    """Return a claimed task to the group inbox."""
    require_transaction(session)
    case, task = _locked_task(session, actor, task_id)
    if task.assignee_id != actor.user_id and not actor.has("supervisor"):
        raise TaskNotReady("You do not hold this task.", "ท่านไม่ได้ถืองานนี้อยู่")
    task.assignee_id = None
    case.updated_at = clock()
    journal.record(session, case, actor, "unclaimed", clock(), step=task.step)
    session.flush()
    return task


def release_held(session: Session, now: datetime, actor: Actor, user: User) -> int:
    """Give back to their groups the tasks an official holds but may no longer do (deactivated,
    or no longer holding the task's role); audited on each case. How many went back."""
    held = session.scalars(select(Task).where(Task.assignee_id == user.id)).all()
    released = 0
    for task in held:
        if user.active and task.role in user.roles:
            continue
        task.assignee_id = None
        case = session.get(Case, task.case_id)
        journal.record(
            session,
            case,
            actor,
            "unclaimed",
            now,
            step=task.step,
            detail={"from": user.username, "reason": "deactivated" if not user.active else "role"},
        )
        released += 1
    session.flush()
    return released


def reassign(session: Session, clock: Clock, actor: Actor, task_id: int, user_id: int) -> Task:
    """A supervisor hands a task to another official of the same unit and role."""
    require_transaction(session)
    case_id = session.scalar(select(Task.case_id).where(Task.id == task_id))
    if case_id is None:
        raise TaskNotFound(f"Task {task_id} does not exist.", f"ไม่พบงานเลขที่ {task_id}")
    case = runner.lock_case(session, case_id)
    task = session.get(Task, task_id)
    check_can_reassign(actor, task)
    user = session.get(User, user_id)
    if (
        user is None
        or not user.active
        or user.org_unit_id != task.org_unit_id
        or (task.role not in user.roles)
    ):
        raise ValidationFailed.one(
            "user_id",
            "ผู้รับมอบหมายต้องเป็นเจ้าหน้าที่ในหน่วยงานและบทบาทเดียวกับงาน",
            "The new assignee must be an active official of the task's unit and role.",
        )
    task.assignee_id = user.id
    case.updated_at = clock()
    journal.record(
        session, case, actor, "reassigned", clock(), step=task.step, detail={"to": user.username}
    )
    session.flush()
    return task


def complete_task(session: Session, clock: Clock, actor: Actor, task_id: int, data: dict) -> Case:
    """Validate the form, store its free text beside the case, and advance the workflow."""
    require_transaction(session)
    case, task = _locked_task(session, actor, task_id)
    if task.assignee_id is not None and task.assignee_id != actor.user_id:
        raise TaskNotReady("Another official holds this task.", "งานนี้มีเจ้าหน้าที่ท่านอื่นรับไปแล้ว")
    form = form_of(session, task)
    check_form(form, data)
    _check_references(session, case, data)
    if any(hold(session, clock, actor, case, task, data) for hold in _HOLDS.get(task.form, ())):
        return case  # a form's own rule keeps the task open (a forward waiting for approval)
    workflow_data, notes = split_stored_fields(shared_schema(form), data)
    if data.get("area_code"):  # a screener set the area (checked above): routing reads its province
        workflow_data["province"] = data["area_code"][:2]
    now = clock()
    _store_notes(session, case, actor, task.step, notes, now)
    _apply_case_fields(session, case, data)
    journal.record(
        session,
        case,
        actor,
        "task_completed",
        now,
        step=task.step,
        detail={k: v for k, v in workflow_data.items() if isinstance(v, str | int | bool)},
    )
    runner.complete_user_task(session, clock, actor, case, task.spiff_task_id, workflow_data)
    for after in _AFTERS.get(task.form, ()):
        after(session, clock, actor, case, data)  # e.g. the supervisor's remind, extend, escalate
    return case


def _check_references(session: Session, case: Case, data: dict) -> None:
    """Codes in the form must name things that exist, before anything is written."""
    if data.get("agency"):
        find_agency(session, data["agency"])
    if data.get("category") and session.get(Category, data["category"]) is None:
        raise ValidationFailed.one(
            "category",
            f"ไม่พบประเภทเรื่อง «{data['category']}»",
            f"Unknown category «{data['category']}».",
        )
    if data.get("area_code"):
        try:
            areas.check_area_code(data["area_code"])
        except areas.UnknownArea as exc:  # an abolished code names the codes that replaced it
            raise ValidationFailed.one("area_code", exc.message_th, exc.message_en) from exc
    elif not case.area_code and data.get("decision") == "refer":
        raise ValidationFailed.one(
            "area_code",
            "เรื่องนี้ยังไม่ทราบพื้นที่ กรุณาระบุพื้นที่ก่อนส่งต่อหน่วยงาน",
            "This case's area is unknown: set the area before referring it.",
        )
    if data.get("duplicate_of"):
        original = session.scalar(select(Case).where(Case.tracking_code == data["duplicate_of"]))
        if original is None or original.id == case.id:
            raise ValidationFailed.one(
                "duplicate_of",
                "ไม่พบเรื่องเดิมที่ระบุว่าซ้ำ",
                "The case this duplicates was not found (or is this case).",
            )


def _apply_case_fields(session: Session, case: Case, data: dict) -> None:
    if data.get("category"):
        case.category_code = data["category"]
    if data.get("area_code"):
        case.area_code = data["area_code"]
    if data.get("duplicate_of"):
        case.duplicate_of_id = session.scalar(
            select(Case.id).where(Case.tracking_code == data["duplicate_of"])
        )


def _store_notes(session, case, actor, step, notes, now) -> None:  # type: ignore[no-untyped-def]
    for field, body in notes.items():
        if not isinstance(body, str) or not body.strip():
            continue
        session.add(
            CaseNote(
                case_id=case.id,
                kind=field,
                step=step,
                body=body,
                public=field in PUBLIC_NOTE_FIELDS,
                author_id=actor.user_id,
                author_label=actor.label,
                org_unit_id=actor.org_unit_id,
                created_at=now,
            )
        )


def form_of(session: Session, task: Task) -> dict | str:
    """A task's form as its case's process version carries it (older versions: by name)."""
    return definitions.case_form(session, task.case_id, task.form) or task.form
