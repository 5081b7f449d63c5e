"""Thai national IDs check out; names, phones and e-mails are masked for screens and exports."""

from __future__ import annotations

import random

import pytest

from engine.access.identity import (
    is_valid_national_id,
    mask_email,
    mask_name,
    mask_national_id,
    mask_phone,
    normalize_national_id,
)

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
