"""OpenAPI paths of the notification endpoints (api/admin_notifications.py)."""

from __future__ import annotations

from api.openapi import _json, _list, _op, _param

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
    _param("audience", "path", {"enum": ["citizen", "staff"]}),
    _param("event", "path"),
    _param("lang", "path", {"enum": ["th", "en"]}),
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
SECRET = _param("X-Citizen-Secret", "header")


def notification_paths() -> dict:
    """Paths for dead letters, templates, agency webhooks and preferences."""
    base = "/admin/notifications"
    template = base + "/templates/{audience}/{event}/{lang}"
    obj = {"type": "object"}
    return {
        base + "/dead-letters": {
            "get": _op("Dead letters (admin)", _json(_list(MESSAGE)), 401, 403, 422)
        },
        base + "/messages": {
            "get": _op(
                "Recent messages with attempts (admin)",
                _json(_list(MESSAGE)),
                401,
                403,
                422,
                params=[_param("case_id", schema={"type": "integer"}), _param("state")],
            )
        },
        base + "/dead-letters/{message_id}/retry": {
            "post": _op(
                "Retry a dead letter (admin)",
                _json(MESSAGE),
                401,
                403,
                404,
                409,
                params=[_param("message_id", "path", {"type": "integer"})],
            )
        },
        base + "/templates": {"get": _op("Templates (admin)", _json(_list(obj)), 401, 403)},
        template: {
            "get": _op("A template (admin)", _json(obj), 401, 403, 404, params=TEMPLATE_PARAMS),
            "put": _op(
                "Save a template (admin)",
                _json(obj),
                401,
                403,
                404,
                422,
                body=DRAFT,
                params=TEMPLATE_PARAMS,
            ),
            "delete": _op(
                "Back to the shipped template (admin)",
                _json(obj),
                401,
                403,
                404,
                params=TEMPLATE_PARAMS,
            ),
        },
        template + "/preview": {
            "post": _op(
                "Preview against sample data (admin)",
                _json(RENDERED),
                401,
                403,
                404,
                422,
                params=TEMPLATE_PARAMS,
            )
        },
        base + "/agencies/{code}/endpoint": {
            "put": _op(
                "Register an agency webhook; returns its signing secret once (admin)",
                _json(obj),
                401,
                403,
                404,
                422,
                body={
                    "type": "object",
                    "required": ["url"],
                    "properties": {"url": {"type": "string"}, "active": {"type": "boolean"}},
                },
                params=[_param("code", "path")],
            )
        },
        "/me/notifications": {
            "get": _op("My notification mode", _json(MODE), 401),
            "put": _op("Choose instant or digest", _json(MODE), 401, 422, body=MODE),
        },
        "/track/{code}/notifications": {
            "get": _op(
                "The complainant's channels",
                _json(CITIZEN_CHOICE),
                404,
                public=True,
                params=[_param("code", "path"), SECRET],
            ),
            "put": _op(
                "Choose channels or opt out",
                _json(CITIZEN_CHOICE),
                404,
                422,
                body=CITIZEN_CHOICE,
                public=True,
                params=[_param("code", "path"), SECRET],
            ),
        },
    }
