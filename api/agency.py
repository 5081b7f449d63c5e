"""The agency API (/api/v1/agency/…), redactions for it, and the public contact directory (JSON)."""

from __future__ import annotations

import re
from urllib.parse import quote

from flask import Response, request

from agency import actions, reads
from api import idempotency
from api.edge import (
    blueprint,
    current_actor,
    int_arg,
    json_body,
    lang,
    reading,
    services,
    writing,
)
from engine.access.checks import check_can_see, check_may_decide_forwards
from engine.cases import forwarding
from engine.errors import NotWaiting, ValidationFailed
from engine.reference import directory
from engine.statuses import STATUSES, status_label
from engine.workflow import runner

# URL segment -> engine action
ACTION_PATHS = {
    "acknowledge": "acknowledge",
    "progress": "progress",
    "result": "result",
    "info-request": "info_request",
    "decline": "decline",
    "forward": "forward",
    "invite": "invite",
}


def feed_item(row) -> dict:  # type: ignore[no-untyped-def]
    """A feed entry: what changed, on which case, at which position."""
    return {
        "position": row.position,
        "case_id": row.case_id,
        "tracking_code": row.payload.get("tracking_code"),
        "event": row.event,
        "status": row.status,
        "status_before": row.payload.get("status_before"),
        "step": row.payload.get("step"),
        "detail": row.payload.get("detail", {}),
        "at": row.created_at.isoformat(),
    }


@blueprint.get("/agency/feed")
def get_agency_feed():  # type: ignore[no-untyped-def]
    """Changes to the agency's cases after `since`, in commit order, with the next cursor."""
    actor = current_actor()
    raw = request.args.get("since") or "0"
    if not re.fullmatch(r"[0-9]{1,18}", raw):
        raise ValidationFailed.one(
            "since", "since ต้องเป็นเคอร์เซอร์ที่ได้จากฟีด", "since must be a cursor from the feed."
        )
    limit = int_arg("limit", 100, 1, 500)
    with reading() as session:
        page = reads.read_feed(session, actor, int(raw), limit + 1)
        items = [feed_item(r) for r in page.items[:limit]]
    next_cursor = str(items[-1]["position"]) if items else raw
    return {"items": items, "next_cursor": next_cursor, "has_more": len(page.items) > limit}


@blueprint.get("/agency/cases")
def get_agency_cases():  # type: ignore[no-untyped-def]
    """The cases referred to the agency, most recently changed first."""
    actor = current_actor()
    status = request.args.get("status") or None
    if status and status not in STATUSES:
        raise ValidationFailed.one(
            "status", f"ไม่รู้จักสถานะ «{status}»", f"Unknown status «{status}»."
        )
    limit, offset = int_arg("limit", 50, 1, 200), int_arg("offset", 0, 0, 10_000_000)
    with reading() as session:
        rows, total = reads.list_held(session, actor, status=status, limit=limit, offset=offset)
        items = [
            {
                "id": case.id,
                "tracking_code": case.tracking_code,
                "status": case.status,
                "status_label": status_label(case.status, lang()),
                "role": referral.role,
                "title": actions.redactor_for(session, case).text(case.title),
                "category": case.category_code,
                "area_code": case.area_code,
                "waiting_for": actions.waiting_for(session, actor, case.id),
                "updated_at": case.updated_at.isoformat(),
            }
            for case, referral in rows
        ]
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@blueprint.get("/agency/cases/<id:case_id>")
def get_agency_case(case_id: int):  # type: ignore[no-untyped-def]
    """One referred case as the agency may see it (identity protected, text redacted)."""
    actor = current_actor()
    with reading() as session:
        return reads.case_view(session, actor, case_id, services().clock(), lang())


@blueprint.post(
    "/agency/cases/<id:case_id>/<any(" + ",".join(f'"{a}"' for a in ACTION_PATHS) + "):name>"
)
def post_agency_action(case_id: int, name: str):  # type: ignore[no-untyped-def]
    """Acknowledge, report progress or the result, ask, decline, forward or invite."""
    actor = current_actor()
    action = ACTION_PATHS[name]
    body = json_body() if request.get_data() else {}
    key = idempotency.check_key(request.headers.get("Idempotency-Key"))
    digest = idempotency.request_hash(body)
    scope = f"user:{actor.user_id}:agency:{case_id}:{action}"
    clock = services().clock
    try:
        with writing() as session:
            runner.lock_case(session, case_id)  # a retry racing its original waits here
            if key:
                stored = idempotency.replay(session, scope, key, digest)
                if stored is not None:
                    return stored[0], stored[1]
            case = actions.act(session, clock, actor, case_id, action, body)
            answer = {
                "id": case.id,
                "status": case.status,
                "status_label": status_label(case.status, lang()),
                "waiting_for": actions.waiting_for(session, actor, case.id),
            }
            if action == "forward":  # at once (null), or waiting for the center's approval
                held = forwarding.pending(session, case.id)
                answer["pending_forward"] = (
                    forwarding.request_json(session, held[-1]) if held else None
                )
            if key:
                idempotency.remember(session, scope, key, digest, answer, 200, clock())
    except NotWaiting as exc:
        return _with_stage(exc), 409
    return answer


def _with_stage(exc: NotWaiting) -> dict:
    """The 409 body: the usual error shape plus the case's status and what it waits for."""
    return {
        "error": {
            "code": exc.code,
            "message": exc.message(lang()),
            "fields": {},
            "status": exc.detail.get("status"),
            "waiting_for": exc.detail.get("waiting_for", []),
        }
    }


@blueprint.get("/forward-requests")
def get_pending_forwards():  # type: ignore[no-untyped-def]
    """The forwards waiting for a decision on the cases the center officer sees, oldest first."""
    actor = current_actor()
    limit = int_arg("limit", 100, 1, 500)
    with reading() as session:
        rows = forwarding.pending_in_scope(session, actor, limit)
        return {"items": [forwarding.request_json(session, r) for r in rows]}


@blueprint.get("/cases/<id:case_id>/forward-requests")
def get_forward_requests(case_id: int):  # type: ignore[no-untyped-def]
    """Agencies' forward requests of a case (center officers), pending ones to decide."""
    actor = current_actor()
    with reading() as session:
        check_may_decide_forwards(actor)
        check_can_see(session, actor, case_id)
        rows = forwarding.requests_of(session, case_id)
        return {"items": [forwarding.request_json(session, r) for r in rows]}


@blueprint.post("/cases/<id:case_id>/forward-requests/<id:request_id>/<any(approve,reject):name>")
def post_forward_decision(case_id: int, request_id: int, name: str):  # type: ignore[no-untyped-def]
    """A center officer approves (the lead moves at once) or rejects an agency's forward."""
    actor = current_actor()
    body = json_body() if request.get_data() else {}
    unknown = sorted(set(body) - {"note"})
    if unknown:
        raise ValidationFailed.one(
            unknown[0], f"ไม่รู้จักช่อง «{unknown[0]}»", f"Unknown field «{unknown[0]}»."
        )
    with writing() as session:
        row = forwarding.decide(
            session,
            services().clock,
            actor,
            case_id,
            request_id,
            name == "approve",
            body.get("note"),
        )
        return forwarding.request_json(session, row)


@blueprint.get("/agency/cases/<id:case_id>/attachments/<id:attachment_id>")
def get_agency_attachment(case_id: int, attachment_id: int):  # type: ignore[no-untyped-def]
    """Download an attachment of a referred case."""
    actor = current_actor()
    with reading() as session:
        row = reads.get_attachment(session, actor, case_id, attachment_id)
        content, content_type, filename = row.content, row.content_type, row.filename
    response = Response(content, content_type=content_type)
    response.headers["Content-Disposition"] = "attachment; filename*=UTF-8''" + _quote(filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _quote(name: str) -> str:
    return quote(name, safe="")


@blueprint.post("/cases/<id:case_id>/redactions")
def post_redaction(case_id: int):  # type: ignore[no-untyped-def]
    """A center officer hides a word or number from everything agencies receive."""
    actor = current_actor()
    term = json_body().get("term")
    with writing() as session:
        row = actions.add_redaction(session, services().clock, actor, case_id, term)
        return {"id": row.id, "case_id": case_id}, 201


@blueprint.post("/cases/<id:case_id>/attachments/<id:attachment_id>/withhold")
def post_withhold(case_id: int, attachment_id: int):  # type: ignore[no-untyped-def]
    """A center officer keeps an attachment from every agency."""
    actor = current_actor()
    with writing() as session:
        row = actions.withhold_attachment(session, services().clock, actor, case_id, attachment_id)
        return {"id": row.id, "case_id": case_id, "withheld": row.withheld}


@blueprint.get("/directory")
def get_directory():  # type: ignore[no-untyped-def]
    """The public contact directory: search by name, area (DOPA code) or phone number."""
    query = request.args.get("q") or None
    if query is not None and len(query) > 100:
        raise ValidationFailed.one("q", "คำค้นยาวเกิน 100 ตัวอักษร", "q is longer than 100 characters.")
    limit, offset = int_arg("limit", 50, 1, 200), int_arg("offset", 0, 0, 10_000_000)
    with reading() as session:
        page = directory.search(
            session,
            query,
            area=request.args.get("area") or None,
            kind=request.args.get("kind") or None,
            limit=limit,
            offset=offset,
        )
        items = [directory.entry_json(e, lang()) for e in page.items]
    return {
        "items": items,
        "total": page.total,
        "limit": limit,
        "offset": offset,
        "area_codes": list(page.area_codes),
    }
