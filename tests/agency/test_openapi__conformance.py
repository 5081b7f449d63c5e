"""Every agency and directory response matches what the OpenAPI document promises."""

from __future__ import annotations

import base64

from jsonschema import Draft202012Validator
from sqlalchemy import update

from engine.models import OrgUnit

PDF = base64.b64encode(b"%PDF-1.4\n%%EOF\n").decode()


def check(client, doc, template, method, response):  # type: ignore[no-untyped-def]
    """Validate one response against the documented schema for its status."""
    documented = doc["paths"][template][method]["responses"]
    status = str(response.status_code)
    assert status in documented, (template, method, status, response.get_json())
    schema = documented[status]["content"]["application/json"]["schema"]
    validator = Draft202012Validator({**schema, "components": doc["components"]})
    errors = [e.message for e in validator.iter_errors(response.get_json())]
    assert errors == [], (template, method, status, errors)


def test_agency_endpoints_answer_as_documented(client, tokens, case_id):
    doc = client.get("/api/v1/openapi.json").get_json()
    labour, local = tokens["labour"], tokens["local"]
    base = "/agency/cases/{case_id}"
    calls = [
        ("/agency/feed", "get", client.get("/api/v1/agency/feed", headers=labour)),
        ("/agency/feed", "get", client.get("/api/v1/agency/feed?since=x", headers=labour)),
        ("/agency/feed", "get", client.get("/api/v1/agency/feed", headers=tokens["screener"])),
        ("/agency/cases", "get", client.get("/api/v1/agency/cases", headers=labour)),
        (base, "get", client.get(f"/api/v1/agency/cases/{case_id}", headers=labour)),
        (base, "get", client.get(f"/api/v1/agency/cases/{case_id}", headers=local)),
    ]
    post = lambda action, body, who=labour: client.post(  # noqa: E731
        f"/api/v1/agency/cases/{case_id}/{action}", json=body, headers=who
    )
    for action, body in [
        ("result", {"result_text": "ก่อนเวลา"}),
        ("acknowledge", {"note": "รับทราบ"}),
        ("progress", {}),
        ("progress", {"progress_note": "คืบหน้า"}),
        ("invite", {"agency": "dla"}),
        (
            "result",
            {"result_text": "เสร็จ", "attachments": [{"filename": "a.pdf", "content_base64": PDF}]},
        ),
        ("decline", {"reason": "ช้าไป"}),
    ]:
        calls.append((base + "/" + action, "post", post(action, body)))
    calls.append((base + "/acknowledge", "post", post("acknowledge", {}, local)))
    calls += [
        ("/directory", "get", client.get("/api/v1/directory?q=แรงงาน")),
        ("/directory", "get", client.get("/api/v1/directory?area=123")),
        (
            "/cases/{case_id}/redactions",
            "post",
            client.post(
                f"/api/v1/cases/{case_id}/redactions",
                json={"term": "นายดำ"},
                headers=tokens["screener"],
            ),
        ),
    ]
    for template, method, response in calls:
        check(client, doc, template, method, response)
    assert {r.status_code for _, _, r in calls} >= {200, 201, 403, 404, 409, 422}


def test_forward_endpoints_answer_as_documented(client, tokens, case_id, factory):
    with factory.begin() as session:  # Chiang Mai's province approves forwards
        session.execute(
            update(OrgUnit).where(OrgUnit.code == "c50").values(forward_needs_approval=True)
        )
    try:
        doc = client.get("/api/v1/openapi.json").get_json()
        labour, screener = tokens["labour"], tokens["screener"]
        base = f"/api/v1/agency/cases/{case_id}"
        client.post(f"{base}/acknowledge", json={}, headers=labour)
        forward = {"agency": "dla", "reason": "ท้องถิ่น"}
        asked = client.post(f"{base}/forward", json=forward, headers=labour)
        request_id = asked.get_json()["pending_forward"]["id"]
        decide = f"/api/v1/cases/{case_id}/forward-requests/{request_id}"
        template = "/cases/{case_id}/forward-requests/{request_id}"
        calls = [
            ("/agency/cases/{case_id}/forward", "post", asked),
            (
                "/agency/cases/{case_id}/forward",
                "post",
                client.post(f"{base}/forward", json=forward, headers=labour),
            ),  # fmt: skip
            ("/forward-requests", "get", client.get("/api/v1/forward-requests", headers=screener)),
            ("/forward-requests", "get", client.get("/api/v1/forward-requests", headers=labour)),
            (
                "/cases/{case_id}/forward-requests",
                "get",
                client.get(f"/api/v1/cases/{case_id}/forward-requests", headers=screener),
            ),  # fmt: skip
            (template + "/approve", "post", client.post(f"{decide}/approve", headers=labour)),
            (
                template + "/approve",
                "post",
                client.post(f"{decide}/approve", json={"x": 1}, headers=screener),
            ),  # fmt: skip
            (template + "/approve", "post", client.post(f"{decide}/approve", headers=screener)),
            (template + "/reject", "post", client.post(f"{decide}/reject", headers=screener)),
        ]
        for path, method, response in calls:
            check(client, doc, path, method, response)
        assert [r.status_code for _, _, r in calls] == [200, 409, 200, 403, 200, 403, 422, 200, 409]
    finally:
        with factory.begin() as session:
            session.execute(update(OrgUnit).values(forward_needs_approval=False))
