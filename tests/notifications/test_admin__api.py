"""The notification endpoints: admins only for dead letters, templates and webhooks; staff set
their own digest; a complainant sets channels with the case secret."""

from __future__ import annotations

from notifications.dispatcher import dispatch_outbox
from tests.notifications.conftest import outbox

ADMIN = "/api/v1/admin/notifications"


def test_dead_letters_are_listed_and_retried_by_admins_only(
    client, tokens, factory, clock, http_sink, settings
):
    http_sink.statuses = [400]
    created = client.post(
        "/api/v1/cases",
        json={
            "title": "ถนนชำรุด",
            "description": "ถนนหน้าบ้านเป็นหลุมลึก",
            "category": "local_nuisance",
            "area_code": "500101",
            "channel": "walk_in",
            "consent": True,
            "complainant": {"phone": "0811111111"},
        },
        headers=tokens["intake"],
    )
    assert created.status_code == 201
    dispatch_outbox(factory, clock, settings)

    assert client.get(ADMIN + "/dead-letters", headers=tokens["supervisor"]).status_code == 403
    assert client.get(ADMIN + "/dead-letters").status_code == 401
    listed = client.get(ADMIN + "/dead-letters", headers=tokens["admin"])
    [dead] = listed.get_json()["items"]
    assert (dead["channel"], dead["state"], dead["attempts"]) == ("sms", "dead", 1)
    assert "HTTP 400" in dead["last_error"]

    url = f"{ADMIN}/dead-letters/{dead['id']}/retry"
    assert client.post(url, headers=tokens["screener"]).status_code == 403
    retried = client.post(url, headers=tokens["admin"])
    assert retried.status_code == 200 and retried.get_json()["state"] == "pending"
    again = client.post(url, headers=tokens["admin"])
    assert again.status_code == 409 and again.get_json()["error"]["message"]
    dispatch_outbox(factory, clock, settings)
    assert [r.state for r in outbox(factory, channel="sms")] == ["sent"]
    case_id = created.get_json()["id"]
    history = client.get(
        f"{ADMIN}/messages?case_id={case_id}&state=sent", headers=tokens["admin"]
    ).get_json()["items"]
    assert [(m["channel"], m["attempts"]) for m in history] == [("sms", 1)]
    assert client.get(f"{ADMIN}/messages", headers=tokens["intake"]).status_code == 403
    assert client.get(f"{ADMIN}/messages?case_id=x", headers=tokens["admin"]).status_code == 422
    assert (
        client.post(f"{ADMIN}/dead-letters/99999/retry", headers=tokens["admin"]).status_code == 404
    )


def test_templates_are_previewed_saved_and_reset_through_the_api(client, tokens):
    url = ADMIN + "/templates/citizen/case_received/th"
    draft = {"subject": "รับเรื่อง {{ case.tracking_code }}", "text": "ติดตามที่ {{ tracking_url }}"}
    assert client.put(url, json=draft, headers=tokens["supervisor"]).status_code == 403
    preview = client.post(url + "/preview", json=draft, headers=tokens["admin"])
    assert preview.status_code == 200 and preview.get_json()["subject"] == "รับเรื่อง K7Q2M9XD"
    bad = client.post(
        url + "/preview?lang=en",
        json={**draft, "text": "{{ cycler.__init__.__globals__.os }}"},
        headers=tokens["admin"],
    )
    assert bad.status_code == 422 and "text" in bad.get_json()["error"]["fields"]
    missing = client.put(url, json={"subject": ""}, headers=tokens["admin"])
    assert missing.status_code == 422 and {"subject", "text"} <= set(
        missing.get_json()["error"]["fields"]
    )
    assert client.put(url, json=draft, headers=tokens["admin"]).status_code == 200
    shown = client.get(url, headers=tokens["admin"]).get_json()
    assert shown["overridden"] and shown["subject"] == draft["subject"]
    assert "ศูนย์ดำรงธรรม" in shown["shipped"]["subject"]
    listed = client.get(ADMIN + "/templates", headers=tokens["admin"]).get_json()["items"]
    assert {"name": "citizen/case_received", "language": "th", "overridden": True} in listed
    assert client.delete(url, headers=tokens["admin"]).get_json()["overridden"] is False
    assert (
        client.get(ADMIN + "/templates/citizen/nope/th", headers=tokens["admin"]).status_code == 404
    )


def test_agency_webhook_registration_returns_a_secret_once(client, tokens):
    url = ADMIN + "/agencies/mol/endpoint"
    assert (
        client.put(
            url, json={"url": "https://mol.example/hook"}, headers=tokens["labour"]
        ).status_code
        == 403
    )
    bad = client.put(url, json={"url": "javascript:alert(1)"}, headers=tokens["admin"])
    assert bad.status_code == 422 and "url" in bad.get_json()["error"]["fields"]
    assert (
        client.put(
            ADMIN + "/agencies/c5001/endpoint",
            json={"url": "https://x.example/"},
            headers=tokens["admin"],
        ).status_code
        == 404
    )
    first = client.put(
        url, json={"url": "https://mol.example/hook"}, headers=tokens["admin"]
    ).get_json()
    second = client.put(
        url, json={"url": "https://mol.example/hook"}, headers=tokens["admin"]
    ).get_json()
    assert len(first["secret"]) >= 40 and first["secret"] != second["secret"]


def test_staff_and_citizens_set_their_own_preferences(client, tokens):
    assert client.get("/api/v1/me/notifications", headers=tokens["screener"]).get_json() == {
        "mode": "instant"
    }
    put = client.put(
        "/api/v1/me/notifications", json={"mode": "digest"}, headers=tokens["screener"]
    )
    assert put.get_json() == {"mode": "digest"}
    assert (
        client.put(
            "/api/v1/me/notifications", json={"mode": "x"}, headers=tokens["screener"]
        ).status_code
        == 422
    )

    opened = client.post(
        "/api/v1/cases",
        json={
            "title": "ถนนชำรุด",
            "description": "ถนนหน้าบ้านเป็นหลุมลึก",
            "category": "local_nuisance",
            "area_code": "500101",
            "channel": "walk_in",
            "consent": True,
            "complainant": {"phone": "0811111111", "email": "a@example.com"},
        },
        headers=tokens["intake"],
    ).get_json()
    url = f"/api/v1/track/{opened['tracking_code']}/notifications"
    secret = {"X-Citizen-Secret": opened["citizen_secret"]}
    assert client.get(url, headers={"X-Citizen-Secret": "wrong"}).status_code in (403, 404)
    assert client.get(url, headers=secret).get_json()["available"] == ["email", "sms"]
    chosen = client.put(url, json={"channels": ["sms"], "opted_out": False}, headers=secret)
    assert chosen.status_code == 200 and chosen.get_json()["channels"] == ["sms"]
    refused = client.put(url + "?lang=en", json={"channels": ["line"]}, headers=secret)
    assert (
        refused.status_code == 422 and "LINE" in refused.get_json()["error"]["fields"]["channels"]
    )


def test_the_notification_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in (
        "/admin/notifications/dead-letters",
        "/admin/notifications/dead-letters/{message_id}/retry",
        "/admin/notifications/templates/{audience}/{event}/{lang}/preview",
        "/admin/notifications/agencies/{code}/endpoint",
        "/me/notifications",
        "/track/{code}/notifications",
    ):
        assert path in paths
