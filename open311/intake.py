"""Open311 GeoReport v2 in engine terms: filing a request (partner keys: open311/keys.py).

The web edge (portal/open311.py) parses parameters and renders JSON or XML; everything that
decides — who may file, where a request goes, what the public may read — lives here.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.orm import Session

from engine.cases.intake import open_case
from engine.clock import Clock
from engine.errors import NotFound, ValidationFailed
from engine.models import Category
from engine.reference import areas
from open311.keys import key_actor
from open311.models import Open311Key, Open311Request

DEFAULT_SPAN = timedelta(days=90)  # the spec's default and longest date range
MAX_RESULTS = 1000


@dataclass
class Submission:
    """A POST requests, parsed; the edge has already turned lat/long into a province code."""

    service_code: str
    description: str
    area_code: str | None = None
    lat: float | None = None
    lon: float | None = None
    address_string: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    media_url: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    language: str = "th"


def check_service(session: Session, code: str) -> Category:
    """The active category this service code names, or NotFound."""
    category = session.get(Category, code) if code else None
    if category is None or not category.active:
        raise NotFound(
            f"There is no service with code «{code}».", f"ไม่พบบริการ (ประเภทเรื่อง) รหัส «{code}»"
        )
    return category


def check_address_id(code: str) -> str:
    """A current DOPA subdistrict code; abolished codes name the codes that replaced them."""
    try:
        current = areas.check_area_code(code)
    except areas.UnknownArea as exc:
        raise ValidationFailed.one("address_id", exc.message_th, exc.message_en) from exc
    if len(current) != 6:
        raise ValidationFailed.one(
            "address_id",
            "address_id ต้องเป็นรหัสตำบล 6 หลักของกรมการปกครอง",
            "address_id must be a 6-digit DOPA subdistrict code.",
        )
    return current


_PROVINCE_PREFIX = re.compile(r"^(?:จังหวัด|จ\.)")


def province_named_in(text: str) -> str | None:
    """The province an address names as a whole word ("จ.เชียงใหม่", "จังหวัดน่าน 55000",
    "ลำพูน", "กรุงเทพฯ", "Chiang Mai"); None when it names none."""
    if re.search(r"กรุงเทพ|กทม|bangkok", text, re.IGNORECASE):
        return "10"
    by_name = {p.name_th: p.code for p in areas.children(None)}
    for token in re.split(r"[\s,()]+", text):
        name = _PROVINCE_PREFIX.sub("", token).rstrip("0123456789")
        if name in by_name:
            return by_name[name]
    lowered = f" {re.sub(r'[^a-z]+', ' ', text.lower())} "
    for province in sorted(areas.children(None), key=lambda p: -len(p.name_en)):
        if f" {province.name_en.lower()} " in lowered:
            return province.code
    return None


def _phone(raw: str | None) -> str | None:
    digits = re.sub(r"[\s\-().]", "", raw or "")
    if digits.startswith("+66"):
        digits = "0" + digits[3:]
    return digits or None


def _flag(attributes: dict[str, str], name: str) -> bool:
    return attributes.get(name, "").strip().lower() in {"true", "1", "yes"}


def _title(description: str, given: str | None) -> str:
    if given and given.strip():
        return given.strip()
    text = " ".join(description.split())
    return text if len(text) <= 80 else text[:79] + "…"


def intake_data(sub: Submission, area_code: str | None) -> dict:
    """The intake form's data for a submission (the form then checks every field)."""
    attrs = sub.attributes
    name = " ".join(p.strip() for p in (sub.first_name, sub.last_name) if p and p.strip())
    person = {
        "name": name or None,
        "phone": _phone(sub.phone),
        "email": (sub.email or "").strip() or None,
        "preferred_language": sub.language,
    }
    data: dict = {
        "title": _title(sub.description, attrs.get("title")),
        "description": sub.description,
        "category": sub.service_code,
        "area_code": area_code,
        "channel": "open311",
        "consent": _flag(attrs, "consent") or None,
        "anonymous": _flag(attrs, "anonymous"),
        "confidential": _flag(attrs, "confidential"),
        "publish": _flag(attrs, "publish"),
        "complainant": {k: v for k, v in person.items() if v},
    }
    optional = {
        "address_text": (sub.address_string or "").strip() or None,
        "lat": sub.lat,
        "lon": sub.lon,
        "occurred_on": attrs.get("occurred_on") or None,
    }
    data.update({k: v for k, v in optional.items() if v is not None})
    return {k: v for k, v in data.items() if v is not None}


def submit(session: Session, clock: Clock, key: Open311Key, sub: Submission) -> Open311Request:
    """File a request as a new case (channel open311) at the center its location points to.

    An address_string alone goes to the center of the province it names; one that names none
    goes to the central center, whose screener reads the text and sets the area."""
    try:
        check_service(session, sub.service_code)
    except NotFound as exc:  # a bad parameter of a POST is a 400, as the spec has it
        raise ValidationFailed.one("service_code", exc.message_th, exc.message_en) from exc
    area_code = sub.area_code
    words_only = area_code is None and bool((sub.address_string or "").strip())
    if words_only:
        area_code = province_named_in(sub.address_string or "")
    if area_code is None and not words_only:
        raise ValidationFailed.one(
            "location",
            "ต้องระบุสถานที่: lat และ long, address_string หรือ address_id",
            "A location is required: lat and long, address_string, or address_id.",
        )
    opened = open_case(
        session,
        clock,
        key_actor(key),
        intake_data(sub, area_code),
        area_unknown=area_code is None,
    )
    row = Open311Request(
        case_id=opened.case.id,
        key_id=key.id,
        token=secrets.token_urlsafe(16),
        media_url=sub.media_url,
        created_at=clock(),
    )
    session.add(row)
    session.flush()
    return row
