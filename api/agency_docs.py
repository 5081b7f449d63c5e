"""OpenAPI paths of the agency API and the contact directory (merged by api/openapi.py)."""

from __future__ import annotations

from agency.actions import MAX_ATTACHMENTS
from api.openapi_schemas import CASE_ID, PAGING, json_response, operation, parameter
from engine.statuses import STATUSES

INSTANT = {"type": "string", "format": "date-time"}
NULL_STR = {"type": ["string", "null"]}
ACTIONS = ["acknowledge", "progress", "result", "info_request", "decline", "forward", "invite"]
WAITING = {"type": "array", "items": {"enum": ACTIONS}}
FEED_ITEM = {
    "type": "object",
    "required": ["position", "case_id", "event", "status", "at"],
    "properties": {
        "position": {"type": "integer"},
        "case_id": {"type": "integer"},
        "tracking_code": NULL_STR,
        "event": {"type": "string"},
        "status": {"enum": list(STATUSES)},
        "status_before": NULL_STR,
        "step": NULL_STR,
        "detail": {"type": "object"},
        "at": INSTANT,
    },
}
FEED = {
    "type": "object",
    "required": ["items", "next_cursor", "has_more"],
    "properties": {
        "items": {"type": "array", "items": FEED_ITEM},
        "next_cursor": {"type": "string", "pattern": "^[0-9]+$"},
        "has_more": {"type": "boolean"},
    },
}
HELD = {
    "type": "object",
    "required": ["id", "tracking_code", "status", "role", "waiting_for"],
    "properties": {
        "id": {"type": "integer"},
        "tracking_code": {"type": "string"},
        "status": {"enum": list(STATUSES)},
        "status_label": {"type": "string"},
        "role": {"enum": ["lead", "co_handler"]},
        "title": {"type": "string"},
        "category": {"type": "string"},
        "area_code": {"type": "string"},
        "waiting_for": WAITING,
        "updated_at": INSTANT,
    },
}
AGENCY_CASE = {
    "type": "object",
    "required": ["id", "status", "role", "waiting_for", "complainant", "notes", "attachments"],
    "properties": {
        **HELD["properties"],
        "registration_number": {"type": "string"},
        "referred_at": INSTANT,
        "description": {"type": "string"},
        "address_text": NULL_STR,
        "lat": {"type": ["number", "null"]},
        "lon": {"type": ["number", "null"]},
        "confidential": {"type": "boolean"},
        "complainant": {"type": ["object", "null"]},
        "due_at": {"type": ["string", "null"], "format": "date-time"},
        "created_at": INSTANT,
        "notes": {"type": "array", "items": {"type": "object"}},
        "attachments": {"type": "array", "items": {"type": "object"}},
    },
}
FORWARD_REQUEST = {
    "type": "object",
    "required": [
        "id",
        "case_id",
        "from_agency",
        "to_agency",
        "reason",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
        "decision_note",
    ],
    "properties": {
        "id": {"type": "integer"},
        "case_id": {"type": "integer"},
        "from_agency": {"type": "string"},
        "to_agency": {"type": "string"},
        "reason": {"type": "string"},
        # lapsed: approved after the agency stopped waiting to forward (nothing moved)
        "status": {"enum": ["pending", "approved", "rejected", "lapsed"]},
        "requested_by": {"type": "string"},
        "requested_at": INSTANT,
        "decided_by": NULL_STR,
        "decided_at": {"type": ["string", "null"], "format": "date-time"},
        "decision_note": NULL_STR,
    },
}
FORWARD_LIST = {
    "type": "object",
    "required": ["items"],
    "properties": {"items": {"type": "array", "items": FORWARD_REQUEST}},
}
ACTED = {
    "type": "object",
    "required": ["id", "status", "waiting_for"],
    "properties": {
        "id": {"type": "integer"},
        "status": {"enum": list(STATUSES)},
        "status_label": {"type": "string"},
        "waiting_for": WAITING,
        # forward only: null when it happened at once, else the request the center decides
        "pending_forward": {"anyOf": [FORWARD_REQUEST, {"type": "null"}]},
    },
}
NOT_WAITING = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object"},
                "status": {"enum": [*STATUSES, None]},
                "waiting_for": WAITING,
            },
        }
    },
}
TEXT = {"type": "string", "minLength": 1}
BODIES = {
    "acknowledge": {"note": TEXT, "officer_name": {"type": "string"}},
    "progress": {"progress_note": TEXT},
    "result": {
        "result_text": TEXT,
        "attachments": {
            "type": "array",
            "maxItems": MAX_ATTACHMENTS,
            "items": {
                "type": "object",
                "required": ["filename", "content_base64"],
                "properties": {
                    "filename": {"type": "string"},
                    "content_base64": {"type": "string", "contentEncoding": "base64"},
                },
            },
        },
    },
    "info-request": {"question": TEXT},
    "decline": {"reason": TEXT},
    "forward": {"agency": {"type": "string"}, "reason": TEXT},
    "invite": {"agency": {"type": "string"}, "reason": TEXT},
}
REQUIRED = {
    "progress": ["progress_note"],
    "result": ["result_text"],
    "info-request": ["question"],
    "decline": ["reason"],
    "forward": ["agency", "reason"],
    "invite": ["agency"],
}
SUMMARIES = {
    "acknowledge": "Acknowledge the referral (completes agency_acknowledge)",
    "progress": "Report progress (agency_handle, action progress)",
    "result": "Report the final result, with PDF/PNG/JPEG attachments (action result)",
    "info-request": "Ask the center for information (action info_request)",
    "decline": "Decline as outside the agency's jurisdiction: back to screening (action decline)",
    "forward": "Forward to another agency, the lead only (action forward); waits for the"
    " center's approval when its center requires it (pending_forward)",
    "invite": "Invite a co-handling agency, the lead only (action invite)",
}
DIRECTORY_ENTRY = {
    "type": "object",
    "required": ["key", "kind", "name"],
    "properties": {
        "key": {"type": "string"},
        "kind": {"enum": ["center", "agency", "hotline"]},
        "name": {"type": "string"},
        "name_th": {"type": "string"},
        "name_en": {"type": "string"},
        "address": NULL_STR,
        "phone": NULL_STR,
        "hotline": NULL_STR,
        "email": NULL_STR,
        "website": NULL_STR,
        "office_hours": NULL_STR,
        "area_code": NULL_STR,
        "area_name": NULL_STR,
    },
}


def _action(path: str) -> dict:
    body = {"type": "object", "properties": BODIES[path], "required": REQUIRED.get(path, [])}
    op = operation(
        SUMMARIES[path],
        json_response(ACTED),
        400,
        401,
        403,
        404,
        413,
        422,
        body=body,
        params=[CASE_ID, parameter("Idempotency-Key", "header")],
    )
    op["responses"]["409"] = json_response(NOT_WAITING, "The case is not waiting for this action")
    return {"post": op}


def _decision(verb: str) -> dict:
    summary = {
        "approve": "Approve an agency's forward: the lead moves now (center officers)",
        "reject": "Reject an agency's forward: it keeps the case (center officers)",
    }[verb]
    op = operation(
        summary,
        json_response(FORWARD_REQUEST),
        400,
        401,
        403,
        404,
        409,
        413,
        422,
        body={
            "type": "object",
            "properties": {"note": {"type": "string", "maxLength": 2000}},
            "additionalProperties": False,
        },
        params=[CASE_ID, parameter("request_id", "path", {"type": "integer"})],
    )
    op["requestBody"]["required"] = False
    return op


def agency_paths() -> dict:
    """The paths to add to the OpenAPI document."""
    paths = {f"/agency/cases/{{case_id}}/{p}": _action(p) for p in BODIES}
    files = {t: {"schema": {}} for t in ("application/pdf", "image/png", "image/jpeg")}
    download = operation(
        "Download an attachment",
        {"description": "The file", "content": files},
        401,
        403,
        404,
        params=[CASE_ID, parameter("attachment_id", "path", {"type": "integer"})],
    )
    paths |= {
        "/agency/feed": {
            "get": operation(
                "Changes to the agency's cases after a cursor, in commit order",
                json_response(FEED),
                401,
                403,
                422,
                params=[
                    parameter("since", schema={"type": "string", "pattern": "^[0-9]{1,18}$"}),
                    parameter("limit", schema={"type": "integer", "minimum": 1, "maximum": 500}),
                ],
            )
        },
        "/agency/cases": {
            "get": operation(
                "Cases referred to the agency (lead or co-handler)",
                json_response(
                    {
                        "type": "object",
                        "required": ["items", "total"],
                        "properties": {
                            "items": {"type": "array", "items": HELD},
                            "total": {"type": "integer"},
                            "limit": {"type": "integer"},
                            "offset": {"type": "integer"},
                        },
                    }
                ),
                401,
                403,
                422,
                params=[parameter("status", schema={"enum": list(STATUSES)}), *PAGING],
            )
        },
        "/agency/cases/{case_id}": {
            "get": operation(
                "A referred case, identity-protected and redacted",
                json_response(AGENCY_CASE),
                401,
                403,
                404,
                params=[CASE_ID],
            )
        },
        "/agency/cases/{case_id}/attachments/{attachment_id}": {"get": download},
        "/cases/{case_id}/redactions": {
            "post": operation(
                "Hide a word or number from everything agencies receive (center officers)",
                json_response({"type": "object"}, "Created"),
                400,
                401,
                403,
                404,
                409,
                413,
                422,
                body={
                    "type": "object",
                    "required": ["term"],
                    "properties": {"term": {"type": "string", "minLength": 2, "maxLength": 200}},
                },
                params=[CASE_ID],
                code="201",
            )
        },
        "/cases/{case_id}/attachments/{attachment_id}/withhold": {
            "post": operation(
                "Keep an attachment from every agency (center officers)",
                json_response({"type": "object"}),
                401,
                403,
                404,
                409,
                params=[CASE_ID, parameter("attachment_id", "path", {"type": "integer"})],
            )
        },
        "/forward-requests": {
            "get": operation(
                "Forwards waiting for a decision on the officer's cases, oldest first"
                " (center screeners and supervisors)",
                json_response(FORWARD_LIST),
                401,
                403,
                422,
                params=[
                    parameter("limit", schema={"type": "integer", "minimum": 1, "maximum": 500})
                ],
            )
        },
        "/cases/{case_id}/forward-requests": {
            "get": operation(
                "Agencies' forward requests of a case, newest first (center officers)",
                json_response(FORWARD_LIST),
                401,
                403,
                404,
                params=[CASE_ID],
            )
        },
        **{
            f"/cases/{{case_id}}/forward-requests/{{request_id}}/{verb}": {"post": _decision(verb)}
            for verb in ("approve", "reject")
        },
        "/directory": {
            "get": operation(
                "The agency contact directory: centers, agencies, hotlines (public)",
                json_response(
                    {
                        "type": "object",
                        "required": ["items", "total"],
                        "properties": {
                            "items": {"type": "array", "items": DIRECTORY_ENTRY},
                            "total": {"type": "integer"},
                            "limit": {"type": "integer"},
                            "offset": {"type": "integer"},
                            "area_codes": {"type": "array", "items": {"type": "string"}},
                        },
                    }
                ),
                422,
                public=True,
                params=[
                    parameter("q", schema={"type": "string", "maxLength": 100}),
                    parameter("area"),
                    parameter("kind", schema={"enum": ["center", "agency", "hotline"]}),
                    *PAGING,
                ],
            )
        },
    }
    return paths
