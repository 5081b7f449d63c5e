"""The JSON schemas of the process catalog's OpenAPI paths (api/process_docs.py): findings,
uploads, versions, diffs, migrations, activation requests, archives."""

from __future__ import annotations

from api.openapi_schemas import ERROR, parameter
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
