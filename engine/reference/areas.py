"""DOPA areas (province 2 digits, district 4, subdistrict 6) from the geothai package.

Data: geothai (CC-BY-4.0). Only this module imports geothai, so a change of source stays here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

import geothai
from geothai.abolished import abolished_areas

CODE = re.compile(r"^[0-9]{2}(?:[0-9]{2}(?:[0-9]{2})?)?$")
# Codes typed on a Thai keyboard (or read off a form) often arrive in Thai digits.
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

Level = Literal["province", "district", "subdistrict"]


@dataclass(frozen=True)
class Area:
    """One current area with its Thai and English names."""

    code: str
    level: Level
    name_th: str
    name_en: str
    parent_code: str | None


class UnknownArea(ValueError):
    """An area code that is malformed, unknown, or abolished (with the codes that replaced it)."""

    def __init__(
        self, code: str, successors: tuple[str, ...] = (), *, abolished: bool | None = None
    ) -> None:
        self.code, self.successors = code, tuple(successors)
        self.abolished = bool(successors) if abolished is None else abolished
        if self.successors:
            th_codes, en_codes = " หรือ ".join(self.successors), " or ".join(self.successors)
            self.message_th = f"รหัสพื้นที่ {code} ถูกยกเลิกแล้ว ใช้ {th_codes} แทน"
            self.message_en = f"Area code {code} was abolished; use {en_codes} instead"
        elif self.abolished:
            self.message_th = f"รหัสพื้นที่ {code} ถูกยกเลิกแล้ว ไม่มีรหัสใดใช้แทนโดยตรง"
            self.message_en = f"Area code {code} was abolished and no single code replaced it"
        elif CODE.fullmatch(code):
            self.message_th = f"ไม่พบรหัสพื้นที่ {code}"
            self.message_en = f"There is no area with code {code}"
        else:
            self.message_th = "รหัสพื้นที่ต้องเป็นตัวเลข 2, 4 หรือ 6 หลัก"
            self.message_en = "An area code has 2, 4 or 6 digits"
        super().__init__(f"{self.message_th} ({self.message_en})")


@cache
def _areas() -> tuple[Area, ...]:
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
    return {a.code: a for a in _areas()}


@cache
def _by_parent() -> dict[str | None, tuple[Area, ...]]:
    grouped: dict[str | None, list[Area]] = {}
    for a in _areas():
        grouped.setdefault(a.parent_code, []).append(a)
    return {k: tuple(sorted(v, key=lambda a: a.code)) for k, v in grouped.items()}


@cache
def _abolished() -> dict[str, tuple[str, ...]]:
    return {a.code: tuple(a.successors) for a in abolished_areas()}


def all_areas() -> list[Area]:
    """Every current province, district and subdistrict (8,441 rows), each after its parent."""
    return list(_areas())


def get_area(code: str) -> Area | None:
    """The current area with this code, or None."""
    return _by_code().get(code)


def children(parent_code: str | None) -> list[Area]:
    """Areas directly under a code, ordered by code (the provinces for None)."""
    return list(_by_parent().get(parent_code, ()))


def abolished_successors(code: str) -> tuple[str, ...] | None:
    """The codes that replaced an abolished area (maybe none), or None if it was not abolished."""
    return _abolished().get(code)


def _canonical(code: object) -> str:
    return code.strip().translate(_THAI_DIGITS) if isinstance(code, str) else ""


def check_area_code(code: str) -> str:
    """The canonical current code, or UnknownArea saying what is wrong (and any successors)."""
    text = _canonical(code)
    if text in _by_code():
        return text
    successors = abolished_successors(text)
    if successors is not None:
        raise UnknownArea(text, successors, abolished=True)
    raise UnknownArea(text if CODE.fullmatch(text) else str(code))


def province_of(code: str) -> str:
    """The province code of any well-formed area code, current or abolished."""
    text = _canonical(code)
    if not CODE.fullmatch(text):
        raise UnknownArea(str(code))
    return text[:2]
