"""Versions over the API: list, read, diff, roll back, retire, and move running cases between
versions (a dry run first, then for real, then back)."""

from __future__ import annotations

import pytest

from tests.api.test_processes__support import (
    FIXING,
    PLAIN,
    activate,
    bind,
    case_of,
    deploy,
    designer_headers,
    inbox,
    plain_with_agency_task_named,
    work,
)
from tests.conftest import intake_data

BASE = "/api/v1/processes/plain_complaint"


@pytest.fixture
def designer(factory, clock, staff) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return designer_headers(factory, clock)


@pytest.fixture
def two_versions(client, designer) -> None:  # type: ignore[no-untyped-def]
    """plain_complaint v1 as bpmn.io drew it, v2 (live) with the agency's task renamed."""
    assert deploy(client, designer)["version"] == 1
    second = deploy(client, designer, raw=plain_with_agency_task_named("แก้ไขเรื่อง"), note="ชื่อใหม่")
    assert (second["version"], second["live"], second["created"]) == (2, True, True)


def states(client, designer) -> dict[int, dict]:  # type: ignore[no-untyped-def]
    response = client.get(f"{BASE}/versions", headers=designer)
    assert response.status_code == 200
    return {v["version"]: v for v in response.get_json()["versions"]}


def at_agency_task(client, tokens) -> int:  # type: ignore[no-untyped-def]
    """A labour case screened and accepted: its agency task is open."""
    case_id = client.post("/api/v1/cases", json=intake_data(), headers=tokens["intake"]).get_json()[
        "id"
    ]
    [task] = [t for t in inbox(client, tokens["screener"]) if t["case_id"] == case_id]
    assert work(client, tokens["screener"], task["id"], {"decision": "accept"}).status_code == 200
    return case_id


def agency_task_name(client, tokens, case_id: int) -> str:  # type: ignore[no-untyped-def]
    [task] = case_of(client, tokens["supervisor"], case_id)["tasks"]
    assert task["step"] == FIXING
    return task["name"]


def test_the_catalog_lists_versions_newest_first_with_their_files_forms_and_tasks(
    client, designer, two_versions
):
    listed = client.get("/api/v1/processes", headers=designer).get_json()["processes"]
    plain = next(p for p in listed if p["process_id"] == "plain_complaint")
    assert (plain["live_version"], plain["versions"], plain["running_cases"]) == (2, 2, 0)
    assert plain["name_th"] == "เรื่องร้องเรียน"
    assert plain["updated_by"] == "designer_colleague"  # who approved v2 made it live
    assert {"complaint", "agency_handling"} <= {p["process_id"] for p in listed}
    rows = client.get(f"{BASE}/versions", headers=designer).get_json()["versions"]
    assert [(r["version"], r["state"], r["live"]) for r in rows] == [
        (2, "live", True),
        (1, "previous", False),
    ]
    assert rows[0]["note"] == "ชื่อใหม่" and rows[0]["deployed_by"] == "designer"
    one = client.get(f"{BASE}/versions/1", headers=designer).get_json()
    assert list(one["files"]) == [PLAIN] and "bpmn-js" in one["files"][PLAIN]
    assert set(one["forms"]) == {"activity_1r8c2ve_form", "outcome_note"}
    assert one["tasks"][FIXING]["role"] == "agency_officer"
    assert one["tasks"][FIXING]["unit"] == "lead_agency"  # from the lane หน่วยงานรับผิดชอบ
    assert one["tasks"]["Activity_1r8c2ve"]["role"] == "screener"
    assert one["tasks"][FIXING]["name_th"] == "ดำเนินการแก้ไข"
    two = client.get(f"{BASE}/versions/2", headers=designer).get_json()
    assert two["tasks"][FIXING]["name_th"] == "แก้ไขเรื่อง"


def test_the_diff_names_the_changed_element(client, designer, two_versions):
    diff = client.get(f"{BASE}/diff?from=1&to=2", headers=designer)
    assert diff.status_code == 200
    body = diff.get_json()
    assert body["added"] == [] and body["removed"] == []
    [changed] = body["changed"]
    assert (changed["element"], changed["type"], changed["file"]) == (FIXING, "userTask", PLAIN)
    assert changed["changes"] == [{"what": "name", "old": "ดำเนินการแก้ไข", "new": "แก้ไขเรื่อง"}]
    same = client.get(f"{BASE}/diff?from=2&to=2", headers=designer).get_json()
    assert same["changed"] == same["added"] == same["removed"] == []


def test_rollback_retire_and_the_live_version_cannot_retire(client, tokens, designer, two_versions):
    bind(client, designer, "labour", "plain_complaint")
    english = client.post(
        f"{BASE}/versions/2/retire", headers={**designer, "Accept-Language": "en-GB,en;q=0.9"}
    )
    thai = client.post(f"{BASE}/versions/2/retire", headers={**designer, "Accept-Language": "th"})
    assert english.status_code == thai.status_code == 409
    assert "is live" in english.get_json()["error"]["message"]
    assert "กำลังใช้งานอยู่" in thai.get_json()["error"]["message"]
    assert states(client, designer)[2]["state"] == "live"

    back = activate(client, designer, f"{BASE}/versions/1/activate")  # a rollback: four eyes
    assert back.status_code == 200
    assert (back.get_json()["version"], back.get_json()["state"]) == (1, "activated")
    case_id = at_agency_task(client, tokens)
    assert agency_task_name(client, tokens, case_id) == "ดำเนินการแก้ไข"  # new cases start on v1
    rows = states(client, designer)
    assert (rows[1]["state"], rows[1]["running_cases"]) == ("live", 1)
    assert (rows[2]["state"], rows[2]["running_cases"]) == ("previous", 0)

    retired = client.post(f"{BASE}/versions/2/retire", headers=designer)
    assert retired.status_code == 200 and retired.get_json()["state"] == "retired"
    again = client.post(
        f"{BASE}/versions/2/activate", headers={**designer, "Accept-Language": "en"}
    )
    assert again.status_code == 409 and "retired" in again.get_json()["error"]["message"]
    assert states(client, designer)[1]["live"] is True


def test_a_draft_is_stored_but_new_cases_wait_for_its_activation(client, tokens, designer):
    deploy(client, designer)
    bind(client, designer, "labour", "plain_complaint")
    draft = deploy(client, designer, raw=plain_with_agency_task_named("ร่าง"), draft="true")
    assert (draft["version"], draft["live"], draft["created"]) == (2, False, True)
    assert states(client, designer)[2]["state"] == "draft"
    first = at_agency_task(client, tokens)
    assert agency_task_name(client, tokens, first) == "ดำเนินการแก้ไข"
    assert activate(client, designer, f"{BASE}/versions/2/activate").status_code == 200
    second = at_agency_task(client, tokens)
    assert agency_task_name(client, tokens, second) == "ร่าง"


def test_running_cases_move_between_versions_dry_run_first_and_back(
    client, tokens, designer, two_versions
):
    assert activate(client, designer, f"{BASE}/versions/1/activate").status_code == 200
    bind(client, designer, "labour", "plain_complaint")
    case_id = at_agency_task(client, tokens)
    url = f"{BASE}/migrations"

    dry = client.post(url, json={"from_version": 1, "to_version": 2}, headers=designer)
    assert dry.status_code == 200, dry.get_json()
    report = dry.get_json()
    assert (report["dry_run"], report["migratable"], report["blocked"], report["migrated"]) == (
        True,
        1,
        0,
        0,
    )
    [entry] = report["cases"]
    assert (entry["case_id"], entry["migratable"], entry["migrated"]) == (case_id, True, False)
    assert agency_task_name(client, tokens, case_id) == "ดำเนินการแก้ไข"  # a dry run moves nothing
    assert states(client, designer)[1]["running_cases"] == 1

    moved = client.post(
        url, json={"from_version": 1, "to_version": 2, "dry_run": False}, headers=designer
    )
    assert moved.status_code == 200
    assert (moved.get_json()["migrated"], moved.get_json()["cases"][0]["migrated"]) == (1, True)
    assert agency_task_name(client, tokens, case_id) == "แก้ไขเรื่อง"
    rows = states(client, designer)
    assert (rows[1]["running_cases"], rows[2]["running_cases"]) == (0, 1)

    back = client.post(
        url,
        json={"from_version": 2, "to_version": 1, "case_ids": [case_id], "dry_run": False},
        headers=designer,
    )
    assert back.status_code == 200 and back.get_json()["migrated"] == 1
    assert agency_task_name(client, tokens, case_id) == "ดำเนินการแก้ไข"

    # The moved case still runs to its end.
    client.post(
        f"/api/v1/cases/{case_id}/referrals", json={"agency": "mol"}, headers=tokens["supervisor"]
    )
    [task] = inbox(client, tokens["labour"])
    assert work(client, tokens["labour"], task["id"], {"outcome": "done"}).status_code == 200
    assert case_of(client, tokens["supervisor"], case_id)["status"] == "closed"
    nothing = client.post(url, json={"from_version": 1, "to_version": 2}, headers=designer)
    assert nothing.get_json()["cases"] == []  # a closed case is not running


def test_a_move_chooses_its_cases_by_status_or_by_the_element_they_wait_at(
    client, tokens, designer, two_versions
):
    assert activate(client, designer, f"{BASE}/versions/1/activate").status_code == 200
    bind(client, designer, "labour", "plain_complaint")
    at_agency = at_agency_task(client, tokens)
    screening = client.post(
        "/api/v1/cases", json=intake_data(), headers=tokens["intake"]
    ).get_json()["id"]
    url = f"{BASE}/migrations"

    def chosen(**extra) -> list[int]:  # type: ignore[no-untyped-def]
        body = {"from_version": 1, "to_version": 2, **extra}
        answer = client.post(url, json=body, headers=designer)
        assert answer.status_code == 200, answer.get_json()
        return sorted(c["case_id"] for c in answer.get_json()["cases"])

    assert chosen() == sorted([at_agency, screening])
    assert chosen(statuses=["screening"]) == [screening]
    assert chosen(statuses=["in_progress"]) == [at_agency]
    assert chosen(elements=[FIXING]) == [at_agency]
    assert chosen(statuses=["screening"], elements=[FIXING]) == []
    for bad in ({"statuses": ["sleeping"]}, {"statuses": "screening"}, {"elements": [""]}):
        refused = client.post(
            url, json={"from_version": 1, "to_version": 2, **bad}, headers=designer
        )
        assert refused.status_code == 422
        assert set(refused.get_json()["error"]["fields"]) == set(bad)
