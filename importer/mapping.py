"""Source columns to Damrong's intake fields: the mapping, and dates, yes/no and areas read.

Mapping (a JSON or TOML file, and/or `field=column` pairs): Damrong's intake field on the left,
the source's column on the right. A file may be flat (`{"title": "เรื่อง"}`) or have sections:
`columns` (the same), `values` (per field, source value -> Damrong value, e.g. categories or
channels) and `defaults` (per field, a value for rows that leave it empty).
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from engine.errors import ValidationFailed
from engine.formcheck import check_form
from engine.reference import areas

FIELDS = (
    "external_id",
    "title",
    "description",
    "category",
    "area_code",
    "address_text",
    "channel",
    "occurred_on",
    "complainant.name",
    "complainant.phone",
    "complainant.email",
    "complainant.national_id",
    "anonymous",
    "confidential",
    "consent",
)
# The intake schema has no "import" channel: rows that name none were most often letters
# forwarded between offices; the source system is recorded in the "imported" audit event.
DEFAULT_CHANNEL = "letter"
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_TRUE = {"1", "true", "t", "yes", "y", "x", "ใช่", "จริง", "ปกปิด", "ไม่ประสงค์ออกนาม"}
_FALSE = {"0", "false", "f", "no", "n", "ไม่", "ไม่ใช่", "เปิดเผย"}
_THAI_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("มกราคม", "ม.ค."),
            ("กุมภาพันธ์", "ก.พ."),
            ("มีนาคม", "มี.ค."),
            ("เมษายน", "เม.ย."),
            ("พฤษภาคม", "พ.ค."),
            ("มิถุนายน", "มิ.ย."),
            ("กรกฎาคม", "ก.ค."),
            ("สิงหาคม", "ส.ค."),
            ("กันยายน", "ก.ย."),
            ("ตุลาคม", "ต.ค."),
            ("พฤศจิกายน", "พ.ย."),
            ("ธันวาคม", "ธ.ค."),
        ],
        start=1,
    )
    for name in names
}
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_THAI_TEXT_DATE = re.compile(r"^(\d{1,2})\s*(\S+?)\s*(?:พ\.ศ\.\s*)?(\d{4})$")


@dataclass(frozen=True)
class ColumnMap:
    """Which source column feeds each intake field, value translations and defaults."""

    columns: dict[str, str]
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)


def load_mapping(path: str | Path | None = None, pairs: Iterable[str] = ()) -> ColumnMap:
    """The mapping from a JSON/TOML file and `field=column` pairs (pairs win); unmapped fields
    are read from a column of the same name."""
    raw: dict = {}
    if path is not None:
        text = Path(path).read_text(encoding="utf-8-sig")
        raw = tomllib.loads(text) if str(path).endswith(".toml") else json.loads(text)
        if not isinstance(raw, dict):
            raise ValidationFailed.one(
                "mapping", "ไฟล์จับคู่คอลัมน์ต้องเป็นออบเจ็กต์", "The mapping file must be an object."
            )
    sections = {"columns", "values", "defaults"}
    columns = dict(raw.get("columns", {}) if sections & raw.keys() else raw)
    for pair in pairs:
        name, sep, column = pair.partition("=")
        if not sep:
            raise ValidationFailed.one(
                "mapping",
                f"การจับคู่ «{pair}» ต้องอยู่ในรูป ฟิลด์=คอลัมน์",
                f"The mapping «{pair}» must read field=column.",
            )
        columns[name.strip()] = column.strip()
    unknown = sorted(set(columns) - set(FIELDS))
    if unknown:
        raise ValidationFailed.one(
            "mapping",
            f"ไม่รู้จักฟิลด์ {', '.join(unknown)} (ใช้ได้: {', '.join(FIELDS)})",
            f"Unknown field(s) {', '.join(unknown)} (known: {', '.join(FIELDS)}).",
        )
    for name in FIELDS:
        columns.setdefault(name, name)
    values = {k: {str(a): str(b) for a, b in v.items()} for k, v in raw.get("values", {}).items()}
    defaults = {k: str(v) for k, v in raw.get("defaults", {}).items()}
    return ColumnMap(columns, values, defaults)


def parse_date(text: str) -> str:
    """An ISO date from 15/11/2569, 2569-11-15, 2026-11-15 or 15 พ.ย. 2569 (BE years convert)."""
    value = text.strip().translate(_THAI_DIGITS)
    day = month = year = None
    if m := _DMY.match(value):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    elif m := _YMD.match(value):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif (m := _THAI_TEXT_DATE.match(value)) and m[2] in _THAI_MONTHS:
        day, month, year = int(m[1]), _THAI_MONTHS[m[2]], int(m[3])
    try:
        if year is None:
            raise ValueError(value)
        # Buddhist Era years are 543 ahead; no complaint dates from before 1900 CE (2443 BE).
        return date(year - 543 if year > 2400 else year, month, day).isoformat()
    except ValueError:
        raise ValidationFailed.one(
            "occurred_on",
            f"วันที่ «{text}» ไม่ถูกต้อง (ใช้ วว/ดด/ปปปป พ.ศ. หรือ ปปปป-ดด-วว)",
            f"The date «{text}» is not valid (use dd/mm/yyyy BE or yyyy-mm-dd).",
        ) from None


def _parse_bool(name: str, text: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValidationFailed.one(
        name, f"ค่า «{text}» ต้องเป็น ใช่ หรือ ไม่", f"The value «{text}» must be yes or no."
    )


def _area(text: str) -> tuple[str, str | None]:
    """The current code, and the abolished one it replaced (if any)."""
    try:
        return areas.check_area_code(text), None
    except areas.UnknownArea as exc:
        if len(exc.successors) == 1:
            return exc.successors[0], exc.code
        raise ValidationFailed.one("area_code", exc.message_th, exc.message_en) from exc


def to_intake(row: Mapping[str, str], mapping: ColumnMap) -> tuple[dict, str | None]:
    """The intake data of one source row, and the abolished area code it replaced (if any)."""
    plain: dict[str, str] = {}
    for name in FIELDS:
        raw = row.get(mapping.columns[name])
        value = raw.strip() if isinstance(raw, str) else ""
        if not value:
            value = mapping.defaults.get(name, "")
        value = mapping.values.get(name, {}).get(value, value)
        if value:
            plain[name] = value
    data: dict = {
        "channel": plain.get("channel", DEFAULT_CHANNEL),
        # The source system took the complainant's consent when the complaint was filed.
        "consent": _parse_bool("consent", plain["consent"]) if "consent" in plain else True,
    }
    for name in ("title", "description", "category", "address_text"):
        if name in plain:
            data[name] = plain[name]
    errors: dict[str, tuple[str, str]] = {}
    replaced = None
    if "area_code" in plain:
        try:
            data["area_code"], replaced = _area(plain["area_code"])
        except ValidationFailed as exc:
            errors.update(exc.fields)
    if "occurred_on" in plain:
        try:
            data["occurred_on"] = parse_date(plain["occurred_on"])
        except ValidationFailed as exc:
            errors.update(exc.fields)
    for name in ("anonymous", "confidential"):
        if name in plain:
            try:
                data[name] = _parse_bool(name, plain[name])
            except ValidationFailed as exc:
                errors.update(exc.fields)
    person = {
        name.removeprefix("complainant."): value
        for name, value in plain.items()
        if name.startswith("complainant.")
    }
    if "national_id" in person:
        person["national_id"] = re.sub(r"[\s-]", "", person["national_id"].translate(_THAI_DIGITS))
    if person:
        data["complainant"] = person
    if errors:
        # Report every fault of the row at once: the intake form's own checks on the rest.
        try:
            check_form("intake", data, {"channel": data["channel"]})
        except ValidationFailed as exc:
            errors = {**exc.fields, **errors}
        raise ValidationFailed(errors)
    return data, replaced
