"""The process endpoints answer as the OpenAPI document says, the document is valid OpenAPI 3.1,
and Schemathesis, sending what the document allows, meets no server error."""

from __future__ import annotations

import io
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.test_processes__support import (
    CAMUNDA,
    PLAIN,
    colleague,
    deploy,
    designer_headers,
    diagram,
    plain_with_agency_task_named,
    upload,
)
from tests.conftest import intake_data
from tests.engine.workflow import test_archive__hostile as hostile

BASE = "/api/v1/processes/plain_complaint"


@pytest.fixture
def designer(factory, clock, staff) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return designer_headers(factory, clock)


def check(doc: dict, template: str, method: str, response) -> None:  # type: ignore[no-untyped-def]
    """Validate one response against the documented schema for its status."""
    documented = doc["paths"][template][method]["responses"]
    status = str(response.status_code)
    assert status in documented, (template, method, status, response.get_json())
    schema = documented[status]["content"]["application/json"]["schema"]
    validator = Draft202012Validator({**schema, "components": doc["components"]})
    errors = [e.message for e in validator.iter_errors(response.get_json())]
    assert errors == [], (template, method, status, errors)


def test_every_process_route_is_documented(app, client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for rule in app.url_map.iter_rules():
        if getattr(app.view_functions[rule.endpoint], "__module__", "") != "api.processes":
            continue
        template = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        template = re.sub(r"\{[^}]*\):(\w+)\}", r"{\1}", template)  # <int(max=…):version>
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in paths.get(template, {}), (template, method)


def test_the_upload_and_its_findings_are_documented(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    deploy_op = doc["paths"]["/processes"]["post"]
    form = deploy_op["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert form["properties"]["files"]["items"] == {"type": "string", "format": "binary"}
    assert {"process_id", "note", "draft", "apply_rewrites"} <= set(form["properties"])
    finding = deploy_op["responses"]["422"]["content"]["application/json"]["schema"]
    fields = finding["properties"]["findings"]["items"]["properties"]
    assert {"file", "line", "element", "name", "severity", "code", "rewrite"} <= set(fields)
    assert {"message", "message_th", "message_en"} <= set(fields)


def test_process_endpoints_answer_as_documented(client, tokens, designer):
    doc = client.get("/api/v1/openapi.json").get_json()
    camunda = (CAMUNDA, diagram(CAMUNDA))
    calls = [
        (
            "/processes/validate",
            "post",
            upload(client, designer, camunda, url="/api/v1/processes/validate"),
        ),
        ("/processes", "post", upload(client, designer, camunda)),
        ("/processes", "post", upload(client, designer, ("a.txt", b"x"))),
        ("/processes", "post", upload(client, designer, (PLAIN, diagram(PLAIN)))),
        ("/processes", "post", upload(client, designer, (PLAIN, diagram(PLAIN)))),
        ("/processes", "post", upload(client, tokens["screener"], (PLAIN, diagram(PLAIN)))),
        ("/processes", "post", upload(client, {}, (PLAIN, diagram(PLAIN)))),
    ]
    deploy(client, designer, raw=plain_with_agency_task_named("แก้ไขเรื่อง"), note="รุ่นสอง")
    client.put(
        "/api/v1/categories/labour/process",
        json={"process_id": "plain_complaint"},
        headers=designer,
    )
    client.post("/api/v1/cases", json=intake_data(), headers=tokens["intake"])
    versions = "/processes/{process_id}/versions"
    one = versions + "/{version}"
    migrations = "/processes/{process_id}/migrations"
    bind = "/categories/{code}/process"
    get, post, put = client.get, client.post, client.put
    move = {"from_version": 2, "to_version": 1, "dry_run": False}
    calls += [
        ("/processes", "get", get("/api/v1/processes", headers=designer)),
        ("/processes", "get", get("/api/v1/processes", headers=tokens["executive"])),
        (versions, "get", get(f"{BASE}/versions", headers=designer)),
        (versions, "get", get("/api/v1/processes/nope/versions", headers=designer)),
        (one, "get", get(f"{BASE}/versions/1", headers=designer)),
        (one, "get", get(f"{BASE}/versions/9", headers=designer)),
        (one + "/retire", "post", post(f"{BASE}/versions/2/retire", headers=designer)),
        (one + "/activate", "post", post(f"{BASE}/versions/1/activate", headers=designer)),
        (one + "/retire", "post", post(f"{BASE}/versions/2/retire", headers=designer)),
        (one + "/activate", "post", post(f"{BASE}/versions/2/activate", headers=designer)),
        ("/processes/{process_id}/diff", "get", get(f"{BASE}/diff?from=1&to=2", headers=designer)),
        ("/processes/{process_id}/diff", "get", get(f"{BASE}/diff?from=x&to=2", headers=designer)),
        (migrations, "post", post(f"{BASE}/migrations", json=move, headers=designer)),
        (migrations, "post", post(f"{BASE}/migrations", json={"dry_run": 1}, headers=designer)),
        (bind, "put", put("/api/v1/categories/labour/process", json={}, headers=designer)),
        (bind, "put", put("/api/v1/categories/nope/process", json=move, headers=designer)),
        (
            bind,
            "put",
            put(
                "/api/v1/categories/health/process",
                json={"process_id": "plain_complaint"},
                headers=designer,
            ),
        ),
    ]
    requests = "/processes/activation-requests"
    asked = client.get(f"/api/v1{requests}?open=true", headers=designer).get_json()["requests"]
    decide = requests + "/{request_id}/"
    own = f"/api/v1{requests}/{asked[0]['id']}"
    archive = {"archive": (io.BytesIO(hostile.zipped(hostile.base_entries())), "a.zip")}
    junk = {"archive": (io.BytesIO(b"not a zip"), "a.zip")}
    multipart = {"content_type": "multipart/form-data"}
    calls += [
        (requests, "get", get(f"/api/v1{requests}", headers=designer)),
        (requests, "get", get(f"/api/v1{requests}?process_id={'x' * 65}", headers=designer)),
        (decide + "approve", "post", post(f"{own}/approve", headers=designer)),  # own: 403
        (decide + "reject", "post", post(f"{own}/reject", json={}, headers=colleague(designer))),
        (decide + "approve", "post", post(f"{own}/approve", headers=colleague(designer))),
        (decide + "approve", "post", post(f"{own}/approve", headers=colleague(designer))),  # 409
        (decide + "cancel", "post", post(f"/api/v1{requests}/999/cancel", headers=designer)),
        (
            "/processes/import",
            "post",
            post("/api/v1/processes/import", data=archive, headers=designer, **multipart),
        ),
        (
            "/processes/import",
            "post",
            post("/api/v1/processes/import", data=junk, headers=designer, **multipart),
        ),
    ]
    for template, method, response in calls:
        check(doc, template, method, response)
    assert {r.status_code for _, _, r in calls} >= {200, 201, 202, 401, 403, 404, 409, 422}
    exported = get(f"{BASE}/versions/1/export", headers=designer)
    assert exported.status_code == 200 and exported.mimetype == "application/zip"
    assert "application/zip" in doc["paths"][one + "/export"]["get"]["responses"]["200"]["content"]


def test_the_document_is_valid_openapi_and_schemathesis_meets_no_server_error(app, designer):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    schema.validate()  # the OpenAPI 3.1 meta-schema
    chosen = schema.include(path_regex=r"^/(processes|categories/\{code\}/process)")
    operations = [result.ok() for result in chosen.get_all_operations()]
    assert len(operations) == 17
    checks = [not_a_server_error, status_code_conformance, response_schema_conformance]

    for operation in operations:

        @settings(
            max_examples=40,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def answers(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call(headers=designer)
            case.validate_response(response, checks=checks, headers=designer)

        answers()
