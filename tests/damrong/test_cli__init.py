"""`damrong init --demo --json` builds a world where every role can act, and prints its keys."""

from __future__ import annotations

import io
import json
import logging
import re
from pathlib import Path

import pytest
from PIL import Image

from damrong import cli
from damrong.app import create_app
from damrong.config import Config


@pytest.fixture
def sqlite_url(tmp_path, monkeypatch) -> str:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setenv("DAMRONG_DATABASE_URL", url)
    return url


def test_demo_world_prints_users_with_working_tokens(sqlite_url, capsys):
    assert cli.main(["init", "--demo", "--json"]) == 0
    world = json.loads(capsys.readouterr().out)
    roles = {u["role"] for u in world["users"]}
    assert roles == {
        "intake",
        "screener",
        "supervisor",
        "agency_officer",
        "executive",
        "designer",
        "admin",
    }
    client = create_app(Config(database_url=sqlite_url)).test_client()
    [partner] = world["partner_keys"]
    filed = client.post(
        "/open311/v2/requests.json",
        data={
            "api_key": partner["api_key"],
            "service_code": "labour",
            "address_id": "500101",
            "description": "นายจ้างค้างจ่ายค่าจ้างสองเดือน",
            "attribute[consent]": "true",
        },
    )
    assert filed.status_code == 201, filed.get_data(as_text=True)
    wrong = client.post(
        "/open311/v2/requests.json",
        data={"api_key": "nope", "service_code": "labour", "address_id": "500101"},
    )
    assert wrong.status_code == 403
    screener = next(u for u in world["users"] if u["username"] == "screener1")
    cases = client.get(
        "/api/v1/cases?limit=200", headers={"Authorization": f"Bearer {screener['token']}"}
    ).get_json()
    statuses = {c["status"] for c in cases["items"]}
    assert {
        "screening",
        "awaiting_information",
        "referred",
        "in_progress",
        "under_review",
        "resolved",
        "rejected",
        "withdrawn",
    } <= statuses
    labour = next(u for u in world["users"] if u["username"] == "labour1")
    inbox = client.get(
        "/api/v1/tasks?scope=group", headers={"Authorization": f"Bearer {labour['token']}"}
    ).get_json()
    assert inbox["total"] >= 1


def test_init_twice_keeps_what_is_there(sqlite_url, capsys):
    assert cli.main(["init", "--demo"]) == 0
    assert cli.main(["init", "--demo"]) == 0
    out = capsys.readouterr().out
    # The second run reads as "loaded before", not as an empty database.
    again = out.rsplit("database ready:", 1)[1].splitlines()[0]
    assert "(reference data already loaded)" in again
    assert re.search(r"areas [1-9][\d,]*", again) and "categories 0" not in again
    # The token hint names a command the operator can type from here.
    hint = re.search(r"new token: (\S+) users token screener1", out).group(1)
    assert hint == "damrong" or Path(hint).name == "damrong" and Path(hint).exists()
    assert cli.main(["deploy"]) == 0
    assert "unchanged" in capsys.readouterr().out


def test_the_console_is_not_flooded(sqlite_url, capsys):
    """The scheduler's job runs and the migrations' steps stay out of the operator's console."""
    assert cli.main(["init"]) == 0
    for noisy in ("apscheduler", "alembic", "spiff"):
        assert not logging.getLogger(noisy).isEnabledFor(logging.INFO)


def test_every_browser_gets_the_tab_icon(sqlite_url):
    assert cli.main(["init"]) == 0
    client = create_app(Config(database_url=sqlite_url)).test_client()
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/vnd.microsoft.icon"
    assert Image.open(io.BytesIO(icon.data)).format == "ICO"


def test_users_command_creates_a_user_and_issues_a_token(sqlite_url, capsys):
    cli.main(["init"])
    assert (
        cli.main(
            [
                "users",
                "create",
                "somchai",
                "--password",
                "long-enough-1",
                "--org-unit",
                "c10",
                "--roles",
                "screener",
            ]
        )
        == 0
    )
    assert cli.main(["users", "token", "somchai"]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    client = create_app(Config(database_url=sqlite_url)).test_client()
    assert (
        client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    )
    assert cli.main(["users", "create", "bad", "--password", "x", "--org-unit", "c10"]) == 2
