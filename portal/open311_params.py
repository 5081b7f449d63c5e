"""Parsing Open311 parameters: the POST requests form, the GET requests filters, `lang`."""

from __future__ import annotations

import math
import re
from datetime import datetime
from urllib.parse import urlsplit

from flask import request
from werkzeug.exceptions import HTTPException

from engine import errors
from open311 import intake, records
from portal import geo, uploads


def lang() -> str | None:
    """`lang=th` or `lang=en` picks one language; without it data is Thai, errors bilingual."""
    wanted = request.args.get("lang", "")
    if not wanted and request.method == "POST":
        try:
            wanted = request.form.get("lang", "")
        except HTTPException:  # a body too large to read still gets its error described
            wanted = ""
    return wanted if wanted in ("th", "en") else None


def data_lang() -> str:
    """The language of the data: `lang` if given, else Thai."""
    return lang() or "th"


def _bad(field: str, th: str, en: str) -> errors.ValidationFailed:
    return errors.ValidationFailed.one(field, th, en)


def _number(name: str) -> float | None:
    raw = request.values.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise _bad(name, f"«{name}» ต้องเป็นตัวเลข", f"«{name}» must be a number.")
    return value


def _location() -> tuple[str | None, float | None, float | None]:
    """(area code, lat, long): address_id wins; else the province the point falls in."""
    lat, lon = _number("lat"), _number("long")
    if (lat is None) != (lon is None):
        raise _bad("lat", "ต้องส่ง lat และ long คู่กัน", "Send lat and long together.")
    province = None
    if lat is not None and lon is not None:
        province = geo.province_at(lat, lon)
        if province is None:
            raise _bad(
                "lat",
                f"พิกัด {lat}, {lon} อยู่นอกประเทศไทย",
                f"The point {lat}, {lon} is outside Thailand.",
            )
    address_id = request.values.get("address_id", "").strip()
    if address_id:
        return intake.check_address_id(address_id), lat, lon
    return (province.code if province else None), lat, lon


def _attributes() -> dict[str, str]:
    found = {}
    for key, value in request.values.items(multi=True):
        match = re.fullmatch(r"attribute\[([A-Za-z0-9_]+)\](?:\[\])?", key)
        if match:
            found[match.group(1)] = value
    return found


def _media_url() -> str | None:
    url = request.values.get("media_url", "").strip()
    if not url:
        return None
    if len(url) > 1000 or urlsplit(url).scheme not in ("http", "https"):
        raise _bad(
            "media_url",
            "media_url ต้องเป็นที่อยู่ http(s) ยาวไม่เกิน 1,000 ตัวอักษร",
            "media_url must be an http(s) URL of at most 1,000 characters.",
        )
    return url


def media_files() -> list[uploads.CleanFile]:
    """Photos or documents sent as multipart `media` parts, checked by content and re-encoded
    exactly as the portal's (no GPS position kept); a refused file names itself."""
    raw = [(f.filename or "", f.read()) for f in request.files.getlist("media")]
    try:
        return uploads.clean_files(raw)
    except uploads.Refused as exc:
        raise _bad("media", exc.message_th, exc.message_en) from exc


def submission() -> intake.Submission:
    area_code, lat, lon = _location()
    values = request.values
    if not values.get("service_code", "").strip():
        raise _bad("service_code", "ต้องระบุ service_code", "service_code is required.")
    for name, limit in (("address_string", 500), ("first_name", 100), ("last_name", 100)):
        if len(values.get(name, "")) > limit:
            raise _bad(
                name, f"«{name}» ยาวเกิน {limit} ตัวอักษร", f"«{name}» is over {limit} characters."
            )
    return intake.Submission(
        service_code=values.get("service_code", "").strip(),
        description=values.get("description", ""),
        area_code=area_code,
        lat=lat,
        lon=lon,
        address_string=values.get("address_string"),
        first_name=values.get("first_name"),
        last_name=values.get("last_name"),
        email=values.get("email"),
        phone=values.get("phone"),
        media_url=_media_url(),
        attributes=_attributes(),
        language=data_lang(),
    )


def _csv(name: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in request.args.get(name, "").split(",") if p.strip())


def _instant(name: str) -> datetime | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise _bad(
            name,
            f"«{name}» ต้องเป็นวันเวลาแบบ ISO 8601 เช่น 2026-11-01T00:00:00+07:00",
            f"«{name}» must be an ISO 8601 date-time such as 2026-11-01T00:00:00+07:00.",
        ) from exc
    return value if value.tzinfo else value.replace(tzinfo=records.BANGKOK)


def query() -> records.RequestQuery:
    ids = _csv("service_request_id")
    if any(not re.fullmatch(r"\d{1,18}", i) for i in ids):
        raise _bad(
            "service_request_id",
            "service_request_id ต้องเป็นตัวเลข คั่นด้วยจุลภาค",
            "service_request_id must be numbers separated by commas.",
        )
    statuses = _csv("status")
    if any(s not in ("open", "closed") for s in statuses):
        raise _bad("status", "status ต้องเป็น open หรือ closed", "status must be open or closed.")
    return records.RequestQuery(
        ids=tuple(int(i) for i in ids),
        service_codes=_csv("service_code"),
        statuses=statuses,
        start=_instant("start_date"),
        end=_instant("end_date"),
    )
