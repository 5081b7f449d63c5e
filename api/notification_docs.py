"""OpenAPI paths of the notification endpoints (api/admin_notifications.py)."""

from __future__ import annotations

from api.openapi_schemas import json_response, list_of, operation, parameter

MESSAGE = {
    "type": "object",
    "required": ["id", "event", "recipient", "state", "attempts"],
    "properties": {
        "id": {"type": "integer"},
        "case_id": {"type": ["integer", "null"]},
        "event": {"type": "string"},
        "recipient": {"type": "string"},
        "channel": {"type": ["string", "null"]},
        "address": {"type": ["string", "null"]},
        "state": {"type": "string"},
        "attempts": {"type": "integer"},
        "last_error": {"type": ["string", "null"]},
        "created_at": {"type": "string", "format": "date-time"},
        "dead_at": {"type": ["string", "null"], "format": "date-time"},
        "sent_at": {"type": ["string", "null"], "format": "date-time"},
    },
}
DRAFT = {
    "type": "object",
    "required": ["subject", "text"],
    "properties": {
        "subject": {"type": "string"},
        "text": {"type": "string"},
        "short": {"type": ["string", "null"]},
    },
}
RENDERED = {
    "type": "object",
    "properties": {k: {"type": "string"} for k in ("subject", "text", "short", "html")},
}
TEMPLATE_PARAMS = [
    parameter("audience", "path", {"enum": ["citizen", "staff"]}),
    parameter("event", "path"),
    parameter("lang", "path", {"enum": ["th", "en"]}),
]
CITIZEN_CHOICE = {
    "type": "object",
    "properties": {
        "channels": {"type": "array", "items": {"enum": ["email", "sms", "line"]}},
        "opted_out": {"type": "boolean"},
        "available": {"type": "array", "items": {"type": "string"}},
    },
}
MODE = {"type": "object", "properties": {"mode": {"enum": ["instant", "digest"]}}}
SECRET = parameter("X-Citizen-Secret", "header")


def notification_paths() -> dict:
    """Paths for dead letters, templates, agency webhooks and preferences."""
    base = "/admin/notifications"
    template = base + "/templates/{audience}/{event}/{lang}"
    obj = {"type": "object"}
    return {
        base + "/dead-letters": {
            "get": operation("Dead letters (admin)", json_response(list_of(MESSAGE)), 401, 403, 422)
        },
        base + "/messages": {
            "get": operation(
                "Recent messages with attempts (admin)",
                json_response(list_of(MESSAGE)),
                401,
                403,
                422,
                params=[parameter("case_id", schema={"type": "integer"}), parameter("state")],
            )
        },
        base + "/dead-letters/{message_id}/retry": {
            "post": operation(
                "Retry a dead letter (admin)",
                json_response(MESSAGE),
                401,
                403,
                404,
                409,
                params=[parameter("message_id", "path", {"type": "integer"})],
            )
        },
        base + "/templates": {
            "get": operation("Templates (admin)", json_response(list_of(obj)), 401, 403)
        },
        template: {
            "get": operation(
                "A template (admin)", json_response(obj), 401, 403, 404, params=TEMPLATE_PARAMS
            ),
            "put": operation(
                "Save a template (admin)",
                json_response(obj),
                401,
                403,
                404,
                422,
                body=DRAFT,
                params=TEMPLATE_PARAMS,
            ),
            "delete": operation(
                "Back to the shipped template (admin)",
                json_response(obj),
                401,
                403,
                404,
                params=TEMPLATE_PARAMS,
            ),
        },
        template + "/preview": {
            "post": operation(
                "Preview against sample data (admin)",
                json_response(RENDERED),
                401,
                403,
                404,
                422,
                params=TEMPLATE_PARAMS,
            )
        },
        base + "/agencies/{code}/endpoint": {
            "put": operation(
                "Register an agency webhook; returns its signing secret once (admin)",
                json_response(obj),
                401,
                403,
                404,
                422,
                body={
                    "type": "object",
                    "required": ["url"],
                    "properties": {"url": {"type": "string"}, "active": {"type": "boolean"}},
                },
                params=[parameter("code", "path")],
            )
        },
        "/me/notifications": {
            "get": operation("My notification mode", json_response(MODE), 401),
            "put": operation("Choose instant or digest", json_response(MODE), 401, 422, body=MODE),
        },
        "/track/{code}/notifications": {
            "get": operation(
                "The complainant's channels",
                json_response(CITIZEN_CHOICE),
                404,
                429,
                public=True,
                params=[parameter("code", "path"), SECRET],
            ),
            "put": operation(
                "Choose channels or opt out",
                json_response(CITIZEN_CHOICE),
                404,
                422,
                429,
                body=CITIZEN_CHOICE,
                public=True,
                params=[parameter("code", "path"), SECRET],
            ),
        },
    }
