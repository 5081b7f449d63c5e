"""SMS gateway, LINE push and agency webhooks, received by a real HTTP server on loopback."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import UTC, datetime

from engine.access.rules import Actor
from notifications import admin
from notifications.addresses import Allowance
from notifications.dispatcher import dispatch_outbox
from tests.engine.helpers import complete, open_case
from tests.notifications.conftest import give_emails, outbox

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _register_webhook(factory, clock, admin_actor: Actor, url: str) -> str:  # type: ignore[no-untyped-def]
    with factory.begin() as session:
        loopback = Allowance.parse("127.0.0.1")  # the test receiver's address
        return admin.set_agency_endpoint(session, clock, admin_actor, "mol", url, True, loopback)[
            "secret"
        ]


def test_sms_goes_to_the_gateway_as_json_with_the_tracking_link(
    factory, clock, staff, http_sink, settings
):
    _id, code, _ = open_case(factory, clock, staff["intake"])  # phone only
    dispatch_outbox(factory, clock, settings)
    [call] = [c for c in http_sink.calls if c.path == "/sms"]
    body = call.json()
    assert body["to"] == "0812345678"
    assert code in body["message"] and f"/portal/track?code={code}" in body["message"]
    assert call.headers["authorization"] == "Bearer sms-token"
    assert call.headers["idempotency-key"] == body["reference"]


def test_line_push_uses_the_messaging_api_format_with_a_retry_key(
    factory, clock, staff, http_sink, settings
):
    person = {"name": "ก", "phone": "0812345678", "line_user_id": "U" + "a" * 32}
    _id, code, _ = open_case(factory, clock, staff["intake"], complainant=person)
    dispatch_outbox(factory, clock, settings)
    [call] = [c for c in http_sink.calls if c.path == "/v2/bot/message/push"]
    assert [c.path for c in http_sink.calls].count("/sms") == 0, "one channel by default: LINE"
    assert call.headers["authorization"] == "Bearer line-token"
    assert UUID.match(call.headers["x-line-retry-key"])
    body = call.json()
    assert body["to"] == "U" + "a" * 32
    assert body["messages"][0]["type"] == "text" and code in body["messages"][0]["text"]


def test_agency_webhook_is_signed_and_verifiable_and_never_names_a_confidential_complainant(
    factory, clock, staff, http_sink, settings, smtp_sink
):
    secret = _register_webhook(factory, clock, staff["admin"], http_sink.url + "/hooks/mol")
    give_emails(factory, labour="labour1@mol.go.th")
    person = {"name": "สมหญิง ลับมาก", "phone": "0812345678"}
    case_id, code, _ = open_case(
        factory, clock, staff["intake"], complainant=person, confidential=True
    )
    complete(factory, clock, staff["screener"], case_id, "screen", {"decision": "refer"})
    dispatch_outbox(factory, clock, settings)

    hooks = [c for c in http_sink.calls if c.path == "/hooks/mol"]
    assert hooks and {h.json()["event"] for h in hooks} >= {"case_referred"}
    for hook in hooks:
        timestamp = hook.headers["x-damrong-timestamp"]
        expected = hmac.new(
            secret.encode(), timestamp.encode() + b"." + hook.body, hashlib.sha256
        ).hexdigest()
        assert hmac.compare_digest(hook.headers["x-damrong-signature"], "sha256=" + expected)
        assert int(timestamp) == int(clock().timestamp())
        assert hook.headers["idempotency-key"] == hook.json()["id"]
        assert "สมหญิง" not in hook.body.decode() and "0812345678" not in hook.body.decode()
    referred = next(h.json() for h in hooks if h.json()["event"] == "case_referred")
    assert (referred["case_id"], referred["tracking_code"]) == (case_id, code)

    tampered = hooks[0].body.replace(b"case_referred", b"case_rejected")
    forged = hmac.new(
        b"wrong", hooks[0].headers["x-damrong-timestamp"].encode() + b"." + tampered, hashlib.sha256
    )
    assert "sha256=" + forged.hexdigest() != hooks[0].headers["x-damrong-signature"]

    officer_mail = [
        m
        for m, r in zip(smtp_sink.box.messages, smtp_sink.box.recipients, strict=True)
        if "labour1@mol.go.th" in r
    ]
    assert officer_mail, "the agency's officers are told by e-mail too"
    for mail in officer_mail:
        assert "สมหญิง" not in mail.get_body(preferencelist=("plain",)).get_content()


def test_sms_waits_out_quiet_hours_and_is_sent_in_the_morning(
    factory, clock, staff, http_sink, settings
):
    clock.set(datetime(2026, 11, 23, 15, 30, tzinfo=UTC))  # 22:30 in Bangkok
    open_case(factory, clock, staff["intake"])
    dispatch_outbox(factory, clock, settings)
    assert [c for c in http_sink.calls if c.path == "/sms"] == []
    [row] = outbox(factory, channel="sms")
    assert row.state == "pending"
    assert row.next_attempt_at == datetime(2026, 11, 24, 0, 0, tzinfo=UTC)  # 07:00 Bangkok

    clock.set(datetime(2026, 11, 23, 23, 59, tzinfo=UTC))
    dispatch_outbox(factory, clock, settings)
    assert [c for c in http_sink.calls if c.path == "/sms"] == []
    clock.set(datetime(2026, 11, 24, 0, 0, tzinfo=UTC))
    dispatch_outbox(factory, clock, settings)
    assert len([c for c in http_sink.calls if c.path == "/sms"]) == 1
