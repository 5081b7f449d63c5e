"""Open311 GeoReport v2 at /open311/v2/, in JSON and XML, per the published specification.

http://wiki.open311.org/GeoReport_v2 — GET endpoints are open to anyone and show redacted
records; POST requests needs an `api_key`. Errors are a list of {code, description}.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from xml.etree import ElementTree

from flask import Blueprint, Response, current_app, json, request
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from engine import errors, open311, open311_records, throttle
from engine.db import translate_db_errors
from engine.models import Case, Open311Key
from portal import geo

blueprint = Blueprint("open311", __name__, url_prefix="/open311/v2")

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-29T00:00:00+07:00"  # when this endpoint's behaviour last changed
JURISDICTION = "damrongdhamma"
READS_PER_MINUTE = 120  # per address, for the keyless GET endpoints
STATUS_BY_ERROR: list[tuple[type[errors.DamrongError], int]] = [
    (errors.NotFound, 404),
    (errors.PermissionDenied, 403),
    (errors.Unauthenticated, 403),
    (errors.RateLimited, 429),
    (errors.TooLarge, 413),
]


class BadFormat(errors.NotFound):
    """Only .json and .xml exist."""


def _services():  # type: ignore[no-untyped-def]
    return current_app.extensions["damrong"]


def _lang() -> str | None:
    """`lang=th` or `lang=en` picks one language; without it data is Thai, errors bilingual."""
    wanted = request.args.get("lang", "")
    if not wanted and request.method == "POST":
        try:
            wanted = request.form.get("lang", "")
        except HTTPException:  # a body too large to read still gets its error described
            wanted = ""
    return wanted if wanted in ("th", "en") else None


def _data_lang() -> str:
    return _lang() or "th"


@contextmanager
def _writing() -> Iterator[Session]:
    with translate_db_errors(), _services().writer.begin() as session:
        yield session


@contextmanager
def _reading() -> Iterator[Session]:
    with translate_db_errors(), _services().reader() as session:
        yield session


# --- rendering ------------------------------------------------------------------------------


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("\ufffd", str(value))  # XML 1.0 cannot carry control characters


def _xml_into(parent: ElementTree.Element, name: str, value: object) -> None:
    node = ElementTree.SubElement(parent, name)
    if isinstance(value, dict):
        for key, item in value.items():
            _xml_into(node, key, item)
    elif isinstance(value, list):
        for item in value:
            _xml_into(node, name.removesuffix("s"), item)  # <values><value>…, <formats>…
    else:
        node.text = _text(value)


def _xml(root: str, item: str | None, body: object) -> bytes:
    top = ElementTree.Element(root)
    if item is None:  # a single object, e.g. discovery or a service definition
        for key, value in body.items():  # type: ignore[union-attr]
            _xml_into(top, key, value)
    else:
        for entry in body:  # type: ignore[union-attr]
            _xml_into(top, item, entry)
    return ElementTree.tostring(top, encoding="utf-8", xml_declaration=True)


def _render(fmt: str, root: str, item: str | None, body: object, status: int = 200) -> Response:
    if fmt == "xml":
        payload = _xml(root, item, body)
    else:
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
    return Response(payload, status=status, content_type=FORMATS[fmt])


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise BadFormat("Formats are .json and .xml.", "รองรับเฉพาะรูปแบบ .json และ .xml")
    return fmt


def _describe(th: str, en: str) -> str:
    lang = _lang()
    return th if lang == "th" else en if lang == "en" else f"{th} / {en}"


def _errors(status: int, pairs: list[tuple[str, str]]) -> Response:
    fmt = (request.view_args or {}).get("fmt")
    fmt = fmt if fmt in FORMATS else "json"
    body = [{"code": status, "description": _describe(th, en)} for th, en in pairs]
    return _render(fmt, "errors", "error", body, status)


@blueprint.errorhandler(errors.DamrongError)
def _domain_error(exc: errors.DamrongError) -> Response:
    status = next((s for cls, s in STATUS_BY_ERROR if isinstance(exc, cls)), 400)
    if exc.retryable:
        status = 503
    if isinstance(exc, errors.ValidationFailed) and exc.fields:
        pairs = [
            (f"{name}: {th}" if name else th, f"{name}: {en}" if name else en)
            for name, (th, en) in exc.fields.items()
        ]
    else:
        pairs = [(exc.message_th, exc.message_en)]
    response = _errors(status, pairs)
    if isinstance(exc, errors.RateLimited):
        response.headers["Retry-After"] = str(exc.retry_after)
    elif exc.retryable:
        response.headers["Retry-After"] = "1"
    return response


@blueprint.errorhandler(HTTPException)
@blueprint.errorhandler(RequestEntityTooLarge)  # by code too, or the app's own 413 handler wins
def _http_error(exc: HTTPException) -> Response:
    if isinstance(exc, RequestEntityTooLarge):
        return _errors(413, [("ข้อมูลที่ส่งมามีขนาดใหญ่เกินกำหนด", "The request is too large.")])
    return _errors(exc.code or 400, [(exc.name, exc.description or exc.name)])


@blueprint.before_request
def _refuse_nul() -> None:
    """NUL characters never reach the database (PostgreSQL refuses them with an error)."""
    values = [*request.values.values(), *(str(v) for v in (request.view_args or {}).values())]
    if any("\x00" in value for value in values):
        raise errors.ValidationFailed.one(
            "", "คำขอมีอักขระที่ไม่อนุญาต (NUL)", "The request contains a NUL character."
        )


# --- request parsing ------------------------------------------------------------------------


def _limit_reads() -> None:
    with _writing() as session:
        key = f"open311-ip:{request.remote_addr}"
        throttle.hit(session, key, _services().clock(), READS_PER_MINUTE, timedelta(minutes=1))


def _check_jurisdiction() -> None:
    given = request.values.get("jurisdiction_id", "").strip()  # empty means absent
    host = urlsplit(_services().config.base_url).hostname
    if given and given not in {JURISDICTION, host}:
        raise errors.NotFound(
            f"Unknown jurisdiction_id «{given}»; this endpoint serves «{JURISDICTION}».",
            f"ไม่รู้จัก jurisdiction_id «{given}» ระบบนี้ให้บริการ «{JURISDICTION}»",
        )


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
        return open311.check_address_id(address_id), lat, lon
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


def _submission() -> open311.Submission:
    area_code, lat, lon = _location()
    values = request.values
    if not values.get("service_code", "").strip():
        raise _bad("service_code", "ต้องระบุ service_code", "service_code is required.")
    for name, limit in (("address_string", 500), ("first_name", 100), ("last_name", 100)):
        if len(values.get(name, "")) > limit:
            raise _bad(
                name, f"«{name}» ยาวเกิน {limit} ตัวอักษร", f"«{name}» is over {limit} characters."
            )
    return open311.Submission(
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
        language=_data_lang(),
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
    return value if value.tzinfo else value.replace(tzinfo=open311_records.BANGKOK)


def _query() -> open311_records.RequestQuery:
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
    return open311_records.RequestQuery(
        ids=tuple(int(i) for i in ids),
        service_codes=_csv("service_code"),
        statuses=statuses,
        start=_instant("start_date"),
        end=_instant("end_date"),
    )


# --- endpoints ------------------------------------------------------------------------------


@blueprint.get("/discovery.<fmt>")
def discovery(fmt: str) -> Response:
    """Where this endpoint lives and which formats it speaks."""
    _format(fmt)
    base = _services().config.base_url.rstrip("/")
    body = {
        "changeset": CHANGESET,
        "contact": "ศูนย์ดำรงธรรม กระทรวงมหาดไทย สายด่วน 1567 (Damrongdhamma Center, hotline 1567)",
        "key_service": "ขอ api_key ได้จากผู้ดูแลระบบ (ask the administrators for an api_key)",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": f"{base}/open311/v2",
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return _render(fmt, "discovery", None, body)


@blueprint.get("/services.<fmt>")
def services(fmt: str) -> Response:
    """Complaint categories as services."""
    _format(fmt)
    _check_jurisdiction()
    _limit_reads()
    with _reading() as session:
        body = open311_records.list_services(session, _data_lang())
    return _render(fmt, "services", "service", body)


@blueprint.get("/services/<code>.<fmt>")
def service_definition(code: str, fmt: str) -> Response:
    """The attributes a request for this service takes (from the intake form)."""
    _format(fmt)
    _check_jurisdiction()
    _limit_reads()
    with _reading() as session:
        body = open311_records.service_definition(session, code, _data_lang())
    return _render(fmt, "service_definition", None, body)


@blueprint.get("/requests.<fmt>")
def list_requests(fmt: str) -> Response:
    """Requests matching the spec's filters, redacted."""
    _format(fmt)
    _check_jurisdiction()
    query = _query()
    _limit_reads()
    with _reading() as session:
        cases = open311_records.find_requests(session, _services().clock(), query)
        body = open311_records.public_records(session, cases, _data_lang())
    return _render(fmt, "service_requests", "request", body)


@blueprint.get("/requests/<request_id>.<fmt>")
def get_request(request_id: str, fmt: str) -> Response:
    """One request, as a list of one element (the spec's shape)."""
    _format(fmt)
    _check_jurisdiction()
    if not re.fullmatch(r"\d{1,18}", request_id):
        raise errors.NotFound(
            f"There is no service request {request_id}.", f"ไม่พบคำร้องหมายเลข {request_id}"
        )
    _limit_reads()
    with _reading() as session:
        case = open311_records.get_request(session, int(request_id))
        body = open311_records.public_records(session, [case], _data_lang())
    return _render(fmt, "service_requests", "request", body)


@blueprint.get("/tokens/<token>.<fmt>")
def token(token: str, fmt: str) -> Response:
    """The service_request_id a POST's token stands for."""
    _format(fmt)
    _check_jurisdiction()
    _limit_reads()
    with _reading() as session:
        row = open311_records.request_for_token(session, token)
        body = [{"service_request_id": str(row.case_id), "token": row.token}]
    return _render(fmt, "service_requests", "request", body)


@blueprint.post("/requests.<fmt>")
def create_request(fmt: str) -> Response:
    """File a request with an api_key: a new case, channel open311."""
    _format(fmt)
    _check_jurisdiction()
    clock = _services().clock
    with _writing() as session:  # its own transaction, so refused requests still count
        key_id = open311.use_key(session, clock(), request.values.get("api_key")).id
    submission = _submission()
    with _writing() as session:
        key = session.get(Open311Key, key_id)
        row = open311.submit(session, clock, key, submission)  # type: ignore[arg-type]
        center = session.get(Case, row.case_id).center  # type: ignore[union-attr]
        notice = _describe(
            f"รับเรื่องแล้ว {center.name_th} จะพิจารณาเรื่องนี้",
            f"Received; {center.name_en} will screen it.",
        )
        body = [
            {
                "service_request_id": str(row.case_id),
                "token": row.token,
                "service_notice": notice,
                "account_id": request.values.get("account_id") or None,
            }
        ]
    return _render(fmt, "service_requests", "request", body, 201)
