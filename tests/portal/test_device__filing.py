"""How many complaints the portal takes: each phone (its signed device cookie) on its own, so a
carrier's shared address does not block everyone; clients without the cookie by address."""

from __future__ import annotations

import pytest

from damrong.app import create_app
from damrong.config import Config
from portal.device import COOKIE, DEVICE_PER_HOUR, SHARED_FACTOR
from tests.portal.conftest import complaint, csrf

CARRIER = {"REMOTE_ADDR": "198.51.100.20"}  # one address for many phones


@pytest.fixture
def app(factory, database_url, clock):  # type: ignore[no-untyped-def]
    config = Config(
        database_url=database_url,
        secret_key="test",
        base_url="http://portal.test",
        filing_per_hour=2,
    )
    return create_app(config, clock=clock)


def _phone(app):  # type: ignore[no-untyped-def]
    """A new phone: it opens the form (and so gets its device cookie and CSRF token)."""
    client = app.test_client()
    token = csrf(client)
    assert client.get_cookie(COOKIE) is not None
    return client, token


def _file(client, _token: str = "") -> int:  # type: ignore[no-untyped-def]
    """File one complaint (with a fresh CSRF token from a page that hands out no device cookie);
    201 stands for "filed", whichever way the receipt is shown."""
    token = csrf(client, "/portal/track")
    answer = client.post(
        "/portal/complaint", data={**complaint(), "_csrf": token}, environ_base=CARRIER
    )
    filed = answer.status_code == 303 or b'id="tracking-code"' in answer.data
    return 201 if filed else answer.status_code


def test_one_busy_phone_blocks_only_itself(app, clock):
    busy, token = _phone(app)
    assert [_file(busy, token) for _ in range(DEVICE_PER_HOUR)] == [201] * DEVICE_PER_HOUR
    refused = busy.post(
        "/portal/complaint",
        data={**complaint(), "_csrf": csrf(busy, "/portal/track")},
        environ_base=CARRIER,
    )
    assert refused.status_code == 429 and "1567" in refused.get_data(as_text=True)
    neighbour, other_token = _phone(app)
    assert _file(neighbour, other_token) == 201  # same address, another phone
    clock.advance(hours=1, minutes=1)
    assert _file(busy, token) == 201


def test_without_the_cookie_the_address_limit_counts(app):
    client, token = _phone(app)
    client.delete_cookie(COOKIE)
    assert [_file(client, token) for _ in range(3)] == [201, 201, 429]  # filing_per_hour=2
    phone, phone_token = _phone(app)
    assert _file(phone, phone_token) == 201  # phones with the cookie still file


def test_a_forged_device_cookie_counts_as_none(app):
    client, token = _phone(app)
    client.set_cookie(COOKIE, "my-own-id")  # not signed with the secret key
    assert [_file(client, token) for _ in range(3)] == [201, 201, 429]
    client.set_cookie(COOKIE, "x" * 3000)
    assert _file(client, token) == 429


def test_all_phones_of_one_address_still_meet_a_ceiling(app):
    ceiling = 2 * SHARED_FACTOR
    statuses = [_file(*_phone(app)) for _ in range(ceiling + 1)]
    assert statuses == [201] * ceiling + [429]
