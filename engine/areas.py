"""DOPA areas (province 2 digits, district 4, subdistrict 6) from the geothai package.

Data: geothai (CC-BY-4.0). Only this module imports geothai.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import geothai
from geothai.abolished import abolished_areas

CODE = re.compile(r"^[0-9]{2}([0-9]{2}([0-9]{2})?)?$")
LEVELS = {2: "province", 4: "district", 6: "subdistrict"}


@dataclass(frozen=True)
class Area:
    """One area with its Thai and English names."""

    code: str
    level: str
    name_th: str
    name_en: str
    parent_code: str | None


class UnknownArea(ValueError):
    """An area code that is malformed, unknown, or abolished (with its successors)."""

    def __init__(self, code: str, successors: tuple[str, ...] = ()) -> None:
        self.code, self.successors = code, successors
        if successors:
            joined = ", ".join(successors)
            self.message_th = f"รหัสพื้นที่ {code} ถูกยกเลิกแล้ว ใช้ {joined} แทน"
            self.message_en = f"Area code {code} was abolished; use {joined} instead."
        elif CODE.fullmatch(code or ""):
            self.message_th = f"ไม่พบรหัสพื้นที่ {code}"
            self.message_en = f"There is no area with code {code}."
        else:
            self.message_th = "รหัสพื้นที่ต้องเป็นตัวเลข 2, 4 หรือ 6 หลัก"
            self.message_en = "An area code has 2, 4 or 6 digits."
        super().__init__(self.message_en)


@cache
def all_areas() -> tuple[Area, ...]:
    """Every current province, district and subdistrict (8,441 rows)."""
    out: list[Area] = []
    for p in geothai.provinces():
        out.append(Area(p.code, "province", p.name_th, p.name_en, None))
        for d in geothai.districts(p.code):
            out.append(Area(d.code, "district", d.name_th, d.name_en, p.code))
            out.extend(
                Area(s.code, "subdistrict", s.name_th, s.name_en, d.code)
                for s in geothai.subdistricts(d.code)
            )
    return tuple(out)


@cache
def _by_code() -> dict[str, Area]:
    return {a.code: a for a in all_areas()}


@cache
def _abolished() -> dict[str, tuple[str, ...]]:
    return {a.code: tuple(a.successors) for a in abolished_areas()}


def get_area(code: str) -> Area | None:
    """The current area with a code, or None."""
    return _by_code().get(code)


def children(parent_code: str | None) -> list[Area]:
    """Areas directly under a code (provinces for None), by code."""
    return [a for a in all_areas() if a.parent_code == parent_code]


def abolished_successors(code: str) -> tuple[str, ...] | None:
    """The codes that replaced an abolished area, or None if it was not abolished."""
    return _abolished().get(code)


def check_area_code(code: str) -> str:
    """The canonical current code, or UnknownArea saying what is wrong (and any successor)."""
    text = (code or "").strip()
    if text in _by_code():
        return text
    raise UnknownArea(text, abolished_successors(text) or ())


def province_of(code: str) -> str:
    """The province part of any area code."""
    return code[:2]
