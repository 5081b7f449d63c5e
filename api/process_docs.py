"""OpenAPI paths of the process catalog (api/processes.py; merged by api/openapi.py): validate
and deploy uploaded diagrams, versions, ask for or approve an activation (four eyes), retire,
diff, migrate, bind a category, export a version as a zip and import one as a draft."""

from __future__ import annotations

from api.openapi_schemas import ERROR, json_response, operation, parameter
from engine.statuses import STATUSES

INSTANT = {"type": "string", "format": "date-time"}
MAYBE_INSTANT = {"type": ["string", "null"], "format": "date-time"}
NULL_STR = {"type": ["string", "null"]}
PROCESS_ID = parameter("process_id", "path", {"type": "string", "maxLength": 64})
VERSION = parameter("version", "path", {"type": "integer", "minimum": 0})
FINDING = {
    "type": "object",
    "description": "A problem (error) or doubt (warning) about one element of one file.",
    "required": [
        "file",
        "line",
        "element",
        "name",
        "severity",
        "code",
        "message",
        "message_th",
        "message_en",
    ],
    "properties": {
        "file": {"type": "string"},
        "line": {"type": ["integer", "null"]},
        "element": {**NULL_STR, "description": "The element's id as written in the file"},
        "name": NULL_STR,
        "severity": {"enum": ["error", "warning"]},
        "code": {
            "type": "string",
            "description": "A stable rule id: juel, timer-unquoted, reserved-id, xml-syntax, …",
        },
        "message": {"type": "string", "description": "In the caller's language"},
        "message_th": {"type": "string"},
        "message_en": {"type": "string"},
        "rewrite": {"type": "string", "description": "A suggested replacement expression"},
    },
}
FINDINGS = {"type": "array", "items": FINDING}
REFUSED = {
    "type": "object",
    "description": "validation_failed (the upload itself) or definition_invalid (with findings)",
    "required": ["error"],
    "properties": {**ERROR["properties"], "findings": FINDINGS},
}
VALIDATED = {"type": "object", "required": ["findings"], "properties": {"findings": FINDINGS}}
FLAG = {"type": "boolean", "description": "true, 1, yes or on; anything else is false"}
UPLOAD = {
    "type": "object",
    "required": ["files"],
    "properties": {
        "files": {
            "type": "array",
            "description": ".bpmn, .dmn, form .json (a JSON Schema) or a .zip of them; the first "
            "50 are read, a zip's content is at most 20 MB in all",
            "items": {"type": "string", "format": "binary"},
        },
        "process_id": {
            "type": "string",
            "maxLength": 64,
            "description": "The process to deploy when the files hold several",
        },
        "note": {"type": "string", "maxLength": 2000},
        "draft": {**FLAG, "description": "Store the version without making it live"},
        "apply_rewrites": {
            **FLAG,
            "description": "Rewrite Camunda JUEL conditions and bare timer durations to Python",
        },
    },
}
UPLOAD_BODY = {"required": True, "content": {"multipart/form-data": {"schema": UPLOAD}}}
DEPLOYED = {
    "type": "object",
    "required": ["process_id", "version", "live", "created", "findings"],
    "properties": {
        "process_id": {"type": "string"},
        "version": {"type": "integer"},
        "live": {"type": "boolean"},
        "created": {"type": "boolean", "description": "false: the same content was stored"},
        "findings": FINDINGS,
        "stale_callers": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "process_id": {"type": "string"},
                    "version": {"type": "integer"},
                    "pinned_to": {"type": "integer"},
                },
            },
        },
    },
}
PROCESS = {
    "type": "object",
    "required": ["process_id", "live_version", "versions", "running_cases", "categories"],
    "properties": {
        "process_id": {"type": "string"},
        "name_th": {"type": "string"},
        "name_en": {"type": "string"},
        "live_version": {"type": ["integer", "null"]},
        "versions": {"type": "integer"},
        "running_cases": {"type": "integer"},
        "categories": {"type": "array", "items": {"type": "string"}},
        "updated_at": INSTANT,
        "updated_by": NULL_STR,
    },
}
VERSION_ROW = {
    "type": "object",
    "required": ["process_id", "version", "state", "live", "running_cases"],
    "properties": {
        "process_id": {"type": "string"},
        "version": {"type": "integer"},
        "state": {"enum": ["live", "draft", "retired", "previous"]},
        "live": {"type": "boolean"},
        "deployed_at": INSTANT,
        "deployed_by": {"type": "string"},
        "note": NULL_STR,
        "activated_at": MAYBE_INSTANT,
        "retired_at": MAYBE_INSTANT,
        "running_cases": {"type": "integer"},
        "content_hash": {"type": "string"},
        "pins": {"type": "object", "additionalProperties": {"type": "integer"}},
    },
}
TASK_SETTINGS = {
    "type": "object",
    "properties": {
        "process": {"type": "string"},
        "role": NULL_STR,
        "workflow_role": NULL_STR,
        "unit": {"enum": ["case_center", "lead_agency", "area_center", "escalation"]},
        "escalates": {"type": "boolean"},
        "form": {"type": "string"},
        "status": NULL_STR,
        "sla_policy": NULL_STR,
        "name_th": {"type": "string"},
        "name_en": {"type": "string"},
    },
}
VERSION_DETAIL = {
    "type": "object",
    "required": [*VERSION_ROW["required"], "files", "forms", "tasks"],
    "properties": {
        **VERSION_ROW["properties"],
        "files": {"type": "object", "additionalProperties": {"type": "string"}},
        "forms": {"type": "object", "additionalProperties": {"type": "object"}},
        "tasks": {"type": "object", "additionalProperties": TASK_SETTINGS},
    },
}
ELEMENT = {
    "type": "object",
    "required": ["process", "element", "type", "file"],
    "properties": {
        "process": {"type": "string"},
        "element": {"type": "string"},
        "name": NULL_STR,
        "type": {"type": "string"},
        "file": {"type": "string"},
        "line": {"type": ["integer", "null"]},
        "changes": {"type": "array", "items": {"type": "object"}},
    },
}
ELEMENTS = {"type": "array", "items": ELEMENT}
DIFF = {
    "type": "object",
    "required": ["added", "removed", "changed", "forms"],
    "properties": {
        "added": ELEMENTS,
        "removed": ELEMENTS,
        "changed": ELEMENTS,
        "forms": {
            "type": "object",
            "properties": {
                k: {"type": "array", "items": {"type": ["object", "string"]}}
                for k in ("added", "removed", "changed")
            },
        },
    },
}
MIGRATION_REQUEST = {
    "type": "object",
    "required": ["from_version", "to_version"],
    "properties": {
        "from_version": {"type": "integer", "minimum": 1, "maximum": 999_999_999},
        "to_version": {"type": "integer", "minimum": 1, "maximum": 999_999_999},
        "case_ids": {
            "type": "array",
            "maxItems": 100_000,
            "items": {"type": "integer", "minimum": 1},
            "description": "Only these cases; else every running case on from_version",
        },
        "statuses": {
            "type": "array",
            "minItems": 1,
            "maxItems": 200,
            "items": {"enum": list(STATUSES)},
            "description": "Only cases in these statuses",
        },
        "elements": {
            "type": "array",
            "minItems": 1,
            "maxItems": 200,
            "items": {"type": "string", "minLength": 1, "maxLength": 64},
            "description": "Only cases waiting at these elements (open user tasks or timers)",
        },
        "dry_run": {"type": "boolean", "default": True},
    },
}
MIGRATION_CASE = {
    "type": "object",
    "required": ["case_id", "migratable", "migrated"],
    "properties": {
        "case_id": {"type": "integer"},
        "migratable": {"type": "boolean"},
        "reasons": {"type": "array", "items": {"type": "string"}},
        "reasons_th": {"type": "array", "items": {"type": "string"}},
        "elements": {"type": "array", "items": {"type": "string"}},
        "migrated": {"type": "boolean"},
    },
}
MIGRATION_REPORT = {
    "type": "object",
    "required": ["process_id", "from_version", "to_version", "dry_run", "cases"],
    "properties": {
        "process_id": {"type": "string"},
        "from_version": {"type": "integer"},
        "to_version": {"type": "integer"},
        "dry_run": {"type": "boolean"},
        "cases": {"type": "array", "items": MIGRATION_CASE},
        "migratable": {"type": "integer"},
        "blocked": {"type": "integer"},
        "migrated": {"type": "integer"},
    },
}
ACTIVATION_REQUEST = {
    "type": "object",
    "description": "A request to make a version live: a second person (another designer or an "
    "administrator, never the one who asked) approves or rejects it.",
    "required": ["id", "process_id", "version", "state", "requested_by", "requested_at"],
    "properties": {
        "id": {"type": "integer"},
        "process_id": {"type": "string"},
        "version": {"type": "integer"},
        "state": {
            "enum": ["pending", "scheduled", "activated", "rejected", "cancelled", "failed"],
            "description": "scheduled: approved, to go live at activate_at",
        },
        "note": {"type": "string"},
        "requested_by": {"type": "string"},
        "requested_at": INSTANT,
        "activate_at": MAYBE_INSTANT,
        "decided_by": NULL_STR,
        "decided_at": MAYBE_INSTANT,
        "reason": {"type": "string", "description": "Why rejected, cancelled or failed"},
        "activated_at": MAYBE_INSTANT,
    },
}
ACTIVATE_BODY = {
    "type": "object",
    "properties": {
        "note": {"type": "string", "maxLength": 2000},
        "activate_at": {
            "type": ["string", "null"],
            "format": "date-time",
            "description": "Go live at this later time once approved (with its offset)",
        },
    },
}
DECISION_BODY = {
    "type": "object",
    "properties": {
        "note": {"type": "string", "maxLength": 2000, "description": "approve: a remark"},
        "reason": {"type": "string", "maxLength": 2000, "description": "reject: why (required)"},
    },
}
REQUEST_ID = parameter("request_id", "path", {"type": "integer", "minimum": 0})
IMPORT_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["archive"],
                "properties": {
                    "archive": {
                        "type": "string",
                        "format": "binary",
                        "description": "A zip exported by Damrong: process.json, .bpmn/.dmn, "
                        "forms/<name>.json, scenarios/<name>.json; at most 200 entries, 5 MB "
                        "each and 20 MB in all unpacked, JSON nested 32 deep at most",
                    }
                },
            }
        }
    },
}
IMPORTED = {
    "type": "object",
    "required": ["draft_id", "process_id", "lock", "files", "forms", "scenarios"],
    "properties": {
        "draft_id": {"type": "integer", "description": "Open it at /staff/designer/drafts/{id}"},
        "process_id": {"type": "string"},
        "lock": {"type": "integer"},
        "files": {"type": "array", "items": {"type": "string"}},
        "forms": {"type": "array", "items": {"type": "string"}},
        "scenarios": {"type": "array", "items": {"type": "string"}},
    },
}
ZIP = {
    "description": "The version as a zip: process.json (process id, version, note, deployed by "
    "and at, pins by version number, content hash), the diagrams, forms/ and scenarios/; the "
    "same bytes on every export",
    "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
}
BINDING = {
    "type": "object",
    "required": ["process_id"],
    "properties": {"process_id": {"type": "string", "minLength": 1, "maxLength": 64}},
}


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
