"""OpenAPI paths of the process catalog (api/processes.py; merged by api/openapi.py): validate
and deploy uploaded diagrams, versions, ask for or approve an activation (four eyes), retire,
diff, migrate, bind a category, export a version as a zip and import one as a draft."""

from __future__ import annotations

from api.openapi_schemas import json_response, operation, parameter
from api.process_schemas import (
    ACTIVATE_BODY,
    ACTIVATION_REQUEST,
    BINDING,
    DECISION_BODY,
    DEPLOYED,
    DIFF,
    FLAG,
    IMPORT_BODY,
    IMPORTED,
    MIGRATION_REPORT,
    MIGRATION_REQUEST,
    PROCESS,
    PROCESS_ID,
    REFUSED,
    REQUEST_ID,
    UPLOAD_BODY,
    VALIDATED,
    VERSION,
    VERSION_DETAIL,
    VERSION_ROW,
    ZIP,
)


def _upload(summary: str, ok: dict, *errors: int, code: str = "200") -> dict:
    op = operation(summary, ok, 400, 401, 403, 413, *errors, code=code)
    op["requestBody"] = UPLOAD_BODY
    op["responses"]["422"] = json_response(REFUSED, "The upload or the diagram is refused")
    return op


def _activate_op() -> dict:
    asked = json_response(ACTIVATION_REQUEST, "Asked: a second person must approve it")
    op = operation(
        "Make a version live, four eyes: ask for it (202), or approve someone else's pending "
        "request for it (200: live now, or scheduled for its time)",
        json_response(ACTIVATION_REQUEST, "Approved: the request after the decision"),
        400,
        401,
        403,
        404,
        409,
        413,
        422,
        params=[PROCESS_ID, VERSION],
    )
    op["responses"]["202"] = asked
    op["requestBody"] = {
        "required": False,
        "content": {"application/json": {"schema": ACTIVATE_BODY}},
    }
    return {"post": op}


def _decision_op(summary: str) -> dict:
    op = operation(
        summary,
        json_response(ACTIVATION_REQUEST),
        400,
        401,
        403,
        404,
        409,
        413,
        422,
        params=[REQUEST_ID],
    )
    op["requestBody"] = {
        "required": False,
        "content": {"application/json": {"schema": DECISION_BODY}},
    }
    return {"post": op}


def _import_op(summary: str, params: list) -> dict:
    op = operation(
        summary,
        json_response(IMPORTED, "Created"),
        400,
        401,
        403,
        404,
        413,
        422,
        code="201",
        params=params,
    )
    op["requestBody"] = IMPORT_BODY
    return {"post": op}


def _version_op(summary: str) -> dict:
    return {
        "post": operation(
            summary,
            json_response(VERSION_ROW),
            400,
            401,
            403,
            404,
            409,
            params=[PROCESS_ID, VERSION],
        )
    }


def process_paths() -> dict:
    """The paths of api/processes.py (designers and administrators)."""
    deploy = _upload(
        "Deploy uploaded diagrams as a new version (live, or a draft)",
        json_response(DEPLOYED, "Created"),
        409,
        code="201",
    )
    deploy["responses"]["200"] = json_response(DEPLOYED, "The same content is stored already")
    deploy["responses"]["202"] = json_response(
        {
            **DEPLOYED,
            "properties": {**DEPLOYED["properties"], "activation_request": ACTIVATION_REQUEST},
        },
        "Stored, not live: its activation is asked for (a second person approves it)",
    )
    deploy["summary"] = (
        "Deploy uploaded diagrams as a new version: a draft, or meant to go live (stored, and "
        "its activation asked for: four eyes)"
    )
    return {
        "/processes/validate": {
            "post": _upload(
                "Validate uploaded diagrams without storing anything: the findings",
                json_response(VALIDATED),
            )
        },
        "/processes": {
            "get": operation(
                "Every process with its live version, running cases and categories",
                json_response(
                    {
                        "type": "object",
                        "required": ["processes"],
                        "properties": {"processes": {"type": "array", "items": PROCESS}},
                    }
                ),
                400,
                401,
                403,
            ),
            "post": deploy,
        },
        "/processes/{process_id}/versions": {
            "get": operation(
                "A process's versions, newest first",
                json_response(
                    {
                        "type": "object",
                        "required": ["versions"],
                        "properties": {"versions": {"type": "array", "items": VERSION_ROW}},
                    }
                ),
                400,
                401,
                403,
                404,
                params=[PROCESS_ID],
            )
        },
        "/processes/{process_id}/versions/{version}": {
            "get": operation(
                "One version with its files, forms and task settings",
                json_response(VERSION_DETAIL),
                400,
                401,
                403,
                404,
                params=[PROCESS_ID, VERSION],
            )
        },
        "/processes/{process_id}/versions/{version}/activate": _activate_op(),
        "/processes/{process_id}/versions/{version}/export": {
            "get": operation(
                "The version as a zip for review in git",
                ZIP,
                400,
                401,
                403,
                404,
                params=[PROCESS_ID, VERSION],
            )
        },
        "/processes/import": _import_op(
            "A new draft from an exported zip (a refused archive stores nothing)", []
        ),
        "/processes/{process_id}/import": _import_op(
            "A new draft of this process from an exported zip (of this process only)",
            [PROCESS_ID],
        ),
        "/processes/activation-requests": {
            "get": operation(
                "Requests to make a version live, newest first",
                json_response(
                    {
                        "type": "object",
                        "required": ["requests"],
                        "properties": {"requests": {"type": "array", "items": ACTIVATION_REQUEST}},
                    }
                ),
                400,
                401,
                403,
                422,
                params=[
                    parameter("process_id", schema={"type": "string", "maxLength": 64}),
                    parameter("open", schema={**FLAG, "type": "string"}),
                ],
            )
        },
        "/processes/activation-requests/{request_id}/approve": _decision_op(
            "Approve (another designer or an administrator; never the one who asked)"
        ),
        "/processes/activation-requests/{request_id}/reject": _decision_op(
            "Reject, saying why («reason»)"
        ),
        "/processes/activation-requests/{request_id}/cancel": _decision_op(
            "Withdraw a waiting request (the one who asked, or an administrator)"
        ),
        "/processes/{process_id}/versions/{version}/retire": _version_op(
            "Start no new case on a version (409 for the live one)"
        ),
        "/processes/{process_id}/diff": {
            "get": operation(
                "Elements and forms added, removed and changed between two versions",
                json_response(DIFF),
                400,
                401,
                403,
                404,
                422,
                params=[
                    PROCESS_ID,
                    parameter("from", schema={"type": "integer", "minimum": 0}, required=True),
                    parameter("to", schema={"type": "integer", "minimum": 0}, required=True),
                ],
            )
        },
        "/processes/{process_id}/migrations": {
            "post": operation(
                "Move running cases between two versions: a report per case (dry_run first)",
                json_response(MIGRATION_REPORT),
                400,
                401,
                403,
                404,
                413,
                422,
                body=MIGRATION_REQUEST,
                params=[PROCESS_ID],
            )
        },
        "/categories/{code}/process": {
            "put": operation(
                "Bind a category to a process: its new cases start on the live version",
                json_response(
                    {
                        "type": "object",
                        "required": ["category", "process_id"],
                        "properties": {
                            "category": {"type": "string"},
                            "process_id": {"type": "string"},
                        },
                    }
                ),
                400,
                401,
                403,
                404,
                413,
                422,
                body=BINDING,
                params=[parameter("code", "path")],
            )
        },
    }
