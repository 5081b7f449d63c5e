"""Inbox endpoints: list, read (with its form), claim, unclaim, complete."""

from __future__ import annotations

import copy

from flask import request

from api.edge import blueprint, current_actor, int_arg, json_body, lang, reading, services, writing
from api.serialize import case_summary_for, task_json
from engine.cases import tasks as task_service
from engine.errors import ValidationFailed
from engine.models import Case
from engine.sla import policies
from forms.loader import shared_schema


@blueprint.get("/tasks")
def get_tasks():  # type: ignore[no-untyped-def]
    """The caller's inbox: scope=mine (claimed) or group (claimable), sorted by due time."""
    actor = current_actor()
    limit, offset = int_arg("limit", 50, 1, 200), int_arg("offset", 0, 0, 10_000_000)
    now = services().clock()
    state = request.args.get("sla_state") or None
    if state is not None and state not in policies.SLA_STATES:
        raise ValidationFailed.one(
            "sla_state",
            "sla_state ต้องเป็น on_track, at_risk หรือ breached",
            "sla_state must be on_track, at_risk or breached.",
        )
    with reading() as session:
        page = task_service.list_tasks(
            session,
            actor,
            request.args.get("scope", "mine"),
            step=request.args.get("step") or None,
            category=request.args.get("category") or None,
            area=request.args.get("area") or None,
            sla_state=state,
            now=now,
            limit=limit,
            offset=offset,
        )
        items = [task_json(t, lang(), now, policies.calendar(session)) for t in page.items]
    return {"items": items, "total": page.total, "limit": limit, "offset": offset}


@blueprint.get("/tasks/<id:task_id>")
def get_task(task_id: int):  # type: ignore[no-untyped-def]
    """One task with its JSON Schema form and a summary of its case."""
    actor = current_actor()
    with reading() as session:
        task = task_service.get_task(session, actor, task_id)
        body = task_json(task, lang(), services().clock(), policies.calendar(session))
        body["form"] = copy.deepcopy(shared_schema(task_service.form_of(session, task)))
        body["case"] = case_summary_for(session, actor, session.get(Case, task.case_id), lang())
    return body


@blueprint.post("/tasks/<id:task_id>/claim")
def claim_task(task_id: int):  # type: ignore[no-untyped-def]
    """Claim a task from the group inbox."""
    actor = current_actor()
    with writing() as session:
        task = task_service.claim(session, services().clock, actor, task_id)
        return task_json(task, lang(), services().clock(), policies.calendar(session))


@blueprint.post("/tasks/<id:task_id>/unclaim")
def unclaim_task(task_id: int):  # type: ignore[no-untyped-def]
    """Give a claimed task back to the group."""
    actor = current_actor()
    with writing() as session:
        task = task_service.unclaim(session, services().clock, actor, task_id)
        return task_json(task, lang(), services().clock(), policies.calendar(session))


@blueprint.post("/tasks/<id:task_id>/complete")
def complete_task(task_id: int):  # type: ignore[no-untyped-def]
    """Submit a task's form as {"data": {...}}; the case moves on."""
    actor = current_actor()
    body = json_body()
    data = body.get("data")
    if not isinstance(data, dict):
        raise ValidationFailed.one(
            "data", "ต้องส่งข้อมูลแบบฟอร์มในช่อง data", 'Send the form values as {"data": {...}}.'
        )
    with writing() as session:
        case = task_service.complete_task(session, services().clock, actor, task_id, data)
        return {"case_id": case.id, "status": case.status}


@blueprint.post("/tasks/<id:task_id>/reassign")
def reassign_task(task_id: int):  # type: ignore[no-untyped-def]
    """A supervisor hands the task to another official: {"user_id": n}."""
    actor = current_actor()
    user_id = json_body().get("user_id")
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        raise ValidationFailed.one(
            "user_id", "กรุณาระบุ user_id เป็นตัวเลข", "Give the new assignee as an integer user_id."
        )
    with writing() as session:
        task = task_service.reassign(session, services().clock, actor, task_id, user_id)
        return task_json(task, lang(), services().clock(), policies.calendar(session))
