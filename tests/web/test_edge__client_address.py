"""Which address the limits count: the peer's, or behind trusted proxies the one they report;
IPv6 hosts by their /64. A client's own X-Forwarded-For is never believed without a proxy."""

from __future__ import annotations

import pytest

from damrong.app import create_app
from damrong.config import Config
from web.edge import address_key, reported_address

PROXY = {"REMOTE_ADDR": "10.0.0.2"}  # the reverse proxy in front of every citizen


def _app(database_url, clock, proxies: int):  # type: ignore[no-untyped-def]
    config = Config(database_url=database_url, secret_key="test", trusted_proxies=proxies)
    return create_app(config, clock=clock)


def _guess(client, forwarded: str | None = None, environ=PROXY) -> int:  # type: ignore[no-untyped-def]
    headers = {"X-Citizen-Secret": "WRONG000"}
    if forwarded is not None:
        headers["X-Forwarded-For"] = forwarded
    answer = client.get("/api/v1/track/0000-0000-000", headers=headers, environ_base=environ)
    return answer.status_code


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "client"),
    [
        ("10.0.0.2", ["198.51.100.7"], 0, "10.0.0.2"),  # no proxy trusted: the header is a claim
        ("10.0.0.2", ["198.51.100.7"], 1, "198.51.100.7"),
        ("10.0.0.2", ["6.6.6.6, 198.51.100.7"], 1, "198.51.100.7"),  # the client's own claim
        ("10.0.0.2", ["198.51.100.7, 172.16.0.9"], 2, "198.51.100.7"),  # CDN, then nginx
        ("10.0.0.2", ["198.51.100.7", "172.16.0.9"], 2, "198.51.100.7"),  # two header lines
        ("10.0.0.2", [], 1, "10.0.0.2"),  # fewer hops than proxies: not as configured
        ("10.0.0.2", ["not-an-address"], 1, "10.0.0.2"),
        ("10.0.0.2", ["<script>"], 1, "10.0.0.2"),
        ("10.0.0.2", [" 2001:db8::1 "], 1, "2001:db8::1"),
    ],
)
def test_the_reported_address(peer, forwarded, trusted, client):
    assert reported_address(peer, forwarded, trusted) == client


def test_ipv6_hosts_are_grouped_by_their_64():
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:bbbb::9")
    assert address_key("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("::ffff:198.51.100.7") == "198.51.100.7"
    assert address_key("198.51.100.7") == "198.51.100.7"


def test_without_a_trusted_proxy_a_rotating_header_does_not_escape_the_limit(
    factory, database_url, clock
):
    client = _app(database_url, clock, 0).test_client()
    statuses = [_guess(client, f"198.51.100.{i}") for i in range(7)]
    assert statuses == [404] * 6 + [429]


def test_behind_the_proxy_one_guesser_does_not_block_every_citizen(factory, database_url, clock):
    client = _app(database_url, clock, 1).test_client()
    statuses = [_guess(client, "198.51.100.7") for _ in range(7)]
    assert statuses == [404] * 6 + [429]
    assert _guess(client, "198.51.100.8") == 404  # another citizen behind the same proxy
    assert _guess(client, "198.51.100.8, 198.51.100.7") == 429  # a forged left hop: no escape


def test_an_ipv6_guesser_cannot_walk_its_own_64(factory, database_url, clock):
    client = _app(database_url, clock, 0).test_client()
    statuses = [
        _guess(client, environ={"REMOTE_ADDR": f"2001:db8:1:2::{i:x}"}) for i in range(1, 8)
    ]
    assert statuses == [404] * 6 + [429]
    assert _guess(client, environ={"REMOTE_ADDR": "2001:db8:1:3::1"}) == 404
