"""OpenAPI paths of cases, tasks and citizens' tracking (merged by api/openapi.py)."""

from __future__ import annotations

from api.openapi_schemas import (
    CASE_DETAIL,
    CASE_ID,
    CASE_SUMMARY,
    PAGING,
    TASK,
    TASK_ID,
    TRACK,
    json_response,
    operation,
    page_of,
    parameter,
)
from engine.statuses import STATUSES
from forms.loader import load_schema


def case_paths() -> dict:
    """The paths under /cases, /tasks and /track."""
    intake = {k: v for k, v in load_schema("intake").items() if k != "$schema"}
    opened = {
        "type": "object",
        "required": ["id", "tracking_code", "citizen_secret", "secret_already_shown", "status"],
        "properties": {
            "id": {"type": "integer"},
            "tracking_code": {"type": "string"},
            "registration_number": {"type": "string"},
            "citizen_secret": {
                "type": ["string", "null"],
                "description": "Shown once, in the first answer; null in a retry's answer.",
            },
            "secret_already_shown": {
                "type": "boolean",
                "description": "True when this answers a retry with the same Idempotency-Key: "
                "the same case, whose secret the first answer carried and nothing keeps.",
            },
            "status": {"enum": list(STATUSES)},
        },
    }
    complete = {"type": "object", "required": ["data"], "properties": {"data": {"type": "object"}}}
    return {
        "/cases": {
            "post": operation(
                "Open a case",
                json_response(opened, "Created"),
                400,
                401,
                403,
                409,
                413,
                422,
                body=intake,
                code="201",
                params=[parameter("Idempotency-Key", "header")],
            ),
            "get": operation(
                "List cases in scope",
                json_response(page_of(CASE_SUMMARY)),
                401,
                422,
                params=[parameter("status"), parameter("category"), parameter("area"), *PAGING],
            ),
        },
        "/cases/{case_id}": {
            "get": operation(
                "Read a case", json_response(CASE_DETAIL), 401, 403, 404, params=[CASE_ID]
            )
        },
        "/cases/{case_id}/events": {
            "get": operation(
                "Case audit trail",
                json_response(page_of({"type": "object"})),
                401,
                403,
                404,
                422,
                params=[CASE_ID, *PAGING],
            )
        },
        "/cases/{case_id}/identity-views": {
            "get": operation(
                "Who viewed a confidential complainant's identity (admins, the center's "
                "supervisors)",
                json_response(page_of({"type": "object"})),
                401,
                403,
                404,
                422,
                params=[CASE_ID, *PAGING],
            )
        },
        "/cases/{case_id}/comments": {
            "post": operation(
                "Comment on a case (public or internal)",
                json_response({"type": "object"}, "Created"),
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
            "post": operation(
                "Send a message to the case's process",
                json_response({"type": "object"}),
                400,
                401,
                403,
                404,
                409,
                422,
                params=[
                    CASE_ID,
                    parameter(
                        "name",
                        "path",
                        {"enum": ["withdraw", "info_provided", "reopen", "sla_breached"]},
                    ),
                ],
            )
        },
        "/cases/{case_id}/referrals": {
            "post": operation(
                "Refer by hand or invite a co-handler (supervisors)",
                json_response({"type": "object"}, "Created"),
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
            "get": operation(
                "The inbox",
                json_response(page_of(TASK)),
                401,
                422,
                params=[
                    parameter("scope", schema={"enum": ["mine", "group"]}),
                    parameter("sla_state", schema={"enum": ["on_track", "at_risk", "breached"]}),
                    parameter("step"),
                    parameter("category"),
                    parameter("area"),
                    *PAGING,
                ],
            )
        },
        "/tasks/{task_id}": {
            "get": operation(
                "Read a task with its form", json_response(TASK), 401, 403, 404, params=[TASK_ID]
            )
        },
        "/tasks/{task_id}/claim": {
            "post": operation("Claim", json_response(TASK), 401, 403, 404, 409, params=[TASK_ID])
        },
        "/tasks/{task_id}/unclaim": {
            "post": operation("Unclaim", json_response(TASK), 401, 403, 404, 409, params=[TASK_ID])
        },
        "/tasks/{task_id}/reassign": {
            "post": operation(
                "Reassign (supervisors)",
                json_response(TASK),
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
            "post": operation(
                "Complete with {data}",
                json_response({"type": "object"}),
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
            "get": operation(
                "Track one's own case (public)",
                json_response(TRACK),
                404,
                422,
                429,
                public=True,
                params=[
                    parameter("code", "path"),
                    parameter("secret"),
                    parameter("X-Citizen-Secret", "header"),
                ],
            )
        },
        "/track/{code}/messages/{name}": {
            "post": operation(
                "The complainant withdraws, answers, or reopens (public, with the secret)",
                json_response(TRACK),
                404,
                409,
                422,
                429,
                public=True,
                params=[
                    parameter("code", "path"),
                    parameter("name", "path", {"enum": ["withdraw", "info_provided", "reopen"]}),
                    parameter("secret"),
                    parameter("X-Citizen-Secret", "header"),
                ],
            )
        },
    }
