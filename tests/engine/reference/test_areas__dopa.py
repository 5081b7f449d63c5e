"""DOPA areas from geothai, abolished codes, and the org-unit and category seeds that use them."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from engine.reference import areas
from engine.reference.areas import (
    Area,
    UnknownArea,
    abolished_successors,
    all_areas,
    check_area_code,
    children,
    get_area,
    province_of,
)

SEED = Path(areas.__file__).parent / "seed"
CODE = re.compile(r"^[a-z0-9_-]{2,32}$")


def seed(name: str) -> list[dict]:
    """One seed file's rows."""
    return json.loads((SEED / name).read_text(encoding="utf-8"))


def test_counts_match_dopa() -> None:
    levels = Counter(a.level for a in all_areas())
    assert levels == {"province": 77, "district": 928, "subdistrict": 7436}
    assert len(all_areas()) == 8441
    assert len({a.code for a in all_areas()}) == 8441


def test_codes_have_the_length_of_their_level_and_point_at_their_parent() -> None:
    width = {"province": 2, "district": 4, "subdistrict": 6}
    for a in all_areas():
        assert len(a.code) == width[a.level] and a.code.isdigit()
        assert a.parent_code == (None if a.level == "province" else a.code[:-2])
        assert a.name_th and a.name_en


def test_every_area_comes_after_its_parent_so_rows_load_in_order() -> None:
    seen: set[str] = set()
    for a in all_areas():
        assert a.parent_code is None or a.parent_code in seen
        seen.add(a.code)


@pytest.mark.parametrize(
    ("code", "level", "name_th", "name_en", "parent"),
    [
        ("10", "province", "กรุงเทพมหานคร", "Bangkok", None),
        ("50", "province", "เชียงใหม่", "Chiang Mai", None),
        ("1001", "district", "เขตพระนคร", "Phra Nakhon", "10"),
        ("1029", "district", "เขตบางซื่อ", "Bang Sue", "10"),
        ("5001", "district", "เมืองเชียงใหม่", "Mueang Chiang Mai", "50"),
        ("8401", "district", "เมืองสุราษฎร์ธานี", "Mueang Surat Thani", "84"),
        ("100101", "subdistrict", "พระบรมมหาราชวัง", "Phra Borom Maha Ratchawang", "1001"),
        ("500101", "subdistrict", "ศรีภูมิ", "Si Phum", "5001"),
    ],
)
def test_known_areas(code: str, level: str, name_th: str, name_en: str, parent: str | None) -> None:
    assert get_area(code) == Area(code, level, name_th, name_en, parent)


def test_unknown_codes_have_no_area() -> None:
    assert get_area("99") is None
    assert get_area("100205") is None  # abolished
    assert get_area("") is None


def test_children_are_ordered_by_code() -> None:
    provinces = children(None)
    assert len(provinces) == 77
    assert [p.code for p in provinces[:3]] == ["10", "11", "12"]
    assert provinces[-1].code == "96"
    bangkok = children("10")
    assert len(bangkok) == 50 and bangkok[0].name_th == "เขตพระนคร"
    codes = [s.code for s in children("1001")]
    assert codes == sorted(codes) and codes[0] == "100101"
    assert all(s.parent_code == "1001" and s.level == "subdistrict" for s in children("1001"))
    assert children("100101") == [] and children("99") == []


def test_children_returns_a_copy() -> None:
    children(None).clear()
    all_areas().clear()
    assert len(children(None)) == 77 and len(all_areas()) == 8441


def test_abolished_codes_map_to_their_successors() -> None:
    assert abolished_successors("100205") == ("102901",)  # แขวงบางซื่อ, now in เขตบางซื่อ
    assert abolished_successors("104701") == ("104702", "104703")  # บางนา split in two
    assert abolished_successors("1081") == ()  # abolished with no single successor
    assert abolished_successors("100101") is None  # still in use
    assert get_area("102901").name_th == "บางซื่อ"  # type: ignore[union-attr]


def test_check_area_code_returns_the_canonical_code() -> None:
    assert check_area_code("100101") == "100101"
    assert check_area_code(" 10 ") == "10"
    assert check_area_code("๑๐๐๑") == "1001"  # Thai digits


def test_an_abolished_code_names_its_replacement_in_thai_and_english() -> None:
    with pytest.raises(UnknownArea) as caught:
        check_area_code("100205")
    error = caught.value
    assert isinstance(error, ValueError)
    assert (error.code, error.successors, error.abolished) == ("100205", ("102901",), True)
    assert error.message_th == "รหัสพื้นที่ 100205 ถูกยกเลิกแล้ว ใช้ 102901 แทน"
    assert error.message_en == "Area code 100205 was abolished; use 102901 instead"
    assert error.message_th in str(error) and error.message_en in str(error)


def test_an_abolished_code_split_in_two_names_both() -> None:
    with pytest.raises(UnknownArea) as caught:
        check_area_code("104701")
    assert caught.value.message_th == "รหัสพื้นที่ 104701 ถูกยกเลิกแล้ว ใช้ 104702 หรือ 104703 แทน"
    assert caught.value.message_en == "Area code 104701 was abolished; use 104702 or 104703 instead"


def test_an_abolished_code_without_successor_still_says_abolished() -> None:
    with pytest.raises(UnknownArea) as caught:
        check_area_code("1081")
    assert caught.value.abolished and caught.value.successors == ()
    assert caught.value.message_th == "รหัสพื้นที่ 1081 ถูกยกเลิกแล้ว ไม่มีรหัสใดใช้แทนโดยตรง"


@pytest.mark.parametrize(
    ("code", "message_th"),
    [
        ("99", "ไม่พบรหัสพื้นที่ 99"),
        ("109999", "ไม่พบรหัสพื้นที่ 109999"),
        ("1a", "รหัสพื้นที่ต้องเป็นตัวเลข 2, 4 หรือ 6 หลัก"),
        ("100", "รหัสพื้นที่ต้องเป็นตัวเลข 2, 4 หรือ 6 หลัก"),
        ("", "รหัสพื้นที่ต้องเป็นตัวเลข 2, 4 หรือ 6 หลัก"),
    ],
)
def test_unknown_and_malformed_codes_are_refused(code: str, message_th: str) -> None:
    with pytest.raises(UnknownArea) as caught:
        check_area_code(code)
    assert caught.value.message_th == message_th
    assert not caught.value.abolished


def test_province_of_any_well_formed_code() -> None:
    assert province_of("100101") == "10"
    assert province_of("5001") == "50"
    assert province_of("100205") == "10"  # abolished codes still tell their province
    with pytest.raises(UnknownArea):
        province_of("x1")


def test_org_unit_seed_is_consistent() -> None:
    units = seed("orgunits.json")
    codes = [u["code"] for u in units]
    assert len(codes) == len(set(codes))
    assert all(CODE.fullmatch(c) for c in codes)
    by_code = {u["code"]: u for u in units}
    assert by_code["central"]["kind"] == "central" and by_code["central"]["hotline"] == "1567"
    assert by_code["central"]["name_th"] == "ศูนย์ดำรงธรรมกระทรวงมหาดไทย"
    assert by_code["rtp"]["hotline"] == "1599" and by_code["mpb"]["parent_code"] == "rtp"
    # Provincial and district centers are generated from the areas, never listed by hand.
    assert {u["kind"] for u in units} == {"central", "agency"}
    for u in units:
        assert set(u) == {
            "code", "kind", "name_th", "name_en", "parent_code", "area_code",
            "phone", "email", "hotline", "head_position_th", "head_position_en",
        }  # fmt: skip
        assert u["head_position_th"] and u["head_position_en"]  # whom letters are addressed to
        assert u["parent_code"] is None or u["parent_code"] in by_code
        assert u["area_code"] is None or check_area_code(u["area_code"]) == u["area_code"]
        assert not str(u["code"]).startswith("c") or u["code"] == "central"  # c<area> is taken


def test_category_seed_points_at_existing_agencies() -> None:
    agencies = {u["code"] for u in seed("orgunits.json") if u["kind"] == "agency"}
    categories = seed("categories.json")
    codes = [c["code"] for c in categories]
    assert len(codes) == len(set(codes))
    for c in categories:
        assert CODE.fullmatch(c["code"]), c["code"]
        assert c["default_agency"] is None or c["default_agency"] in agencies, c["code"]
        assert c["name_th"] and c["name_en"] and c["group"]
        assert isinstance(c["public"], bool) and isinstance(c["keywords"], list)
    by_code = {c["code"]: c for c in categories}
    assert by_code["corruption"]["public"] is False
    assert by_code["other"]["default_agency"] is None
