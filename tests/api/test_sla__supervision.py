"""Supervisor actions, compliance figures and incidents through the REST API."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from engine.models import Timer
from engine.sla.deadlines import sweep_deadlines
from tests.engine.helpers import complete, open_case, open_tasks

MONDAY_10 = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def _overdue(factory, clock, staff) -> int:  # type: ignore[no-untyped-def]
    clock.set(MONDAY_10)
    case_id, *_ = open_case(factory, clock, staff["intake"])
    complete(factory, clock, staff["screener"], case_id, "screen", {"decision": "refer"})
    complete(factory, clock, staff["labour"], case_id, "agency_acknowledge", {})
    clock.set(datetime(2026, 12, 17, 2, 0, tzinfo=UTC))  # the day after the 15 working days
    sweep_deadlines(factory, clock)
    return case_id


def test_a_supervisor_extends_an_overdue_case_with_a_reason(client, factory, clock, staff, tokens):
    case_id = _overdue(factory, clock, staff)
    url = f"/api/v1/cases/{case_id}/supervision"
    missing = client.post(
        url, json={"supervisor_action": "extend", "extend_days": 5}, headers=tokens["supervisor"]
    )
    assert missing.status_code == 422
    assert "reason" in missing.get_json()["error"]["fields"]
    before = client.get(f"/api/v1/cases/{case_id}", headers=tokens["supervisor"]).get_json()
    assert before["sla_state"] == "breached"

    labour = client.post(
        url, json={"supervisor_action": "remind", "reason": "x"}, headers=tokens["labour"]
    )
    assert labour.status_code == 403

    done = client.post(
        url,
        json={"supervisor_action": "extend", "extend_days": 5, "reason": "รอผลตรวจพื้นที่"},
        headers=tokens["supervisor"],
    )
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert body["sla_state"] == "on_track" and body["escalation_level"] == 0
    assert body["due_at"].startswith("2026-12-24T09:30")
    # The supervisor's task was the one completed: only the agency's remains.
    assert [t.step for t in open_tasks(factory, case_id)] == ["agency_handle"]
    events = client.get(f"/api/v1/cases/{case_id}/events?limit=200", headers=tokens["supervisor"])
    actions = [e["action"] for e in events.get_json()["items"]]
    assert "sla_extended" in actions


def test_compliance_counts_met_and_breached_per_agency(client, factory, clock, staff, tokens):
    late = _overdue(factory, clock, staff)
    clock.set(MONDAY_10)
    on_time, *_ = open_case(factory, clock, staff["intake"])
    complete(factory, clock, staff["screener"], on_time, "screen", {"decision": "refer"})
    complete(factory, clock, staff["labour"], on_time, "agency_acknowledge", {})
    complete(
        factory,
        clock,
        staff["labour"],
        on_time,
        "agency_handle",
        {"action": "result", "result_text": "ดำเนินการแล้ว"},
    )
    clock.set(datetime(2026, 12, 17, 3, 0, tzinfo=UTC))
    got = client.get("/api/v1/sla/compliance?group_by=agency", headers=tokens["supervisor"])
    assert got.status_code == 200
    [mol] = [r for r in got.get_json()["items"] if r["key"] == "mol"]
    # Met: two acknowledgements and one handling; breached: the late case's open handling.
    assert (mol["met"], mol["breached"], mol["open_breached"]) == (3, 1, 1)
    assert mol["compliance_rate"] == 0.75
    assert mol["name_th"].startswith("กระทรวงแรงงาน")
    # The agency sees its own row only; a bad grouping is a clear 422.
    own = client.get("/api/v1/sla/compliance", headers=tokens["local"]).get_json()
    assert own["items"] == []
    bad = client.get("/api/v1/sla/compliance?group_by=planet", headers=tokens["supervisor"])
    assert bad.status_code == 422 and "group_by" in bad.get_json()["error"]["fields"]
    naive = client.get("/api/v1/sla/compliance?since=2026-11-01", headers=tokens["supervisor"])
    assert naive.status_code == 422
    assert late != on_time


def test_incidents_are_for_administrators_and_can_be_retried(client, factory, clock, staff, tokens):
    clock.set(MONDAY_10)
    case_id, *_ = open_case(factory, clock, staff["intake"])
    complete(
        factory,
        clock,
        staff["screener"],
        case_id,
        "screen",
        {"decision": "resolve", "reason": "แก้ไขแล้ว"},
    )
    with factory.begin() as session:
        timer = session.scalar(select(Timer).where(Timer.case_id == case_id))
        assert timer is not None
        timer.attempts, timer.last_error = 3, "boom"
        timer.next_attempt_at = datetime(2027, 1, 1, tzinfo=UTC)
    assert client.get("/api/v1/incidents", headers=tokens["supervisor"]).status_code == 403
    listed = client.get("/api/v1/incidents", headers=tokens["admin"]).get_json()["items"]
    assert [(i["case_id"], i["attempts"], i["last_error"]) for i in listed] == [
        (case_id, 3, "boom")
    ]
    retried = client.post(f"/api/v1/incidents/{case_id}/retry", headers=tokens["admin"])
    assert retried.status_code == 200 and retried.get_json()["timers"] == 1
    with factory() as session:
        assert (
            session.scalar(select(Timer.next_attempt_at).where(Timer.case_id == case_id)) == clock()
        )
    assert client.post("/api/v1/incidents/999999/retry", headers=tokens["admin"]).status_code == 404
