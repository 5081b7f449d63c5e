"""Bad parameters and bodies name the field; unknown processes, versions and categories are 404;
two designers deploying at once: one wins, the other gets 409."""

from __future__ import annotations

import threading

import pytest

from engine.models import Process
from engine.workflow import versions
from tests.api.test_processes__support import (
    PLAIN,
    catalog_state,
    deploy,
    designer_headers,
    plain_with_agency_task_named,
    upload,
)

BASE = "/api/v1/processes/plain_complaint"


@pytest.fixture
def designer(factory, clock, staff) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return designer_headers(factory, clock)


@pytest.fixture
def two_versions(client, designer) -> None:  # type: ignore[no-untyped-def]
    deploy(client, designer)
    deploy(client, designer, raw=plain_with_agency_task_named("แก้ไขเรื่อง"))


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"from_version": "1", "to_version": 2}, "from_version"),
        ({"from_version": 1, "to_version": "2"}, "to_version"),
        ({"from_version": 1.0, "to_version": 2}, "from_version"),
        ({"from_version": True, "to_version": 2}, "from_version"),
        ({"from_version": 0, "to_version": 2}, "from_version"),
        ({"from_version": 1, "to_version": 10**12}, "to_version"),
        ({"to_version": 2}, "from_version"),
        ({"from_version": 1, "to_version": 1}, "to_version"),
        ({"from_version": 1, "to_version": 2, "case_ids": "1,2"}, "case_ids"),
        ({"from_version": 1, "to_version": 2, "case_ids": {"1": 1}}, "case_ids"),
        ({"from_version": 1, "to_version": 2, "case_ids": [1, "2"]}, "case_ids"),
        ({"from_version": 1, "to_version": 2, "case_ids": [True]}, "case_ids"),
        ({"from_version": 1, "to_version": 2, "case_ids": [-1]}, "case_ids"),
        ({"from_version": 1, "to_version": 2, "case_ids": [2**31]}, "case_ids"),
        ({"from_version": 1, "to_version": 2, "case_ids": [10**20]}, "case_ids"),
        ({"from_version": 1, "to_version": 2, "dry_run": "yes"}, "dry_run"),
        ({"from_version": 1, "to_version": 2, "dry_run": 0}, "dry_run"),
        ({"from_version": 1, "to_version": 2, "dry_run": None}, "dry_run"),
    ],
)
def test_a_migration_with_bad_types_names_the_field(
    client, designer, factory, two_versions, body, field
):
    before = catalog_state(factory)
    refused = client.post(f"{BASE}/migrations", json=body, headers=designer)
    assert refused.status_code == 422, refused.get_json()
    assert field in refused.get_json()["error"]["fields"]
    assert catalog_state(factory) == before


def test_a_migration_body_that_is_not_a_json_object_is_422(client, designer, two_versions):
    url = f"{BASE}/migrations"
    for kwargs in (
        {"json": [1, 2]},
        {"json": "from 1 to 2"},
        {"data": "{not json", "content_type": "application/json"},
        {"data": "from_version=1", "content_type": "application/x-www-form-urlencoded"},
        {},
    ):
        refused = client.post(url, headers=designer, **kwargs)
        assert refused.status_code == 422, (kwargs, refused.get_json())


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=abc&to=2", "from"),
        ("from=1&to=", "to"),
        ("from=1", "to"),
        ("to=2", "from"),
        ("from=-1&to=2", "from"),
        ("from=1.0&to=2", "from"),
        ("from=%C2%B2&to=2", "from"),  # «²» is a digit to str.isdigit(), not to int()
        ("from=1&to=99999999999", "to"),
    ],
)
def test_a_diff_with_a_bad_version_names_the_parameter(
    client, designer, two_versions, query, field
):
    refused = client.get(f"{BASE}/diff?{query}", headers=designer)
    assert refused.status_code == 422, refused.get_json()
    assert field in refused.get_json()["error"]["fields"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/processes/no_such/versions"),
        ("GET", "/api/v1/processes/no_such/versions/1"),
        ("GET", f"{BASE}/versions/3"),
        ("GET", f"{BASE}/versions/0"),
        ("GET", f"{BASE}/versions/99999999999999999999999"),
        ("GET", f"{BASE}/versions/-1"),
        ("GET", f"{BASE}/versions/abc"),
        ("POST", f"{BASE}/versions/3/activate"),
        ("POST", f"{BASE}/versions/999999999999999999/activate"),
        ("POST", f"{BASE}/versions/3/retire"),
        ("POST", f"{BASE}/versions/2147483648/retire"),
        ("POST", "/api/v1/processes/no_such/versions/1/activate"),
        ("POST", "/api/v1/processes/no_such/versions/1/retire"),
        ("GET", "/api/v1/processes/no_such/diff?from=1&to=2"),
        ("GET", f"{BASE}/diff?from=1&to=3"),
        ("GET", "/api/v1/processes/" + "x" * 3000 + "/versions"),
    ],
)
def test_unknown_processes_and_versions_are_404(
    client, designer, factory, two_versions, method, path
):
    before = catalog_state(factory)
    missing = client.open(path, method=method, headers=designer)
    assert missing.status_code == 404, missing.get_json()
    assert catalog_state(factory) == before


def test_a_migration_of_an_unknown_process_or_version_is_404(client, designer, two_versions):
    body = {"from_version": 1, "to_version": 2}
    unknown = client.post("/api/v1/processes/no_such/migrations", json=body, headers=designer)
    assert unknown.status_code == 404
    body = {"from_version": 1, "to_version": 7}
    assert client.post(f"{BASE}/migrations", json=body, headers=designer).status_code == 404


def test_binding_an_unknown_category_is_404_and_nothing_changes(client, designer, factory):
    deploy(client, designer)
    before = catalog_state(factory)
    for code in ("no_such", "x" * 300, "lab%20our"):
        missing = client.put(
            f"/api/v1/categories/{code}/process",
            json={"process_id": "plain_complaint"},
            headers=designer,
        )
        assert missing.status_code == 404, (code, missing.get_json())
    assert catalog_state(factory) == before


def test_binding_to_a_process_without_a_live_version_is_422(client, designer, factory):
    draft = deploy(client, designer, draft="true")
    assert draft["live"] is False
    before = catalog_state(factory)
    for process_id in ("plain_complaint", "no_such_process"):
        refused = client.put(
            "/api/v1/categories/labour/process", json={"process_id": process_id}, headers=designer
        )
        assert refused.status_code == 422, refused.get_json()
        assert "process_id" in refused.get_json()["error"]["fields"]
    assert catalog_state(factory) == before


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"process_id": ""},
        {"process_id": "   "},
        {"process_id": None},
        {"process_id": 7},
        {"process_id": ["complaint"]},
        {"process_id": "x" * 65},
        {"process_id": "x" * 100_000},
    ],
    ids=["missing", "empty", "blank", "null", "number", "list", "65 chars", "100k chars"],
)
def test_binding_with_a_bad_process_id_is_422_naming_it(client, designer, factory, body):
    before = catalog_state(factory)
    refused = client.put("/api/v1/categories/labour/process", json=body, headers=designer)
    assert refused.status_code == 422, refused.get_json()
    assert "process_id" in refused.get_json()["error"]["fields"]
    assert "x" * 100 not in refused.get_data(as_text=True)
    assert catalog_state(factory) == before


def test_two_designers_deploying_at_once_one_wins_the_other_gets_409(
    app, client, factory, clock, database_url, monkeypatch
):
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite lets one writer in at a time: the second waits, then sees the first")
    first = designer_headers(factory, clock, "designer_a")
    second = designer_headers(factory, clock, "designer_b")
    deploy(client, first)
    barrier = threading.Barrier(2)
    original = versions.check

    def check_then_meet(session, *args, **kwargs):  # type: ignore[no-untyped-def]
        # Both requests have read the process row before either writes: a true race.
        result = original(session, *args, **kwargs)
        # Held on the session: its identity map is weak, and a dropped row would be read
        # afresh after the other commit, making the two deploys merely sequential.
        session.info["seen"] = session.get(Process, "plain_complaint")
        barrier.wait(timeout=20)
        return result

    monkeypatch.setattr(versions, "check", check_then_meet)
    statuses: dict[str, int] = {}

    def deploy_as(name: str, headers: dict) -> None:
        raw = plain_with_agency_task_named(f"แก้ไขโดย {name}")
        statuses[name] = upload(app.test_client(), headers, (PLAIN, raw)).status_code

    threads = [
        threading.Thread(target=deploy_as, args=(name, headers))
        for name, headers in (("a", first), ("b", second))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses.values()) == [202, 409]  # stored (its activation asked for) or not
    monkeypatch.undo()
    rows = client.get(f"{BASE}/versions", headers=first).get_json()["versions"]
    assert [(r["version"], r["state"]) for r in rows] == [(2, "draft"), (1, "live")]
