"""Tracking codes catch typing mistakes; registration numbers read as centers write them."""

from __future__ import annotations

import re
from datetime import date

import pytest

from engine.access.secrets import ALPHABET, check_character
from engine.cases.codes import (
    buddhist_year,
    format_registration_number,
    is_valid_tracking_code,
    new_tracking_code,
    normalize_tracking_code,
)

CODE_FORMAT = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{3}")


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
    assert check_character("0000000000") == "0"
    assert check_character("0000000001") == "2"
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


# --- Registration numbers ---


def test_registration_number_format() -> None:
    assert format_registration_number("1001", 42, 2569) == "1001-00042/2569"
    assert format_registration_number("c5001", 123456, 2570) == "c5001-123456/2570"
    with pytest.raises(ValueError):
        format_registration_number("1001", 0, 2569)
    assert buddhist_year(date(2026, 11, 22)) == 2569
    assert buddhist_year(date(2027, 1, 1)) == 2570
