"""`damrong open311-key`: a key that works at once, and stops working when revoked."""

from __future__ import annotations

from sqlalchemy import select

from damrong import cli
from engine.models import AuditEvent
from open311.models import Open311Key
from tests.open311.conftest import report


def test_issue_a_key_from_the_command_line_then_revoke_it(
    client, factory, database_url, monkeypatch, capsys
):
    monkeypatch.setenv("DAMRONG_DATABASE_URL", database_url)
    assert cli.main(["open311-key", "create", "line-oa", "--per-minute", "5"]) == 0
    key = capsys.readouterr().out.strip()
    assert key.startswith("o311_")
    response = client.post("/open311/v2/requests.json", data=report(api_key=key))
    assert response.status_code == 201

    with factory() as session:
        row = session.scalar(select(Open311Key).where(Open311Key.name == "line-oa"))
        assert row.requests_per_minute == 5 and row.key_hash != key  # stored hashed
        assert row.last_used_at is not None
    assert cli.main(["open311-key", "revoke", str(row.id)]) == 0
    assert client.post("/open311/v2/requests.json", data=report(api_key=key)).status_code == 403
    assert cli.main(["open311-key", "revoke", "999999"]) == 2  # unknown id: a clear error


def test_issuing_every_use_and_revoking_a_key_are_audited(client, factory, clock):
    from open311 import keys

    with factory.begin() as session:
        key = keys.issue_key(session, clock(), "line-oa", requests_per_minute=5)
    assert client.post("/open311/v2/requests.json", data=report(api_key=key)).status_code == 201
    refused = client.post("/open311/v2/requests.json", data=report(api_key=key, lat="35.68"))
    assert refused.status_code == 400  # a use all the same: the key was presented and valid
    assert (
        client.post("/open311/v2/requests.json", data=report(api_key="o311_x")).status_code == 403
    )
    with factory.begin() as session:
        key_id = session.scalar(select(Open311Key.id).where(Open311Key.name == "line-oa"))
        keys.revoke_key(session, clock(), key_id)
        keys.revoke_key(session, clock(), key_id)  # already revoked: nothing more to log
    with factory() as session:
        events = session.execute(
            select(AuditEvent.action, AuditEvent.actor_label, AuditEvent.detail)
            .where(AuditEvent.action.startswith("open311_key"))
            .order_by(AuditEvent.id)
        ).all()
    assert [(action, label) for action, label, _ in events] == [
        ("open311_key_issued", "system"),
        ("open311_key_used", "open311:line-oa"),
        ("open311_key_used", "open311:line-oa"),
        ("open311_key_revoked", "system"),
    ]
    assert all(detail["key_id"] == key_id for _, _, detail in events)
    assert key not in str(events)  # the plain key is never written down
