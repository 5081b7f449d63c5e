"""Sign-in delays: the address waits before any hash is computed, unknown names cost the same
argon2 check, delays grow 2, 4, 8 … s up to 15 minutes; passwords: length and the common list."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.access import accounts, signin
from engine.errors import SignInLocked, Unauthenticated, ValidationFailed


class CountingHasher:
    """The real argon2 hasher, counting how often a password is checked."""

    def __init__(self) -> None:
        self.real, self.checks = accounts._hasher, 0

    def verify(self, hashed: str, password: str) -> bool:
        self.checks += 1
        return self.real.verify(hashed, password)

    def hash(self, password: str) -> str:
        return self.real.hash(password)


@pytest.fixture
def counted(monkeypatch):  # type: ignore[no-untyped-def]
    hasher = CountingHasher()
    monkeypatch.setattr(accounts, "_hasher", hasher)
    return hasher


@pytest.fixture
def somsri(factory, clock):  # type: ignore[no-untyped-def]
    with factory.begin() as session:
        user = accounts.create_user(session, clock(), "somsri", "correct horse 1567", "c5001", [])
        return user.id


def _try(factory, clock, name: str, password: str, address: str) -> str:  # type: ignore[no-untyped-def]
    with factory.begin() as session:
        try:
            signin.sign_in(session, clock(), name, password, address)
        except SignInLocked as exc:
            return f"wait {exc.detail['retry_after']}"
        except Unauthenticated:
            return "wrong"
    return "in"


def test_waits_grow_from_two_seconds_to_fifteen_minutes() -> None:
    waits = [signin.wait_for(n).total_seconds() for n in range(1, 16)]
    assert waits[:4] == [0, 0, 0, 0] and waits[4:8] == [2, 4, 8, 16]
    assert max(waits) == 900 and signin.wait_for(10_000) == timedelta(minutes=15)


def test_an_unknown_name_costs_the_same_argon2_check(factory, clock, somsri, counted) -> None:
    assert _try(factory, clock, "nobody-at-all", "whatever-it-is", "192.0.2.1") == "wrong"
    assert _try(factory, clock, "somsri", "whatever-it-is", "192.0.2.1") == "wrong"
    assert counted.checks == 2


def test_a_waiting_address_computes_no_hash(factory, clock, somsri, counted) -> None:
    for _ in range(5):
        assert _try(factory, clock, "somsri", "wrong-password", "192.0.2.1") == "wrong"
    before = counted.checks
    assert _try(factory, clock, "somsri", "correct horse 1567", "192.0.2.1") == "wait 2"
    assert _try(factory, clock, "someone-else", "anything-at-all", "192.0.2.1") == "wait 2"
    assert counted.checks == before  # refused before any password was checked
    assert _try(factory, clock, "somsri", "correct horse 1567", "198.51.100.9") == "in"


def test_a_guessed_at_account_slows_only_the_addresses_that_failed_on_it(
    factory, clock, somsri
) -> None:
    for n in range(5):  # a botnet: one wrong guess from each of five addresses
        assert _try(factory, clock, "somsri", "guess", f"203.0.113.{n}") == "wrong"
    assert _try(factory, clock, "somsri", "guess", "203.0.113.0").startswith("wait")
    assert _try(factory, clock, "somsri", "correct horse 1567", "198.51.100.9") == "in"
    clock.advance(seconds=2)
    assert _try(factory, clock, "somsri", "guess", "203.0.113.1") == "wrong"


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("short-1", "อย่างน้อย 10"),
        ("1234567890", "มีผู้ใช้กันมาก"),
        ("QwertyUiop", "มีผู้ใช้กันมาก"),
        ("password123", "มีผู้ใช้กันมาก"),
    ],
)
def test_short_and_common_passwords_are_refused_everywhere(
    factory, clock, somsri, password: str, why: str
) -> None:
    with factory.begin() as session:
        with pytest.raises(ValidationFailed) as created:
            accounts.create_user(session, clock(), "new-one", password, "c5001", [])
        assert why in created.value.fields["password"][0]
        with pytest.raises(ValidationFailed) as changed:
            accounts.change_password(session, somsri, "correct horse 1567", password, password)
        assert why in changed.value.fields["new_password"][0]
        assert "Passwords need" in accounts.password_problem("short")[1]


def test_the_common_list_ships_with_its_source() -> None:
    assert len(accounts._common()) == 10_000
    source = accounts.COMMON_PASSWORDS.with_suffix(".md").read_text(encoding="utf-8")
    assert "zxcvbn" in source and "MIT" in source
    assert accounts.password_problem("ตะวันออก-เฉียงเหนือ-2569") is None
