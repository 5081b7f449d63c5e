"""Four eyes over the API: a live deploy or an activation only asks; the one who asked never
approves (not even by calling activate again); another designer or an administrator does; other
roles are refused; a decided request stays decided; two approvals at once: one wins."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from engine.models import ActivationRequest, AuditEvent, Process, ProcessDefinition
from tests.api.test_processes__support import (
    PLAIN,
    catalog_state,
    colleague,
    designer_headers,
    diagram,
    plain_with_agency_task_named,
    upload,
)

BASE = "/api/v1/processes/plain_complaint"
REQUESTS = "/api/v1/processes/activation-requests"


@pytest.fixture
def designer(factory, clock, staff) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return designer_headers(factory, clock)


def live_version(factory) -> int | None:  # type: ignore[no-untyped-def]
    with factory() as session:
        process = session.get(Process, "plain_complaint")
        if process is None or process.live_definition_id is None:
            return None
        return session.get(ProcessDefinition, process.live_definition_id).version


def asked(client, designer) -> dict:  # type: ignore[no-untyped-def]
    """plain_complaint v1 deployed to go live: the request it filed."""
    deployed = upload(client, designer, (PLAIN, diagram(PLAIN)), note="รุ่นแรก")
    assert deployed.status_code == 202, deployed.get_json()
    return deployed.get_json()["activation_request"]


def test_a_live_deploy_only_asks_and_the_one_who_asked_cannot_approve(client, designer, factory):
    request = asked(client, designer)
    assert (request["state"], request["requested_by"], request["note"]) == (
        "pending",
        "designer",
        "รุ่นแรก",
    )
    assert live_version(factory) is None  # stored, not live
    own = client.post(f"{REQUESTS}/{request['id']}/approve", headers=designer)
    assert own.status_code == 403 and "ท่านเป็นผู้ขอเปิดใช้" in own.get_json()["error"]["message"]
    own = client.post(f"{REQUESTS}/{request['id']}/approve?lang=en", headers=designer)
    assert own.status_code == 403 and "four eyes" in own.get_json()["error"]["message"]
    again = client.post(
        f"{BASE}/versions/1/activate", headers={**designer, "Accept-Language": "th"}
    )
    assert again.status_code == 409 and "ต้องให้ผู้ออกแบบ" in again.get_json()["error"]["message"]
    assert live_version(factory) is None
    listed = client.get(f"{REQUESTS}?open=true", headers=designer).get_json()["requests"]
    assert [r["id"] for r in listed] == [request["id"]]


def test_another_designer_approves_and_the_version_is_live(client, designer, factory):
    request = asked(client, designer)
    approved = client.post(
        f"{REQUESTS}/{request['id']}/approve", json={"note": "ตรวจแล้ว"}, headers=colleague(designer)
    )
    assert approved.status_code == 200, approved.get_json()
    body = approved.get_json()
    assert (body["state"], body["decided_by"]) == ("activated", "designer_colleague")
    assert live_version(factory) == 1


def test_an_administrator_approves_through_activate_too(client, tokens, designer, factory):
    asked(client, designer)
    approved = client.post(f"{BASE}/versions/1/activate", headers=tokens["admin"])
    assert approved.status_code == 200 and approved.get_json()["state"] == "activated"
    assert live_version(factory) == 1
    rollback = upload(client, designer, (PLAIN, plain_with_agency_task_named("แก้ไขเรื่อง")))
    assert rollback.status_code == 202 and live_version(factory) == 1


@pytest.mark.parametrize("role", ["screener", "supervisor", "labour", "executive", "intake"])
def test_other_roles_neither_list_nor_decide(client, tokens, designer, factory, role):
    request = asked(client, designer)
    before = catalog_state(factory)
    assert client.get(REQUESTS, headers=tokens[role]).status_code == 403
    for action, body in (("approve", None), ("reject", {"reason": "ไม่"}), ("cancel", None)):
        refused = client.post(
            f"{REQUESTS}/{request['id']}/{action}", json=body, headers=tokens[role]
        )
        assert refused.status_code == 403, (action, refused.get_json())
    refused = client.post(f"{BASE}/versions/1/activate", headers=tokens[role])
    assert refused.status_code == 403
    assert catalog_state(factory) == before and live_version(factory) is None


def test_a_decided_request_stays_decided(client, tokens, designer, factory):
    request = asked(client, designer)
    url = f"{REQUESTS}/{request['id']}"
    rejected = client.post(f"{url}/reject", json={"reason": "ยังไม่พร้อม"}, headers=tokens["admin"])
    assert rejected.status_code == 200 and rejected.get_json()["state"] == "rejected"
    for action in ("approve", "reject", "cancel"):
        late = client.post(
            f"{url}/{action}",
            json={"reason": "x"},
            headers={**colleague(designer), "Accept-Language": "en"},
        )
        assert late.status_code in (403, 409), action  # cancel: only the asker or an admin
    second = client.post(f"{url}/approve", headers={**tokens["admin"], "Accept-Language": "en"})
    assert second.status_code == 409 and "rejected already" in second.get_json()["error"]["message"]
    assert live_version(factory) is None


def test_reject_needs_a_reason_and_bad_bodies_are_422(client, tokens, designer):
    request = asked(client, designer)
    url = f"{REQUESTS}/{request['id']}"
    for body in ({}, {"reason": "  "}, {"reason": 5}, {"reason": "x" * 2001}):
        refused = client.post(f"{url}/reject", json=body, headers=tokens["admin"])
        assert refused.status_code == 422, body
        assert "reason" in refused.get_json()["error"]["fields"]
    for body in ({"note": 5}, {"activate_at": "tomorrow"}, {"activate_at": "2026-01-01T00:00"}):
        refused = client.post(f"{BASE}/versions/1/activate", json=body, headers=tokens["admin"])
        assert refused.status_code == 422, body
    missing = client.post(f"{REQUESTS}/999999/approve", headers=tokens["admin"])
    assert missing.status_code == 404


def test_two_approvals_at_once_one_wins(app, client, tokens, designer, factory, database_url):
    request = asked(client, designer)
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def approve(headers: dict) -> None:
        other = app.test_client()
        barrier.wait(timeout=10)
        codes.append(other.post(f"{REQUESTS}/{request['id']}/approve", headers=headers).status_code)

    threads = [
        threading.Thread(target=approve, args=(h,)) for h in (colleague(designer), tokens["admin"])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200, 409]
    with factory() as session:
        activated = session.scalar(
            select(func.count()).where(AuditEvent.action == "process_activated")
        )
        state = session.scalar(select(ActivationRequest.state))
    assert (activated, state) == (1, "approved") and live_version(factory) == 1


def test_every_request_and_decision_is_audited(client, tokens, designer, factory):
    request = asked(client, designer)
    client.post(f"{REQUESTS}/{request['id']}/approve", headers=tokens["admin"])
    with factory() as session:
        rows = session.execute(
            select(AuditEvent.action, AuditEvent.actor_label)
            .where(AuditEvent.action.like("process_%"))
            .order_by(AuditEvent.id)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("process_deployed", "designer"),
        ("process_activation_requested", "designer"),
        ("process_activation_approved", "admin"),
        ("process_activated", "admin"),
    ]
