"""Case identity: tracking codes catch typing mistakes, secrets and tokens hold, IDs check out."""

from __future__ import annotations

import random
import re
from datetime import date

import pytest

from engine.access import identity
from engine.access.identity import (
    ALPHABET,
    buddhist_year,
    format_registration_number,
    hash_secret,
    hash_token,
    is_valid_national_id,
    is_valid_tracking_code,
    make_tracking_token,
    mask_email,
    mask_name,
    mask_national_id,
    mask_phone,
    new_api_token,
    new_citizen_secret,
    new_tracking_code,
    normalize_national_id,
    normalize_tracking_code,
    read_tracking_token,
    verify_secret,
)

CODE_FORMAT = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{3}")
KEY = b"k" * 32


def _sample_codes(count: int = 300) -> list[str]:
    return [new_tracking_code().replace("-", "") for _ in range(count)]


# --- Tracking codes ---


def test_new_codes_are_grouped_valid_and_distinct() -> None:
    codes = [new_tracking_code() for _ in range(2000)]
    assert all(CODE_FORMAT.fullmatch(code) for code in codes)
    assert all(is_valid_tracking_code(code) for code in codes)
    assert len(set(codes)) == len(codes)
    assert set("".join(codes).replace("-", "")) == set(ALPHABET)  # every symbol turns up


def test_known_check_characters() -> None:
    # Fixed vectors, so an accidental change of the algorithm cannot pass unnoticed.
    assert identity.check_character("0000000000") == "0"
    assert identity.check_character("0000000001") == "2"
    assert is_valid_tracking_code("0000-0000-012")
    assert not is_valid_tracking_code("0000-0000-013")


def test_every_single_substitution_is_caught() -> None:
    for code in _sample_codes():
        for position, original in enumerate(code):
            for replacement in ALPHABET.replace(original, ""):
                typo = code[:position] + replacement + code[position + 1 :]
                assert not is_valid_tracking_code(typo), (code, typo)


def test_every_adjacent_transposition_is_caught() -> None:
    checked = 0
    for code in _sample_codes():
        for i in range(len(code) - 1):  # the check character swaps too
            if code[i] != code[i + 1]:
                swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
                assert not is_valid_tracking_code(swapped), (code, swapped)
                checked += 1
    assert checked > 2500


def test_normalize_reads_codes_as_people_type_them() -> None:
    code = new_tracking_code()
    assert normalize_tracking_code(code.lower().replace("-", " ")) == code
    assert normalize_tracking_code(f" {code.replace('-', '')} ") == code
    assert normalize_tracking_code("0000–0000 012") == "0000-0000-012"  # an en dash
    assert normalize_tracking_code("oooo-iiii-LUu") == "0000-1111-1VV"
    assert normalize_tracking_code("๐๐๐๐๐๐๐๐๐๑๒") == "0000-0000-012"  # Thai digits
    assert normalize_tracking_code("ABC") == "ABC"  # the wrong size stays ungrouped
    assert is_valid_tracking_code("oooo oooo o12")


@pytest.mark.parametrize("text", ["", "0000-0000-01", "0000-0000-0122", "0000-0000-01*", None])
def test_malformed_codes_are_not_valid(text: str) -> None:
    assert not is_valid_tracking_code(text)


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


# --- Registration numbers ---


def test_registration_number_format() -> None:
    assert format_registration_number("1001", 42, 2569) == "1001-00042/2569"
    assert format_registration_number("c5001", 123456, 2570) == "c5001-123456/2570"
    with pytest.raises(ValueError):
        format_registration_number("1001", 0, 2569)
    assert buddhist_year(date(2026, 11, 22)) == 2569
    assert buddhist_year(date(2027, 1, 1)) == 2570


# --- Thai national IDs ---


def _with_check_digit(first12: str) -> str:
    # Written out independently of the module: weights 13..2, then (11 - sum mod 11) mod 10.
    total = sum(int(d) * w for d, w in zip(first12, range(13, 1, -1), strict=True))
    return first12 + str((11 - total % 11) % 10)


def test_generated_ids_validate_and_other_check_digits_do_not() -> None:
    rng = random.Random(2569)
    for _ in range(500):
        nid = _with_check_digit("".join(rng.choice("0123456789") for _ in range(12)))
        assert is_valid_national_id(nid)
        assert is_valid_national_id(f"{nid[0]}-{nid[1:5]}-{nid[5:10]}-{nid[10:12]}-{nid[12]}")
        for wrong in set("0123456789") - {nid[12]}:
            assert not is_valid_national_id(nid[:12] + wrong)


def test_known_national_id() -> None:
    # By hand: 1·13 + 1·12 + 0 + 1·10 + 7·9 + 0 + 0 + 2·6 + 0 + 3·4 + 4·3 + 5·2 = 144;
    # 144 mod 11 = 1; (11 - 1) mod 10 = 0.
    assert _with_check_digit("110170020345") == "1101700203450"
    assert is_valid_national_id("1 1017 00203 45 0")
    assert is_valid_national_id("๑๑๐๑๗๐๐๒๐๓๔๕๐")  # Thai digits
    assert not is_valid_national_id("1101700203451")


@pytest.mark.parametrize("text", ["", "110170020345", "11017002034500", "11017OO203450", "x" * 13])
def test_malformed_national_ids(text: str) -> None:
    assert not is_valid_national_id(text)


def test_normalize_and_mask_national_id() -> None:
    assert normalize_national_id(" 1-1017-00203-45-0 ") == "1101700203450"
    assert mask_national_id("1-1017-00203-45-0") == "x-xxxx-xxxxx-45-0"
    assert mask_national_id("12345") == "xxxxx"


# --- Masks for screens and exports ---


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("0812345678", "08x-xxx-5678"),
        ("081-234-5678", "08x-xxx-5678"),
        ("+66 81 234 5678", "08x-xxx-5678"),
        ("02-123-4567", "02-xxx-4567"),
        ("๐๘๑๒๓๔๕๖๗๘", "08x-xxx-5678"),
        ("1567", "xxxx"),
        ("", ""),
    ],
)
def test_mask_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


def test_mask_name_and_email() -> None:
    assert mask_name("สมหญิง รักงาน") == "ส*** ร***"
    assert mask_name("เกียรติ ใจดี") == "เก*** ใจ***"  # leading vowels keep their consonant
    assert mask_name("  John   Smith ") == "J*** S***"
    assert mask_name("") == ""
    assert mask_email("somchai.r@example.co.th") == "s***@example.co.th"
    assert mask_email("not-an-address") == "n***"
