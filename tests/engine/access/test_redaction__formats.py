"""The identity filter finds a phone and a national ID however they are written (generated)."""

from __future__ import annotations

import pytest

from engine.access import numbers, redaction
from tests.engine.access.formats import (
    NAME,
    NID,
    PHONE,
    national_id_formats,
    phone_formats,
    text_with_every_format,
)

PROTECTING = redaction.Redactor(terms=[NAME, PHONE, NID], protect_identity=True)


@pytest.mark.parametrize("form", phone_formats())
def test_every_format_of_the_complainants_phone_is_hidden(form: str) -> None:
    clean = PROTECTING.text(f"ติดต่อ {form} ได้ทุกวัน")
    assert clean == f"ติดต่อ {redaction.MARK} ได้ทุกวัน"


@pytest.mark.parametrize("form", national_id_formats())
def test_every_format_of_the_complainants_national_id_is_hidden(form: str) -> None:
    clean = PROTECTING.text(f"บัตรประชาชน {form} ค่ะ")
    assert redaction.MARK in clean and not numbers.find(clean, [NID])


@pytest.mark.parametrize("form", national_id_formats())
def test_any_valid_national_id_is_masked_for_everyone(form: str) -> None:
    clean = redaction.Redactor().text(f"เลขบัตร {form}")
    assert clean == "เลขบัตร x-xxxx-xxxxx-45-3"


@pytest.mark.parametrize("form", phone_formats())
def test_the_officers_number_is_found_in_every_format(form: str) -> None:
    # Not confidential: only the number the officer redacted goes, in any of its formats.
    clean = redaction.Redactor(terms=["089 765 4321"]).text(f"โทร {form}")
    assert clean == f"โทร {redaction.MARK}"


def test_a_whole_text_with_every_format_keeps_nothing_of_the_complainant() -> None:
    clean = PROTECTING.text(text_with_every_format())
    assert not numbers.find(clean, [PHONE, NID])
    assert "สมหญิง" not in clean and "รักงาน" not in clean
    assert clean.count(redaction.MARK) >= len(phone_formats()) + len(national_id_formats())


@pytest.mark.parametrize(
    "text",
    [
        "วันที่ 12/11/2569 เวลา 10.30 น.",
        "ค่าจ้าง 15,000 บาท ค้าง 3 เดือน",
        "บ้านเลขที่ 45/2 หมู่ 7 ถนน 1234",
        "สายด่วน 1567",
        "1234567890123",  # 13 digits with a wrong check digit, not in the usual grouping
    ],
)
def test_dates_amounts_addresses_and_hotlines_are_left_alone(text: str) -> None:
    assert redaction.Redactor(protect_identity=True).text(text.replace("1234567890123", "")) == (
        text.replace("1234567890123", "")
    )
    assert not [n for n in numbers.find(text) if n.kind == "phone"]


def test_a_wrong_check_digit_in_odd_grouping_is_not_an_id_but_the_plain_form_is_masked() -> None:
    wrong = NID[:12] + str((int(NID[12]) + 1) % 10)
    assert not numbers.find(f"{wrong[:3]} {wrong[3:8]} {wrong[8:]}")
    assert redaction.Redactor().text(wrong) == f"x-xxxx-xxxxx-{wrong[10:12]}-{wrong[12]}"


def test_hostile_input_is_only_text() -> None:
    for text in ("\x00" * 50, "(" * 5000 + "0" * 5000, "๐" * 10_000, "+" * 3000 + "66"):
        assert isinstance(redaction.Redactor(protect_identity=True).text(text), str)
