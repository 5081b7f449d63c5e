"""The API's edge: authentication, the JSON body, and one error shape."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from flask import Blueprint, Flask, g, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from engine import errors
from engine.access.rules import Actor
from engine.access.tokens import actor_for_token
from forms.loader import FormNotFound

# The shared request helpers, re-exported so that this package's endpoints import one edge.
from web.edge import lang as lang
from web.edge import reading as reading
from web.edge import services as services
from web.edge import writing as writing
from web.errors import status_for

log = logging.getLogger(__name__)
blueprint = Blueprint("api", __name__, url_prefix="/api/v1")


def error_response(code: str, message: str, status: int, fields: dict | None = None):  # type: ignore[no-untyped-def]
    """The one error shape: {"error": {"code", "message", "fields"}}."""
    return jsonify({"error": {"code": code, "message": message, "fields": fields or {}}}), status


def current_actor(session: Session | None = None) -> Actor:
    """The staff member behind the bearer token (401 without a valid one).

    `session`: a read session the request opened anyway (one fewer round of BEGIN/ROLLBACK).
    """
    if "actor" in g:
        return g.actor
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise errors.Unauthenticated(
            "Send an API token as 'Authorization: Bearer <token>'.",
            "กรุณาส่งโทเคนในส่วนหัว 'Authorization: Bearer <token>'",
        )
    if session is not None:
        g.actor = actor_for_token(session, token.strip())
        return g.actor
    with services().reader() as own:
        g.actor = actor_for_token(own, token.strip())
    return g.actor


def json_body() -> dict:
    """The request's JSON object, or a 400/422 that says what is wrong."""
    data = request.get_json(silent=True)
    if data is None and request.is_json and request.get_data():
        raise errors.ValidationFailed.one(
            "",
            "อ่านข้อมูล JSON ไม่ได้ (รูปแบบผิด มีค่า NaN/Infinity หรือซ้อนกันลึกเกิน 32 ชั้น)",
            "The JSON body cannot be read (bad syntax, NaN or Infinity, or nesting deeper than "
            "32 levels).",
        )
    if data is None:
        raise errors.ValidationFailed.one(
            "",
            "ต้องส่งข้อมูลเป็น JSON (Content-Type: application/json)",
            "Send a JSON object with Content-Type: application/json.",
        )
    if not isinstance(data, dict):
        raise errors.ValidationFailed.one(
            "", "ข้อมูลต้องเป็นออบเจ็กต์ JSON", "The body must be a JSON object."
        )
    return data


def int_arg(name: str, default: int, low: int, high: int) -> int:
    """An integer query parameter within bounds, or a 422 naming it."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise errors.ValidationFailed.one(
            name,
            f"«{name}» ต้องเป็นจำนวนเต็ม {low}–{high}",
            f"«{name}» must be an integer {low}-{high}.",
        )
    return value


@blueprint.before_request
def refuse_nul_in_url():  # type: ignore[no-untyped-def]
    """NUL characters never reach the database (PostgreSQL refuses them with an error)."""
    values = [*request.args.values(), *(str(v) for v in (request.view_args or {}).values())]
    if any("\x00" in value for value in values):
        raise errors.ValidationFailed.one(
            "", "ที่อยู่คำขอมีอักขระที่ไม่อนุญาต", "The request URL contains a NUL character."
        )


def register_error_handlers(
    app: Flask,
    not_found_pages: Mapping[str, Callable[[], ResponseReturnValue]],
    error_pages: Mapping[str, Callable[[errors.DamrongError], ResponseReturnValue]] | None = None,
) -> None:
    """Map domain errors to HTTP in one place; nothing below the views calls abort().

    `not_found_pages`: path prefix -> the page of the site part an unknown address was for;
    `error_pages`: path prefix -> the page for a domain error raised outside that part's own
    blueprint (Flask-Admin's views under /staff/admin/, say), instead of the API's JSON.
    """

    @app.errorhandler(errors.DamrongError)
    def domain_error(exc: errors.DamrongError):  # type: ignore[no-untyped-def]
        for prefix, page in (error_pages or {}).items():
            if request.path.startswith(prefix):
                return page(exc)
        status = status_for(exc)
        fields = {}
        if isinstance(exc, errors.ValidationFailed):
            index = 0 if lang() == "th" else 1
            fields = {k: v[index] for k, v in exc.fields.items()}
        response = error_response(exc.code, exc.message(lang()), status, fields)
        if exc.retryable:
            response[0].headers["Retry-After"] = "1"
        return response

    @app.errorhandler(FormNotFound)
    def form_not_found(_exc: FormNotFound):  # type: ignore[no-untyped-def]
        message = {"th": "ไม่พบแบบฟอร์มนี้", "en": "There is no such form."}
        return error_response("form_not_found", message[lang()], 404)

    @app.errorhandler(IntegrityError)
    def integrity_error(exc: IntegrityError):  # type: ignore[no-untyped-def]
        # Not the database's message: its DETAIL quotes the row's values (personal data).
        constraint = getattr(getattr(exc.orig, "diag", None), "constraint_name", None)
        log.warning("integrity error: %s %s", type(exc.orig).__name__, constraint or "")
        message = {
            "th": "มีผู้อื่นบันทึกข้อมูลเดียวกันพร้อมกัน กรุณาลองใหม่",
            "en": "A concurrent request saved the same thing; please retry.",
        }
        return error_response("concurrent_change", message[lang()], 409)

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_exc):  # type: ignore[no-untyped-def]
        message = {"th": "ข้อมูลที่ส่งมามีขนาดใหญ่เกินกำหนด", "en": "The request is too large."}
        return error_response("too_large", message[lang()], 413)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
        if exc.code == 404 and request.blueprint is None:
            # An address no page answers: in the visitor's language, inside the site it was for.
            for prefix, page in not_found_pages.items():
                if request.path.startswith(prefix):
                    return page()
        if not request.path.startswith("/api/"):
            return exc
        return error_response(
            exc.name.lower().replace(" ", "_"), exc.description or exc.name, exc.code or 500
        )
