"""Linking a complainant's LINE account through a code sent to the official account."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re

import pytest

from damrong.app import create_app
from damrong.config import Config
from engine.models import Case
from tests.engine.helpers import open_case
from tests.portal.conftest import csrf

SECRET = "line-channel-secret"
USER = "U" + "4af4980629" * 3 + "ab"


@pytest.fixture
def app(factory, database_url, clock):  # type: ignore[no-untyped-def]
    config = Config(
        database_url=database_url,
        secret_key="test",
        line_channel_secret=SECRET,
        line_account_id="@damrong",
    )
    return create_app(config, clock=clock)


def _webhook(client, text: str, user: str = USER, secret: str = SECRET):  # type: ignore[no-untyped-def]
    body = json.dumps(
        {
            "destination": "Uxxxxxxxx",
            "events": [
                {"type": "follow", "source": {"type": "user", "userId": user}},
                {
                    "type": "message",
                    "message": {"type": "text", "id": "1", "text": text},
                    "source": {"type": "user", "userId": user},
                },
            ],
        }
    ).encode()
    signature = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest())
    return client.post(
        "/portal/line/webhook",
        data=body,
        headers={"X-Line-Signature": signature.decode(), "Content-Type": "application/json"},
    )


def _case_page(client, factory, clock, staff):  # type: ignore[no-untyped-def]
    case_id, code, secret = open_case(factory, clock, staff["intake"])
    token = csrf(client, "/portal/track")
    found = client.post("/portal/track", data={"code": code, "secret": secret, "_csrf": token})
    return case_id, found.location.replace("http://localhost", ""), token


def test_a_code_sent_to_the_official_account_links_the_sender(client, factory, clock, staff):
    case_id, path, token = _case_page(client, factory, clock, staff)
    assert "@damrong" not in client.get(path).get_data(as_text=True)  # no code asked for yet
    page = client.post(f"{path}/line", data={"_csrf": token}).get_data(as_text=True)
    code = re.search(r'id="line-code">([^<]+)<', page)[1]
    assert "@damrong" in page and re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    assert _webhook(client, f"รหัสของฉัน {code.lower()} ค่ะ").status_code == 200
    with factory() as session:
        assert session.get(Case, case_id).complainant_line_user_id == USER
    assert 'id="line-linked"' in client.get(path).get_data(as_text=True)
    # A code works once.
    other = "U" + "0" * 32
    _webhook(client, code, user=other)
    with factory() as session:
        assert session.get(Case, case_id).complainant_line_user_id == USER


def test_expired_guessed_and_unsigned_codes_link_nothing(client, factory, clock, staff):
    case_id, path, token = _case_page(client, factory, clock, staff)
    page = client.post(f"{path}/line", data={"_csrf": token}).get_data(as_text=True)
    code = re.search(r'id="line-code">([^<]+)<', page)[1]
    assert _webhook(client, code, secret="forged").status_code == 403
    assert _webhook(client, "ABCD-EFGH").status_code == 200
    clock.advance(minutes=31)
    assert _webhook(client, code).status_code == 200
    with factory() as session:
        assert session.get(Case, case_id).complainant_line_user_id is None
    assert client.post("/portal/line/webhook", data=b"{").status_code == 403


def test_without_line_configured_the_webhook_is_absent(factory, database_url, clock):
    app = create_app(Config(database_url=database_url, secret_key="t"), clock=clock)
    assert app.test_client().post("/portal/line/webhook", data=b"{}").status_code == 404
