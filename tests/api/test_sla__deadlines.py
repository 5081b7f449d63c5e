"""Every open task carries a deadline on the government calendar, and inboxes filter by it."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.conftest import intake_data


def test_tasks_show_their_deadline_state_and_working_days_left(client, tokens, clock):
    clock.set(datetime(2026, 4, 9, 3, 0, tzinfo=UTC))  # Thursday 10:00 in Bangkok
    client.post("/api/v1/cases", json=intake_data(), headers=tokens["intake"])
    [task] = client.get("/api/v1/tasks?scope=group", headers=tokens["screener"]).get_json()["items"]
    # Screening has 3 working days: Fri 10, then Songkran 13-15, so Thu 16 and Fri 17 April.
    assert task["due_at"] == "2026-04-17T09:30:00+00:00"
    assert (task["sla_state"], task["remaining_working_days"]) == ("on_track", 3)

    # At risk from the policy's 80% of the working days (2 of 3): the close of Thursday 16th.
    clock.set(datetime(2026, 4, 16, 9, 0, tzinfo=UTC))  # 16:00: not yet
    none = client.get("/api/v1/tasks?scope=group&sla_state=at_risk", headers=tokens["screener"])
    assert none.get_json()["items"] == []
    clock.set(datetime(2026, 4, 16, 10, 0, tzinfo=UTC))  # 17:00
    [task] = client.get(
        "/api/v1/tasks?scope=group&sla_state=at_risk", headers=tokens["screener"]
    ).get_json()["items"]
    assert (task["sla_state"], task["remaining_working_days"]) == ("at_risk", 1)
    none_on_track = client.get(
        "/api/v1/tasks?scope=group&sla_state=on_track", headers=tokens["screener"]
    ).get_json()
    assert none_on_track["total"] == 0

    clock.set(datetime(2026, 4, 20, 3, 0, tzinfo=UTC))
    breached = client.get(
        "/api/v1/tasks?scope=group&sla_state=breached", headers=tokens["screener"]
    ).get_json()["items"]
    assert [(t["sla_state"], t["remaining_working_days"]) for t in breached] == [("breached", -1)]
    bad = client.get("/api/v1/tasks?scope=group&sla_state=late", headers=tokens["screener"])
    assert bad.status_code == 422


def test_policies_in_force_are_listed(client, tokens):
    items = client.get("/api/v1/sla-policies", headers=tokens["screener"]).get_json()["items"]
    handle = {(p["step"], p["category"]): p for p in items}
    assert handle[("agency_handle", None)]["duration"] == 15
    assert handle[("agency_handle", "online_fraud")]["duration"] == 7
    assert handle[("screen", None)]["unit"] == "working_days"


def test_a_case_shows_when_its_main_path_is_due(client, tokens, clock):
    clock.set(datetime(2026, 11, 23, 3, 0, tzinfo=UTC))
    case_id = client.post("/api/v1/cases", json=intake_data(), headers=tokens["intake"]).get_json()[
        "id"
    ]
    case = client.get(f"/api/v1/cases/{case_id}", headers=tokens["screener"]).get_json()
    assert case["due_at"] == "2026-11-26T09:30:00+00:00"  # screening: 3 working days
    assert (case["sla_state"], case["remaining_working_days"]) == ("on_track", 3)
