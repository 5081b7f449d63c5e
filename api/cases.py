"""Case endpoints: open, list, read, timeline, comments, messages and referrals."""

from __future__ import annotations

from flask import request
from sqlalchemy import func, select

from api import idempotency
from api.edge import blueprint, current_actor, int_arg, json_body, lang, reading, services, writing
from api.serialize import case_detail, case_summary_for, event_json, instant
from engine.access import identitylog, redaction
from engine.access.checks import check_may_refer_by_hand
from engine.cases.intake import add_comment, get_case, list_cases, open_case, prepare_case
from engine.cases.referrals import refer
from engine.errors import ValidationFailed
from engine.models import AuditEvent
from engine.statuses import STATUSES
from engine.text import check_text
from engine.workflow.messages import send_message
from engine.workflow.runner import lock_case


@blueprint.post("/cases")
def post_case():  # type: ignore[no-untyped-def]
    """Open a case; an Idempotency-Key makes a retry return the same case."""
    clock = services().clock
    # Who asks, the checks, identity and the engine's first steps only read: all of it is done
    # in one read session, before the write lock.
    with reading() as session:
        actor = current_actor(session)
        data = json_body()
        key = idempotency.check_key(request.headers.get("Idempotency-Key"))
        prepared = prepare_case(session, clock, actor, data)
    digest = idempotency.request_hash(data)
    scope = f"user:{actor.user_id}:cases"
    with writing() as session:
        if key:
            stored = idempotency.replay(session, scope, key, digest)
            if stored is not None:
                return stored[0], stored[1]
        opened = open_case(session, clock, actor, data, prepared=prepared)
        body = {
            "id": opened.case.id,
            "tracking_code": opened.case.tracking_code,
            "registration_number": opened.case.registration_number,
            "citizen_secret": opened.citizen_secret,
            "secret_already_shown": False,
            "status": opened.case.status,
        }
        if key:  # a retry gets the same case, but the secret is shown once and kept nowhere
            kept = {**body, "citizen_secret": None, "secret_already_shown": True}
            idempotency.remember(session, scope, key, digest, kept, 201, clock())
    return body, 201, {"Location": f"/api/v1/cases/{body['id']}"}


@blueprint.get("/cases")
def get_cases():  # type: ignore[no-untyped-def]
    """Cases in the caller's scope, filtered and paged."""
    actor = current_actor()
    status = request.args.get("status") or None
    if status and status not in STATUSES:
        raise ValidationFailed.one(
            "status", f"ไม่รู้จักสถานะ «{status}»", f"Unknown status «{status}»."
        )
    limit, offset = int_arg("limit", 50, 1, 200), int_arg("offset", 0, 0, 10_000_000)
    with reading() as session:
        rows, total = list_cases(
            session,
            actor,
            status=status,
            category=request.args.get("category") or None,
            area=request.args.get("area") or None,
            limit=limit,
            offset=offset,
        )
        items = [case_summary_for(session, actor, c, lang()) for c in rows]
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@blueprint.get("/cases/<id:case_id>")
def get_one_case(case_id: int):  # type: ignore[no-untyped-def]
    """One case with its current tasks and what the caller may see of it."""
    actor = current_actor()
    with reading() as session:
        case = get_case(session, actor, case_id)
        body = case_detail(session, actor, case, lang(), services().clock())
        logged = identitylog.shows_protected_identity(actor, case)
    if logged:  # a confidential complainant's identity was shown: who looked is kept
        with writing() as session:
            case = get_case(session, actor, case_id)
            identitylog.record_view(session, services().clock(), actor, case, "api_case")
    return body


@blueprint.get("/cases/<id:case_id>/identity-views")
def get_identity_views(case_id: int):  # type: ignore[no-untyped-def]
    """Who looked at a confidential complainant's identity (admins, the center's supervisors)."""
    actor = current_actor()
    limit, offset = int_arg("limit", 200, 1, 500), int_arg("offset", 0, 0, 10_000_000)
    with reading() as session:
        case = get_case(session, actor, case_id)
        views, total = identitylog.list_views(session, actor, case, limit, offset)
        items = [
            {"user_id": v.user_id, "actor": v.actor_label, "via": v.via, "at": instant(v.at)}
            for v in views
        ]
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@blueprint.get("/cases/<id:case_id>/events")
def get_case_events(case_id: int):  # type: ignore[no-untyped-def]
    """The case's audit trail, oldest first, paged."""
    actor = current_actor()
    limit, offset = int_arg("limit", 200, 1, 500), int_arg("offset", 0, 0, 10_000_000)
    with reading() as session:
        redactor = redaction.text_filter(session, actor, get_case(session, actor, case_id))
        query = select(AuditEvent).where(AuditEvent.case_id == case_id)
        total = session.scalar(select(func.count()).select_from(query.subquery()))
        events = session.scalars(query.order_by(AuditEvent.id).limit(limit).offset(offset)).all()
        items = [event_json(e, lang(), redactor) for e in events]
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@blueprint.post("/cases/<id:case_id>/comments")
def post_comment(case_id: int):  # type: ignore[no-untyped-def]
    """Add an internal comment, or a public one the complainant sees."""
    actor = current_actor()
    data = json_body()
    public = data.get("public", False)
    if not isinstance(public, bool) or not isinstance(data.get("body"), str):
        raise ValidationFailed.one(
            "body",
            "ต้องมี body เป็นข้อความ และ public เป็น true/false",
            "Send 'body' as text and 'public' as true or false.",
        )
    with writing() as session:
        note = add_comment(session, services().clock, actor, case_id, data["body"], public)
        return {"id": note.id, "public": note.public}, 201


@blueprint.post("/cases/<id:case_id>/messages/<name>")
def post_message(case_id: int, name: str):  # type: ignore[no-untyped-def]
    """Deliver a message to the case's process (withdraw, info_provided, reopen, sla_breached)."""
    actor = current_actor()
    data = request.get_json(silent=True) or {}
    text = data.get("text") if isinstance(data, dict) else None
    with writing() as session:
        case = send_message(session, services().clock, actor, case_id, name, text)
        return {"id": case.id, "status": case.status}


@blueprint.post("/cases/<id:case_id>/referrals")
def post_referral(case_id: int):  # type: ignore[no-untyped-def]
    """A supervisor refers the case by hand (lead) or invites a co-handler."""
    actor = current_actor()
    data = json_body()
    check_may_refer_by_hand(actor)
    agency, role = data.get("agency"), data.get("role", "lead")
    if not isinstance(agency, str) or not isinstance(role, str):
        raise ValidationFailed.one("agency", "กรุณาระบุรหัสหน่วยงาน", "Give the agency code.")
    with writing() as session:
        get_case(session, actor, case_id)
        case = lock_case(session, case_id)
        reason = check_text("reason", data.get("reason"), 2000, required=False)
        referral = refer(session, services().clock(), actor, case, agency, role, reason)
        case.updated_at = services().clock()
        return {"agency": agency, "role": referral.role, "active": referral.active}, 201
