"""The agency contact directory: every center and agency, and the government hotlines.

Seeded from the org units (engine/reference/seed/orgunits.json and the generated centers)
and engine/reference/seed/directory.json (hotlines, addresses, office hours); administrators
edit the rows afterwards. Search is by substring, which suits Thai (no spaces between words):
a name, an area's name, or any part of a phone number; areas are DOPA codes, abolished ones
mapped to their successors.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from engine.errors import ValidationFailed
from engine.models import DirectoryEntry, OrgUnit
from engine.reference import areas

SEED = Path(__file__).parent / "seed" / "directory.json"
KINDS = ("center", "agency", "hotline")
CENTER_KINDS = {"central", "provincial_center", "district_center"}
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
PHONE_LIKE = re.compile(r"[+(]?[0-9๐-๙][0-9๐-๙\-. ()]*")


def _digits(text: str | None) -> str:
    return re.sub(r"\D", "", (text or "").translate(_THAI_DIGITS))


def _search_text(*parts: str | None) -> str:
    words = [p for p in parts if p]
    digits = [_digits(p) for p in parts if p and _digits(p)]
    return " | ".join(words + digits).lower()


def refresh_entry(entry: DirectoryEntry) -> None:
    """Recompute an edited entry's area label and search text (the admin calls this)."""
    area_th, area_en = _area_names(entry.area_code)
    entry.area_name_th = area_th
    entry.search_text = _search_text(
        entry.name_th,
        entry.name_en,
        area_th,
        area_en,
        entry.address_th,
        entry.phone,
        entry.hotline,
        entry.email,
    )


def _area_names(code: str | None) -> tuple[str | None, str | None]:
    """A Thai label for the area served ("อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่") and its English."""
    area = areas.get_area(code) if code else None
    if area is None:
        return None, None
    if area.level == "province":
        return f"จังหวัด{area.name_th}", area.name_en
    province = areas.get_area(area.code[:2])
    prefix = "" if area.name_th.startswith("เขต") else "อำเภอ"
    return (
        f"{prefix}{area.name_th} จังหวัด{province.name_th if province else ''}",
        f"{area.name_en}, {province.name_en if province else ''}",
    )


def _center_address(unit: OrgUnit) -> str | None:
    area = areas.get_area(unit.area_code) if unit.area_code else None
    if area is None:
        return None
    if area.code == "10":
        return "ศาลาว่าการกรุงเทพมหานคร เขตพระนคร กรุงเทพฯ"
    if area.level == "province":
        return f"ศาลากลางจังหวัด{area.name_th}"
    province = areas.get_area(area.code[:2])
    if area.code.startswith("10"):
        return f"สำนักงาน{area.name_th} กรุงเทพฯ"
    return f"ที่ว่าการอำเภอ{area.name_th} จังหวัด{province.name_th if province else ''}"


def load_directory(session: Session) -> int:
    """Add a contact for every org unit and hotline that has none yet; returns how many."""
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    have = set(session.scalars(select(DirectoryEntry.key)))
    added = 0
    for unit in session.scalars(select(OrgUnit).where(OrgUnit.active.is_(True))):
        if unit.code in have:
            continue
        extra = seed["org_units"].get(unit.code, {})
        area_th, area_en = _area_names(unit.area_code)
        address = extra.get("address_th") or (
            _center_address(unit) if unit.kind in CENTER_KINDS else None
        )
        session.add(
            DirectoryEntry(
                key=unit.code,
                org_unit_id=unit.id,
                kind="center" if unit.kind in CENTER_KINDS else "agency",
                name_th=unit.name_th,
                name_en=unit.name_en,
                address_th=address,
                phone=unit.phone,
                hotline=unit.hotline,
                email=unit.email,
                website=extra.get("website"),
                office_hours_th=seed["office_hours_th"],
                office_hours_en=seed["office_hours_en"],
                area_code=unit.area_code,
                area_name_th=area_th,
                search_text=_search_text(
                    unit.name_th, unit.name_en, area_th, area_en, address, unit.phone, unit.hotline
                ),
                active=True,
            )
        )
        added += 1
    for line in seed["hotlines"]:
        key = f"hotline:{line['number']}"
        if key in have:
            continue
        session.add(
            DirectoryEntry(
                key=key,
                kind="hotline",
                name_th=line["name_th"],
                name_en=line["name_en"],
                hotline=line["number"],
                office_hours_th=line.get("hours_th", seed["office_hours_th"]),
                office_hours_en=line.get("hours_en", seed["office_hours_en"]),
                search_text=_search_text(line["name_th"], line["name_en"], line["number"]),
                active=True,
            )
        )
        added += 1
    session.flush()
    return added


@dataclass(frozen=True)
class DirectoryPage:
    """One page of search results, and the current codes an abolished area was mapped to."""

    items: list[DirectoryEntry]
    total: int
    area_codes: tuple[str, ...] = ()


def _served_codes(area: str) -> tuple[str, ...]:
    """The current codes for an area code; an abolished one gives its successors."""
    try:
        return (areas.check_area_code(area),)
    except areas.UnknownArea as exc:
        if exc.successors:
            return exc.successors
        raise ValidationFailed.one("area", exc.message_th, exc.message_en) from exc


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(
    session: Session,
    query: str | None = None,
    *,
    area: str | None = None,
    kind: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> DirectoryPage:
    """Contacts whose name, area or numbers contain the query, serving an area, by kind."""
    stmt = select(DirectoryEntry).where(DirectoryEntry.active.is_(True))
    if kind:
        if kind not in KINDS:
            raise ValidationFailed.one(
                "kind", "kind ต้องเป็น center, agency หรือ hotline", "kind: center|agency|hotline"
            )
        stmt = stmt.where(DirectoryEntry.kind == kind)
    codes: tuple[str, ...] = ()
    if area:
        codes = _served_codes(area.strip())
        # Served by: the centers of the area and of the areas above it, and nationwide bodies.
        prefixes = {c[:n] for c in codes for n in (2, 4, 6) if len(c) >= n}
        stmt = stmt.where(
            or_(DirectoryEntry.area_code.is_(None), DirectoryEntry.area_code.in_(prefixes))
        )
    for word in (query or "").lower().split():
        # A phone number matches however it is written: 02-123-4567, 021234567, ๑๕๖๗.
        needle = _digits(word) if PHONE_LIKE.fullmatch(word) else word
        stmt = stmt.where(DirectoryEntry.search_text.like(f"%{_escape_like(needle)}%", escape="\\"))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    order = (DirectoryEntry.kind != "hotline", DirectoryEntry.area_code.is_not(None))
    rows = session.scalars(
        stmt.order_by(*order, DirectoryEntry.area_code, DirectoryEntry.name_th)
        .limit(limit)
        .offset(offset)
    ).all()
    return DirectoryPage(list(rows), int(total), codes)


def entry_json(entry: DirectoryEntry, lang: str = "th") -> dict:
    """A contact as the public page and API show it."""
    return {
        "key": entry.key,
        "kind": entry.kind,
        "name": entry.name_th if lang == "th" else entry.name_en,
        "name_th": entry.name_th,
        "name_en": entry.name_en,
        "address": entry.address_th,
        "phone": entry.phone,
        "hotline": entry.hotline,
        "email": entry.email,
        "website": entry.website,
        "office_hours": entry.office_hours_th if lang == "th" else entry.office_hours_en,
        "area_code": entry.area_code,
        "area_name": entry.area_name_th,
    }
