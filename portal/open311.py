"""Open311 GeoReport v2 at /open311/v2/, in JSON and XML, per the published specification.

http://wiki.open311.org/GeoReport_v2 — GET endpoints are open to anyone and show redacted
records; POST requests needs an `api_key`. Errors are a list of {code, description}.
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit
from xml.etree import ElementTree

from flask import Blueprint, Response, json, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from engine import errors
from engine.access import throttle
from engine.models import Case
from open311 import intake, keys, records
from open311.models import Open311Key
from portal import open311_params as params
from portal import uploads
from web import edge
from web.errors import status_for
from web.guessing import guessing
from web.inputs import finite_only
from web.links import public_url

blueprint = Blueprint("open311", __name__, url_prefix="/open311/v2")

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-29T00:00:00+07:00"  # when this endpoint's behaviour last changed
JURISDICTION = "damrongdhamma"
READS_PER_MINUTE = 120  # per address, for the keyless GET endpoints
MAX_MULTIPART_BYTES = 30 * 1024 * 1024  # room for the portal's five 5 MB files
# GeoReport v2 answers 403 for a missing or wrong api_key and 400 for any other bad request.
GEOREPORT_STATUS = {401: 403, 409: 400, 422: 400}


class BadFormat(errors.NotFound):
    """Only .json and .xml exist."""


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
        # Strict JSON even for a coordinate stored as NaN before such input was refused.
        strict = json.dumps(finite_only(body), ensure_ascii=False, allow_nan=False)
        payload = strict.encode("utf-8")
    return Response(payload, status=status, content_type=FORMATS[fmt])


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise BadFormat("Formats are .json and .xml.", "รองรับเฉพาะรูปแบบ .json และ .xml")
    return fmt


def _describe(th: str, en: str) -> str:
    lang = params.lang()
    return th if lang == "th" else en if lang == "en" else f"{th} / {en}"


def _errors(status: int, pairs: list[tuple[str, str]]) -> Response:
    fmt = (request.view_args or {}).get("fmt")
    fmt = fmt if fmt in FORMATS else "json"
    body = [{"code": status, "description": _describe(th, en)} for th, en in pairs]
    return _render(fmt, "errors", "error", body, status)


@blueprint.errorhandler(errors.DamrongError)
def _domain_error(exc: errors.DamrongError) -> Response:
    status = status_for(exc)
    status = GEOREPORT_STATUS.get(status, status)
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
def _room_for_media() -> None:
    """A multipart POST may carry photos (`media`), so it may be as large as the portal's."""
    if request.method == "POST" and request.mimetype == "multipart/form-data":
        request.max_content_length = MAX_MULTIPART_BYTES


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
    with edge.writing() as session:
        key = f"open311-ip:{edge.client_address()}"
        throttle.hit(session, key, edge.services().clock(), READS_PER_MINUTE, timedelta(minutes=1))


def _check_jurisdiction() -> None:
    given = request.values.get("jurisdiction_id", "").strip()  # empty means absent
    host = urlsplit(public_url("/")).hostname
    if given and given not in {JURISDICTION, host}:
        raise errors.NotFound(
            f"Unknown jurisdiction_id «{given}»; this endpoint serves «{JURISDICTION}».",
            f"ไม่รู้จัก jurisdiction_id «{given}» ระบบนี้ให้บริการ «{JURISDICTION}»",
        )


# --- endpoints ------------------------------------------------------------------------------


@blueprint.get("/discovery.<fmt>")
def discovery(fmt: str) -> Response:
    """Where this endpoint lives and which formats it speaks."""
    _format(fmt)
    base = public_url("")
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
    with edge.reading() as session:
        body = records.list_services(session, params.data_lang())
    return _render(fmt, "services", "service", body)


@blueprint.get("/services/<code>.<fmt>")
def service_definition(code: str, fmt: str) -> Response:
    """The attributes a request for this service takes (from the intake form)."""
    _format(fmt)
    _check_jurisdiction()
    _limit_reads()
    with edge.reading() as session:
        body = records.service_definition(session, code, params.data_lang())
    return _render(fmt, "service_definition", None, body)


@blueprint.get("/requests.<fmt>")
def list_requests(fmt: str) -> Response:
    """Requests matching the spec's filters, redacted."""
    _format(fmt)
    _check_jurisdiction()
    query = params.query()
    _limit_reads()
    with edge.reading() as session:
        cases = records.find_requests(session, edge.services().clock(), query)
        body = records.public_records(session, cases, params.data_lang())
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
    with edge.reading() as session:
        case = records.get_request(session, int(request_id))
        body = records.public_records(session, [case], params.data_lang())
    return _render(fmt, "service_requests", "request", body)


@blueprint.get("/tokens/<token>.<fmt>")
def token(token: str, fmt: str) -> Response:
    """The service_request_id a POST's token stands for."""
    _format(fmt)
    _check_jurisdiction()
    _limit_reads()
    with guessing(), edge.reading() as session:  # a token is a secret: guesses are limited
        row = records.request_for_token(session, token)
        body = [{"service_request_id": str(row.case_id), "token": row.token}]
    return _render(fmt, "service_requests", "request", body)


@blueprint.post("/requests.<fmt>")
def create_request(fmt: str) -> Response:
    """File a request with an api_key: a new case, channel open311."""
    _format(fmt)
    _check_jurisdiction()
    clock = edge.services().clock
    with guessing(), edge.writing() as session:  # committed apart, so refusals still count
        key_id = keys.use_key(session, clock(), request.values.get("api_key")).id
    submission = params.submission()
    files = params.media_files()
    with edge.writing() as session:
        key = session.get(Open311Key, key_id)
        row = intake.submit(session, clock, key, submission)  # type: ignore[arg-type]
        uploads.store_files(session, clock(), row.case_id, files, "intake")
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
