"""The OpenAPI 3.1 document, built from the same form schemas the endpoints validate with."""

from __future__ import annotations

from api.agency_docs import agency_paths
from api.case_docs import case_paths
from api.edge import blueprint
from api.notification_docs import notification_paths
from api.openapi_schemas import (
    CASE_DETAIL,
    CASE_ID,
    COMPLIANCE_ROW,
    ERROR,
    json_response,
    list_of,
    operation,
    parameter,
)
from api.process_docs import process_paths
from forms.loader import load_schema

PROVINCE_POLYGONS = {  # the map's polygons: public, cached a day, 304 on a matching ETag
    "summary": "The 77 provinces' polygons as GeoJSON, keyed by DOPA province code",
    "security": [],
    "responses": {
        "200": {
            "description": "OK (Cache-Control: public, max-age=86400; an ETag)",
            "content": {"application/geo+json": {"schema": {"type": "object"}}},
        },
        "304": {"description": "Not modified (If-None-Match matched the ETag)"},
    },
}


def document() -> dict:
    """Build the OpenAPI document."""
    paths = {
        **case_paths(),
        **process_paths(),
        "/sla-policies": {
            "get": operation(
                "Deadline policies in force", json_response(list_of({"type": "object"})), 401
            )
        },
        "/cases/{case_id}/supervision": {
            "post": operation(
                "Supervisor's action on an overdue case: remind, extend, escalate, reassign, close",
                json_response(CASE_DETAIL),
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
            "get": operation(
                "SLA compliance per agency, center or category",
                json_response(
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
                    parameter("group_by", schema={"enum": ["agency", "center", "category"]}),
                    parameter("since", schema={"type": "string", "format": "date-time"}),
                    parameter("until", schema={"type": "string", "format": "date-time"}),
                    parameter("step"),
                ],
            )
        },
        "/incidents": {
            "get": operation(
                "Failing timers (administrators)",
                json_response(list_of({"type": "object"})),
                401,
                403,
            )
        },
        "/incidents/{case_id}/retry": {
            "post": operation(
                "Retry a failing case's timers (administrators)",
                json_response({"type": "object"}),
                401,
                403,
                404,
                params=[CASE_ID],
            )
        },
        "/categories": {
            "get": operation("Categories", json_response(list_of({"type": "object"})), public=True)
        },
        "/areas": {
            "get": operation(
                "DOPA areas",
                json_response(list_of({"type": "object"})),
                422,
                public=True,
                params=[parameter("parent")],
            )
        },
        "/forms/{name}": {
            "get": operation(
                "A form's JSON Schema",
                json_response({"type": "object"}),
                404,
                public=True,
                params=[parameter("name", "path")],
            )
        },
    }
    paths.update(agency_paths())
    paths.update(notification_paths())
    paths["/stats/provinces.geojson"] = {"get": PROVINCE_POLYGONS}
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
