"""Schemas and builders shared by the OpenAPI document's parts (api/openapi.py, api/*_docs.py)."""

from __future__ import annotations

from engine.statuses import STATUSES

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }
    },
}
NULL_STR = {"type": ["string", "null"]}
INSTANT = {"type": ["string", "null"], "format": "date-time"}
TASK = {
    "type": "object",
    "required": ["id", "case_id", "step", "name", "role", "case_status"],
    "properties": {
        "id": {"type": "integer"},
        "case_id": {"type": "integer"},
        "step": {"type": "string"},
        "name": {"type": "string"},
        "role": {"type": "string"},
        "org_unit_id": {"type": "integer"},
        "area_code": {"type": "string"},
        "category": {"type": "string"},
        "case_status": {"enum": list(STATUSES)},
        "assignee_id": {"type": ["integer", "null"]},
        "created_at": INSTANT,
        "due_at": INSTANT,
        "sla_state": {"enum": ["on_track", "at_risk", "breached", "none"]},
        "remaining_working_days": {"type": ["integer", "null"]},
    },
}
CASE_SUMMARY = {
    "type": "object",
    "required": ["id", "tracking_code", "status", "title"],
    "properties": {
        "id": {"type": "integer"},
        "tracking_code": {"type": "string"},
        "registration_number": {"type": "string"},
        "status": {"enum": list(STATUSES)},
        "status_label": {"type": "string"},
        "open311_status": {"enum": ["open", "closed"]},
        "title": {"type": "string"},
        "category": {"type": "string"},
        "area_code": {"type": "string"},
        "channel": {"type": "string"},
        "center": {"type": "string"},
        "created_at": INSTANT,
        "updated_at": INSTANT,
        "closed_at": INSTANT,
    },
}
CASE_DETAIL = {
    "allOf": [CASE_SUMMARY],
    "type": "object",
    "properties": {
        "description": {"type": "string"},
        "due_at": INSTANT,
        "sla_state": {"enum": ["on_track", "at_risk", "breached", "none"]},
        "remaining_working_days": {"type": ["integer", "null"]},
        "tasks": {"type": "array", "items": TASK},
        "referrals": {"type": "array"},
        "notes": {"type": "array"},
        "complainant": {"type": ["object", "null"]},
        "version": {"type": "integer"},
        "escalation_level": {"type": "integer", "minimum": 0},
    },
}
TRACK = {
    "type": "object",
    "required": ["tracking_code", "status", "timeline"],
    "properties": {
        "tracking_code": {"type": "string"},
        "status": {"enum": list(STATUSES)},
        "status_label": {"type": "string"},
        "agency": NULL_STR,
        "status_note": {
            **NULL_STR,
            "description": "While the center reviews the agency's result, a fixed line in its "
            "place (the agency's text is never shown before the center accepts it).",
        },
        "result": {
            **NULL_STR,
            "description": "The agency's result as the center accepted it; null before that.",
        },
        "timeline": {"type": "array"},
    },
}


def page_of(item: dict) -> dict:
    """A page of items with its total, limit and offset."""
    return {
        "type": "object",
        "required": ["items", "total"],
        "properties": {
            "items": {"type": "array", "items": item},
            "total": {"type": "integer"},
            "limit": {"type": "integer"},
            "offset": {"type": "integer"},
        },
    }


def list_of(item: dict) -> dict:
    """A list of items, unpaged."""
    return {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": item}},
    }


def json_response(schema: dict, description: str = "OK") -> dict:
    """A response whose JSON body has this schema."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def error_responses(*codes: int) -> dict:
    """The error responses of these status codes, each the one error shape."""
    return {str(c): json_response({"$ref": "#/components/schemas/Error"}, "Error") for c in codes}


def operation(
    summary: str,
    ok: dict,
    *errors: int,
    body: dict | None = None,
    params=(),
    code="200",
    public=False,
) -> dict:  # type: ignore[no-untyped-def]
    """One operation: summary, its responses, and the body and parameters it takes."""
    op: dict = {"summary": summary, "responses": {code: ok, **error_responses(*errors)}}
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if params:
        op["parameters"] = list(params)
    if public:
        op["security"] = []
    return op


def parameter(name: str, where: str = "query", schema: dict | None = None, required=False) -> dict:  # type: ignore[no-untyped-def]
    """A query, path or header parameter (path parameters are always required)."""
    return {
        "name": name,
        "in": where,
        "required": required or where == "path",
        "schema": schema or {"type": "string"},
    }


COMPLIANCE_ROW = {
    "type": "object",
    "required": ["key", "met", "breached", "open_at_risk", "compliance_rate"],
    "properties": {
        "key": {"type": "string"},
        "name_th": {"type": "string"},
        "name_en": {"type": "string"},
        "met": {"type": "integer"},
        "breached": {"type": "integer"},
        "finished_late": {"type": "integer"},
        "open_on_track": {"type": "integer"},
        "open_at_risk": {"type": "integer"},
        "open_breached": {"type": "integer"},
        "compliance_rate": {"type": ["number", "null"]},
    },
}
CASE_ID = parameter("case_id", "path", {"type": "integer"})
TASK_ID = parameter("task_id", "path", {"type": "integer"})
PAGING = (
    parameter("limit", schema={"type": "integer", "minimum": 1, "maximum": 200}),
    parameter("offset", schema={"type": "integer", "minimum": 0}),
)
