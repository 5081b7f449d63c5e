"""Which province an Open311 address_string names, when it comes without coordinates."""

from __future__ import annotations

import pytest

from open311.intake import province_named_in


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("12/3 ถ.นิมมานเหมินท์ ต.สุเทพ อ.เมือง จ.เชียงใหม่", "50"),
        ("บ้านเลขที่ 5 ต.ในเมือง อ.เมือง จังหวัด น่าน", "55"),
        ("หมู่ 2 ลำพูน 51000", "51"),
        ("ตลาดนัด อ.ตากใบ นราธิวาส", "96"),  # ตากใบ is a district, not Tak province
        ("ซอยรามคำแหง 24 กทม.", "10"),
        ("Nimman Rd, Chiang Mai 50200", "50"),
        ("Mueang Chiang Rai", "57"),
    ],
)
def test_a_named_province_is_found(text, code):
    assert province_named_in(text) == code


@pytest.mark.parametrize("text", ["หน้าตลาด", "อ.ตากใบ", "ถนนไม่ดีเลย", "Main Street"])
def test_no_province_is_guessed_from_words_inside_other_words(text):
    assert province_named_in(text) is None
