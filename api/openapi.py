"""The OpenAPI 3.1 document, built from the same form schemas the endpoints validate with."""

from __future__ import annotations

from api.edge import blueprint
from engine.statuses import STATUSES
from forms.loader import load_schema

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
        "timeline": {"type": "array"},
    },
}


def _page(item: dict) -> dict:
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


def _list(item: dict) -> dict:
    return {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": item}},
    }


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict:
    return {str(c): _json({"$ref": "#/components/schemas/Error"}, "Error") for c in codes}


def _op(
    summary: str,
    ok: dict,
    *errors: int,
    body: dict | None = None,
    params=(),
    code="200",
    public=False,
) -> dict:  # type: ignore[no-untyped-def]
    op: dict = {"summary": summary, "responses": {code: ok, **_errors(*errors)}}
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if params:
        op["parameters"] = list(params)
    if public:
        op["security"] = []
    return op


def _param(name: str, where: str = "query", schema: dict | None = None, required=False) -> dict:  # type: ignore[no-untyped-def]
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
CASE_ID = _param("case_id", "path", {"type": "integer"})
TASK_ID = _param("task_id", "path", {"type": "integer"})
PAGING = (
    _param("limit", schema={"type": "integer", "minimum": 1, "maximum": 200}),
    _param("offset", schema={"type": "integer", "minimum": 0}),
)


def document() -> dict:
    """Build the OpenAPI document."""
    intake = {k: v for k, v in load_schema("intake").items() if k != "$schema"}
    opened = {
        "type": "object",
        "required": ["id", "tracking_code", "citizen_secret", "status"],
        "properties": {
            "id": {"type": "integer"},
            "tracking_code": {"type": "string"},
            "registration_number": {"type": "string"},
            "citizen_secret": {"type": "string"},
            "status": {"enum": list(STATUSES)},
        },
    }
    complete = {"type": "object", "required": ["data"], "properties": {"data": {"type": "object"}}}
    paths = {
        "/cases": {
            "post": _op(
                "Open a case",
                _json(opened, "Created"),
                400,
                401,
                403,
                409,
                413,
                422,
                body=intake,
                code="201",
                params=[_param("Idempotency-Key", "header")],
            ),
            "get": _op(
                "List cases in scope",
                _json(_page(CASE_SUMMARY)),
                401,
                422,
                params=[_param("status"), _param("category"), _param("area"), *PAGING],
            ),
        },
        "/cases/{case_id}": {
            "get": _op("Read a case", _json(CASE_DETAIL), 401, 403, 404, params=[CASE_ID])
        },
        "/cases/{case_id}/events": {
            "get": _op(
                "Case audit trail",
                _json(_page({"type": "object"})),
                401,
                403,
                404,
                422,
                params=[CASE_ID, *PAGING],
            )
        },
        "/cases/{case_id}/comments": {
            "post": _op(
                "Comment on a case (public or internal)",
                _json({"type": "object"}, "Created"),
                400,
                401,
                403,
                404,
                409,
                422,
                body={
                    "type": "object",
                    "required": ["body"],
                    "properties": {"body": {"type": "string"}, "public": {"type": "boolean"}},
                },
                params=[CASE_ID],
                code="201",
            )
        },
        "/cases/{case_id}/messages/{name}": {
            "post": _op(
                "Send a message to the case's process",
                _json({"type": "object"}),
                400,
                401,
                403,
                404,
                409,
                422,
                params=[
                    CASE_ID,
                    _param(
                        "name",
                        "path",
                        {"enum": ["withdraw", "info_provided", "reopen", "sla_breached"]},
                    ),
                ],
            )
        },
        "/cases/{case_id}/referrals": {
            "post": _op(
                "Refer by hand or invite a co-handler (supervisors)",
                _json({"type": "object"}, "Created"),
                400,
                401,
                403,
                404,
                409,
                422,
                body={
                    "type": "object",
                    "required": ["agency"],
                    "properties": {
                        "agency": {"type": "string"},
                        "role": {"enum": ["lead", "co_handler"]},
                        "reason": {"type": "string"},
                    },
                },
                params=[CASE_ID],
                code="201",
            )
        },
        "/tasks": {
            "get": _op(
                "The inbox",
                _json(_page(TASK)),
                401,
                422,
                params=[
                    _param("scope", schema={"enum": ["mine", "group"]}),
                    _param("sla_state", schema={"enum": ["on_track", "at_risk", "breached"]}),
                    _param("step"),
                    _param("category"),
                    _param("area"),
                    *PAGING,
                ],
            )
        },
        "/tasks/{task_id}": {
            "get": _op("Read a task with its form", _json(TASK), 401, 403, 404, params=[TASK_ID])
        },
        "/tasks/{task_id}/claim": {
            "post": _op("Claim", _json(TASK), 401, 403, 404, 409, params=[TASK_ID])
        },
        "/tasks/{task_id}/unclaim": {
            "post": _op("Unclaim", _json(TASK), 401, 403, 404, 409, params=[TASK_ID])
        },
        "/tasks/{task_id}/reassign": {
            "post": _op(
                "Reassign (supervisors)",
                _json(TASK),
                401,
                403,
                404,
                409,
                422,
                body={
                    "type": "object",
                    "required": ["user_id"],
                    "properties": {"user_id": {"type": "integer"}},
                },
                params=[TASK_ID],
            )
        },
        "/tasks/{task_id}/complete": {
            "post": _op(
                "Complete with {data}",
                _json({"type": "object"}),
                400,
                401,
                403,
                404,
                409,
                422,
                body=complete,
                params=[TASK_ID],
            )
        },
        "/track/{code}": {
            "get": _op(
                "Track one's own case (public)",
                _json(TRACK),
                404,
                422,
                429,
                public=True,
                params=[
                    _param("code", "path"),
                    _param("secret"),
                    _param("X-Citizen-Secret", "header"),
                ],
            )
        },
        "/track/{code}/messages/{name}": {
            "post": _op(
                "The complainant withdraws, answers, or reopens (public, with the secret)",
                _json(TRACK),
                404,
                409,
                422,
                429,
                public=True,
                params=[
                    _param("code", "path"),
                    _param("name", "path", {"enum": ["withdraw", "info_provided", "reopen"]}),
                    _param("secret"),
                    _param("X-Citizen-Secret", "header"),
                ],
            )
        },
        "/sla-policies": {
            "get": _op("Deadline policies in force", _json(_list({"type": "object"})), 401)
        },
        "/cases/{case_id}/supervision": {
            "post": _op(
                "Supervisor's action on an overdue case: remind, extend, escalate, reassign, close",
                _json(CASE_DETAIL),
                400,
                401,
                403,
                404,
                409,
                422,
                body={k: v for k, v in load_schema("supervise").items() if k not in ("$schema",)},
                params=[CASE_ID],
            )
        },
        "/sla/compliance": {
            "get": _op(
                "SLA compliance per agency, center or category",
                _json(
                    {
                        "type": "object",
                        "required": ["group_by", "items"],
                        "properties": {
                            "group_by": {"enum": ["agency", "center", "category"]},
                            "at": {"type": "string"},
                            "items": {"type": "array", "items": COMPLIANCE_ROW},
                        },
                    }
                ),
                401,
                403,
                422,
                params=[
                    _param("group_by", schema={"enum": ["agency", "center", "category"]}),
                    _param("since", schema={"type": "string", "format": "date-time"}),
                    _param("until", schema={"type": "string", "format": "date-time"}),
                    _param("step"),
                ],
            )
        },
        "/incidents": {
            "get": _op(
                "Failing timers (administrators)", _json(_list({"type": "object"})), 401, 403
            )
        },
        "/incidents/{case_id}/retry": {
            "post": _op(
                "Retry a failing case's timers (administrators)",
                _json({"type": "object"}),
                401,
                403,
                404,
                params=[CASE_ID],
            )
        },
        "/categories": {"get": _op("Categories", _json(_list({"type": "object"})), public=True)},
        "/areas": {
            "get": _op(
                "DOPA areas",
                _json(_list({"type": "object"})),
                422,
                public=True,
                params=[_param("parent")],
            )
        },
        "/forms/{name}": {
            "get": _op(
                "A form's JSON Schema",
                _json({"type": "object"}),
                404,
                public=True,
                params=[_param("name", "path")],
            )
        },
    }
    from api.agency_docs import agency_paths  # late: it builds on this module's helpers

    paths.update(agency_paths())
    from api.notification_docs import notification_paths  # late, as above

    paths.update(notification_paths())
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Damrong API",
            "version": "1.0.0",
            "description": "Complaint case management for Damrongdhamma Centers",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }


@blueprint.get("/openapi.json")
def openapi_json():  # type: ignore[no-untyped-def]
    """The OpenAPI document."""
    return document()
