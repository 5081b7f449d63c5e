"""SLA endpoints: supervisor actions on a case, compliance figures, incidents for admins."""

from __future__ import annotations

from datetime import datetime

from flask import request

from api.edge import blueprint, current_actor, json_body, lang, reading, services, writing
from api.serialize import case_detail
from engine.errors import ValidationFailed
from engine.sla import figures, incidents, supervision


@blueprint.post("/cases/<id:case_id>/supervision")
def post_supervision(case_id: int):  # type: ignore[no-untyped-def]
    """Remind, extend (with reason), escalate, reassign or close an overdue case."""
    actor = current_actor()
    data = json_body()
    clock = services().clock
    with writing() as session:
        case = supervision.supervise(session, clock, actor, case_id, data)
        return case_detail(session, actor, case, lang(), clock())


def _instant(name: str) -> datetime | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise ValidationFailed.one(
            name,
            "ต้องเป็นวันเวลา ISO 8601 พร้อมเขตเวลา เช่น 2026-11-01T00:00:00+07:00",
            "Must be an ISO 8601 instant with an offset, e.g. 2026-11-01T00:00:00+07:00.",
        )
    return value


@blueprint.get("/sla/compliance")
def get_compliance():  # type: ignore[no-untyped-def]
    """Deadlines met and breached, and open ones at risk, per agency, center or category."""
    actor = current_actor()
    group_by = request.args.get("group_by", "agency")
    since, until = _instant("since"), _instant("until")
    step = request.args.get("step") or None
    now = services().clock()
    with reading() as session:
        rows = figures.compliance(session, actor, now, group_by, since, until, step)
    return {"group_by": group_by, "at": now.isoformat(), "items": [r.as_dict() for r in rows]}


@blueprint.get("/incidents")
def get_incidents():  # type: ignore[no-untyped-def]
    """Cases whose timers keep failing (administrators only)."""
    actor = current_actor()
    with reading() as session:
        return {"items": incidents.list_incidents(session, actor)}


@blueprint.post("/incidents/<id:case_id>/retry")
def post_incident_retry(case_id: int):  # type: ignore[no-untyped-def]
    """Retry a failing case's timers at the next sweep (administrators only)."""
    actor = current_actor()
    with writing() as session:
        count = incidents.retry_now(session, services().clock, actor, case_id)
    return {"case_id": case_id, "timers": count}
