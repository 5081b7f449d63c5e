"""Citizen secrets and API tokens are stored hashed; tracking links are signed and expire."""

from __future__ import annotations

import re

import pytest

from engine.access.secrets import (
    ALPHABET,
    hash_secret,
    hash_token,
    make_tracking_token,
    new_api_token,
    new_citizen_secret,
    read_tracking_token,
    verify_secret,
)
from engine.cases.codes import new_tracking_code

KEY = b"k" * 32


# --- Citizen secrets ---


def test_secret_is_eight_readable_characters() -> None:
    secrets_ = {new_citizen_secret() for _ in range(500)}
    assert len(secrets_) == 500
    assert all(len(s) == 8 and set(s) <= set(ALPHABET) for s in secrets_)


def test_secret_is_stored_only_as_a_salted_scrypt_hash() -> None:
    secret = new_citizen_secret()
    hashed = hash_secret(secret)
    assert re.fullmatch(r"scrypt\$1024\$8\$1\$[\w-]{22}\$[\w-]{43}", hashed)
    assert secret not in hashed and hash_secret(secret) != hashed
    assert verify_secret(secret, hashed)
    assert verify_secret(secret.lower()[:4] + "-" + secret[4:], hashed)  # typed loosely
    assert not verify_secret(secret[::-1] if secret != secret[::-1] else "X" + secret, hashed)
    assert not verify_secret("", hashed)


def test_secret_typed_with_look_alike_letters_verifies() -> None:
    hashed = hash_secret("A0B1C1D0")
    assert verify_secret("aob-ic-ldo", hashed)


@pytest.mark.parametrize(
    "hashed",
    [
        "",
        "scrypt$4096$8$1$salt",
        "bcrypt$4096$8$1$AAAA$AAAA",
        "scrypt$4095$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAA",
        "scrypt$1048577$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAA",
        "scrypt$x$8$1$AAAA$AAAA",
        "scrypt$4096$8$1$!!!!$????",
    ],
)
def test_malformed_hash_never_verifies(hashed: str) -> None:
    assert not verify_secret("ABCDEFGH", hashed)


def test_tampered_hash_does_not_verify() -> None:
    hashed = hash_secret("ABCDEFGH")
    head, digest = hashed.rsplit("$", 1)
    flipped = ("B" if digest[0] == "A" else "A") + digest[1:]
    assert not verify_secret("ABCDEFGH", f"{head}${flipped}")


# --- Signed tracking links ---


def test_token_round_trip_is_url_safe() -> None:
    code = new_tracking_code()
    token = make_tracking_token(code, KEY, issued_at=1_800_000_000)
    assert re.fullmatch(r"[A-Za-z0-9_.-]+", token) and len(token) < 50
    assert read_tracking_token(token, KEY, now=1_800_000_100, max_age_s=3600) == code


def test_token_tampering_and_expiry_are_rejected() -> None:
    code = new_tracking_code()
    token = make_tracking_token(code, KEY, issued_at=1_800_000_000)
    body, issued, mac = token.split(".")
    other = new_tracking_code().replace("-", "")
    for forged in (
        f"{other}.{issued}.{mac}",
        f"{body}.{int(issued) + 1}.{mac}",
        f"{body}.{issued}.{mac[:-2]}AA" if not mac.endswith("AA") else f"{body}.{issued}.BB",
        f"{body}.{issued}",
        f"{body}.{issued}.{mac}.x",
        f"{body}.{'9' * 5000}.{mac}",
        f"{body}.{issued}.{mac}é",
        "",
    ):
        assert read_tracking_token(forged, KEY, now=1_800_000_100, max_age_s=3600) is None
    assert read_tracking_token(token, b"x" * 32, now=1_800_000_100, max_age_s=3600) is None
    assert read_tracking_token(token, KEY, now=1_800_003_601, max_age_s=3600) is None
    assert read_tracking_token(token, KEY, now=1_800_003_600, max_age_s=3600) == code
    assert read_tracking_token(token, KEY, now=1_799_999_000, max_age_s=3600) is None  # future


def test_token_needs_a_real_tracking_code() -> None:
    with pytest.raises(ValueError):
        make_tracking_token("0000-0000-013", KEY, issued_at=0)


# --- API tokens ---


def test_api_tokens_are_random_and_hashed_without_salt() -> None:
    token = new_api_token()
    assert token.startswith("dmr_") and len(token) == 4 + 43 and new_api_token() != token
    assert re.fullmatch(r"[0-9a-f]{64}", hash_token(token))
    assert hash_token(token) == hash_token(token) != hash_token(new_api_token())
