"""`damrong open311-key`: a key that works at once, and stops working when revoked."""

from __future__ import annotations

from sqlalchemy import select

from damrong import cli
from engine.models import Open311Key
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
