"""A designer brings a modeler's diagram through /api/v1/processes, binds a category to it, and
officials run cases on it to the end; Camunda exports are refused until rewritten."""

from __future__ import annotations

import pytest

from forms.loader import load_schema
from tests.api.test_processes__support import (
    CAMUNDA,
    FIXING,
    PLAIN,
    SCREENING,
    bind,
    case_of,
    catalog_state,
    deploy,
    designer_headers,
    diagram,
    go_live,
    inbox,
    upload,
    work,
)
from tests.conftest import intake_data

AGENCIES = ("labour", "local", "police")


@pytest.fixture
def designer(factory, clock, staff) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return designer_headers(factory, clock)


def open_labour_case(client, tokens) -> int:  # type: ignore[no-untyped-def]
    opened = client.post("/api/v1/cases", json=intake_data(), headers=tokens["intake"])
    assert opened.status_code == 201, opened.get_json()
    assert opened.get_json()["status"] == "screening"
    return opened.get_json()["id"]


def test_a_plain_bpmnio_diagram_runs_a_case_through_the_agency_to_closed(client, tokens, designer):
    deployed = upload(client, designer, (PLAIN, diagram(PLAIN)))
    assert deployed.status_code == 202, deployed.get_json()  # stored; live on a second approval
    body = deployed.get_json()
    assert {k: body[k] for k in ("process_id", "version", "live", "created")} == {
        "process_id": "plain_complaint",
        "version": 1,
        "live": False,
        "created": True,
    }
    assert body["activation_request"]["state"] == "pending"
    assert {f["severity"] for f in body["findings"]} <= {"warning"}
    go_live(client, designer, body)
    bound = bind(client, designer, "labour", "plain_complaint")
    assert bound.status_code == 200
    assert bound.get_json() == {"category": "labour", "process_id": "plain_complaint"}
    case_id = open_labour_case(client, tokens)

    [task] = inbox(client, tokens["screener"])
    assert (task["case_id"], task["step"], task["name"]) == (case_id, SCREENING, "พิจารณาเรื่อง")
    form = client.get(f"/api/v1/tasks/{task['id']}", headers=tokens["screener"]).get_json()["form"]
    decision = form["properties"]["decision"]
    assert decision["enum"] == ["accept", "other"]  # the gateway's condition and its default
    assert decision["x-enum-labels"]["accept"]["th"] == "รับเรื่อง"  # named as the flow is
    assert form["required"] == ["decision"]
    refused = work(client, tokens["screener"], task["id"], {"decision": "maybe"})
    assert refused.status_code == 422 and "decision" in refused.get_json()["error"]["fields"]
    done = client.post(
        f"/api/v1/tasks/{task['id']}/complete",
        json={"data": {"decision": "accept"}},
        headers=tokens["screener"],
    )
    assert done.status_code == 200 and done.get_json()["status"] == "in_progress"

    # The diagram refers to no agency: when its agency task opens, the case goes to the
    # category's agency (labour: the Ministry of Labour), whose officers see the task.
    case = case_of(client, tokens["supervisor"], case_id)
    [fixing] = case["tasks"]
    assert (fixing["step"], fixing["role"]) == (FIXING, "agency_officer")
    assert [(r["agency"], r["role"]) for r in case["referrals"]] == [("mol", "lead")], case
    assert [t["step"] for t in inbox(client, tokens["labour"])] == [FIXING]
    for name in ("screener", "local"):
        assert inbox(client, tokens[name]) == [], name

    detail = client.get(f"/api/v1/tasks/{fixing['id']}", headers=tokens["labour"]).get_json()
    assert detail["form"]["properties"]["outcome"]["enum"] == ["done", "not_done"]
    finished = work(client, tokens["labour"], fixing["id"], {"outcome": "done", "note": "แก้แล้ว"})
    assert finished.status_code == 200, finished.get_json()
    case = case_of(client, tokens["supervisor"], case_id)
    assert (case["status"], case["resolution"], case["tasks"]) == ("closed", "completed", [])
    assert case["closed_at"] is not None


def test_the_default_flow_closes_the_case_at_screening(client, tokens, designer):
    deploy(client, designer)
    assert bind(client, designer, "labour", "plain_complaint").status_code == 200
    case_id = open_labour_case(client, tokens)
    [task] = inbox(client, tokens["screener"])
    done = work(client, tokens["screener"], task["id"], {"decision": "other"})
    assert done.status_code == 200 and done.get_json()["status"] == "closed"
    case = case_of(client, tokens["screener"], case_id)
    assert (case["status"], case["resolution"], case["tasks"]) == ("closed", "completed", [])
    assert inbox(client, tokens["screener"]) == []


def test_other_categories_keep_the_shipped_process(client, tokens, designer):
    deploy(client, designer)
    bind(client, designer, "labour", "plain_complaint")
    other = client.post(
        "/api/v1/cases", json=intake_data(category="consumer"), headers=tokens["intake"]
    )
    assert other.status_code == 201
    assert [t["step"] for t in inbox(client, tokens["screener"])] == ["screen"]
    listed = client.get("/api/v1/processes", headers=designer).get_json()["processes"]
    plain = next(p for p in listed if p["process_id"] == "plain_complaint")
    assert plain["categories"] == ["labour"] and plain["live_version"] == 1


def camunda_errors(findings: list[dict]) -> dict[str, str]:
    return {f["element"]: f["code"] for f in findings if f["severity"] == "error"}


def test_a_camunda_export_is_refused_with_findings_until_rewritten(client, designer, factory):
    before = client.get("/api/v1/processes", headers=designer).get_json()
    stored = catalog_state(factory)
    checked = upload(
        client, designer, (CAMUNDA, diagram(CAMUNDA)), url="/api/v1/processes/validate"
    )
    assert checked.status_code == 200
    findings = checked.get_json()["findings"]
    assert camunda_errors(findings) == {
        "Flow_1refer0": "juel",
        "Flow_0urgent": "juel",
        "Event_0sla15d": "timer-unquoted",
    }
    rewrites = {f["element"]: f.get("rewrite") for f in findings if f["severity"] == "error"}
    assert rewrites == {
        "Flow_1refer0": "decision == 'refer'",
        "Flow_0urgent": "decision != 'refer' and urgent",
        "Event_0sla15d": '"P15D"',
    }
    assert all(f["file"] == CAMUNDA and f["line"] for f in findings)
    assert catalog_state(factory) == stored  # validating stores nothing
    assert client.get("/api/v1/processes", headers=designer).get_json() == before

    refused = upload(client, designer, (CAMUNDA, diagram(CAMUNDA)), url="/api/v1/processes?lang=en")
    assert refused.status_code == 422
    error = refused.get_json()
    assert error["error"]["code"] == "definition_invalid"
    assert camunda_errors(error["findings"]) == camunda_errors(findings)
    assert "Flow_1refer0" in error["error"]["message"] and "P15D" in error["error"]["message"]
    assert catalog_state(factory) == stored
    assert client.get("/api/v1/processes", headers=designer).get_json() == before

    deployed = upload(client, designer, (CAMUNDA, diagram(CAMUNDA)), apply_rewrites="true")
    assert deployed.status_code == 202, deployed.get_json()
    body = deployed.get_json()
    assert (body["process_id"], body["version"], body["live"]) == ("camunda_complaint", 1, False)
    assert {f["element"] for f in body["findings"] if f["code"] == "rewritten"} == set(rewrites)
    files = client.get(
        "/api/v1/processes/camunda_complaint/versions/1", headers=designer
    ).get_json()["files"]
    assert (
        "${decision" not in files[CAMUNDA] and "&gt;decision == 'refer'&lt;" not in files[CAMUNDA]
    )
    assert ">decision == 'refer'<" in files[CAMUNDA] and '>"P15D"<' in files[CAMUNDA]


def test_a_rewritten_camunda_export_runs_with_its_form_key_and_form_data(client, tokens, designer):
    deploy(client, designer, CAMUNDA, apply_rewrites="true")
    bind(client, designer, "labour", "camunda_complaint")
    case_id = open_labour_case(client, tokens)
    [task] = inbox(client, tokens["screener"])
    assert task["step"] == "Activity_0screen"
    form = client.get(f"/api/v1/tasks/{task['id']}", headers=tokens["screener"]).get_json()["form"]
    served = {k: v for k, v in form.items() if k != "x-order"}  # the fields' order, added
    assert served == load_schema("screen")  # camunda:formKey="screen": the library's form
    done = work(client, tokens["screener"], task["id"], {"decision": "refer", "agency": "mol"})
    assert done.status_code == 200 and done.get_json()["status"] == "in_progress"
    referred = client.post(
        f"/api/v1/cases/{case_id}/referrals", json={"agency": "mol"}, headers=tokens["supervisor"]
    )
    assert referred.status_code == 201
    [agency_task] = inbox(client, tokens["labour"])
    assert agency_task["step"] == "Activity_1agency"
    form = client.get(f"/api/v1/tasks/{agency_task['id']}", headers=tokens["labour"]).get_json()[
        "form"
    ]
    fields = form["properties"]
    assert set(fields) == {"result_text", "outcome", "notify_complainant"}  # camunda:formData
    assert fields["outcome"]["enum"] == ["resolved", "unresolvable", "declined"]
    assert fields["notify_complainant"]["type"] == "boolean"
    assert form["required"] == ["result_text"]
    missing = work(client, tokens["labour"], agency_task["id"], {"outcome": "resolved"})
    assert missing.status_code == 422 and "result_text" in missing.get_json()["error"]["fields"]
    finished = client.post(
        f"/api/v1/tasks/{agency_task['id']}/complete",
        json={
            "data": {
                "result_text": "จ่ายค่าจ้างแล้ว",
                "outcome": "resolved",
                "notify_complainant": True,
            }
        },
        headers=tokens["labour"],
    )
    assert finished.status_code == 200, finished.get_json()
    case = case_of(client, tokens["supervisor"], case_id)
    assert (case["status"], case["resolution"]) == ("closed", "completed")


def test_a_camunda_condition_on_a_variable_no_form_sets_fails_the_step_not_the_server(
    client, tokens, designer
):
    """`decision != 'refer' and urgent`: the screen form has no `urgent`, so any decision but
    refer fails at the gateway. The official gets a 409 and the case waits where it was."""
    deploy(client, designer, CAMUNDA, apply_rewrites="true")
    bind(client, designer, "labour", "camunda_complaint")
    case_id = open_labour_case(client, tokens)
    [task] = inbox(client, tokens["screener"])
    failed = work(client, tokens["screener"], task["id"], {"decision": "reject", "reason": "ไม่ใช่"})
    assert failed.status_code == 409
    assert failed.get_json()["error"]["code"] == "workflow_failed"
    case = case_of(client, tokens["screener"], case_id)
    assert case["status"] == "screening"
    assert [t["step"] for t in case["tasks"]] == ["Activity_0screen"]
