"""Hostile input stopped at the edge: control characters, odd tokens, and JSON no parser survives.

A NUL byte is refused by PostgreSQL with an error, NaN breaks strict JSON readers of the
public lists, and JSON nested 100,000 deep exhausts Python's stack: each becomes a clear 400
here, before any service sees it.
"""

from __future__ import annotations

import hmac
import json
import math
import re
from collections.abc import Iterable

from flask import Request, request
from flask.json.provider import DefaultJSONProvider

from engine import errors

# C0 controls but tab, newline and carriage return; DEL; lone surrogates (not UTF-8).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
MAX_JSON_DEPTH = 32  # no form or API body nests deeper than a few levels


def tokens_match(sent: object, expected: object) -> bool:
    """Whether a sent secret token equals the expected one (any text, never a TypeError)."""
    if not isinstance(sent, str) or not isinstance(expected, str) or not expected:
        return False
    return hmac.compare_digest(
        sent.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")
    )


def unreadable(what_th: str, what_en: str) -> errors.UnreadableInput:
    """The 400 for input no service should see, saying what was wrong in Thai and English."""
    return errors.UnreadableInput(what_en, what_th)


def has_control(values: Iterable[object]) -> bool:
    """Whether any of the texts carries a control character (tab and line breaks allowed)."""
    return any(isinstance(v, str) and CONTROL.search(v) for v in values)


def _refuse(values: list[object]) -> None:
    if has_control(values):
        raise unreadable(
            "ข้อมูลที่ส่งมามีอักขระควบคุม (เช่น NUL) ที่ระบบไม่รับ กรุณาลบอักขระนั้นแล้วส่งใหม่",
            "The request contains a control character (such as NUL); remove it and send again.",
        )


def refuse_control_characters() -> None:
    """Before every request: no control character in the URL's query or path values.

    The API checks its own URLs and JSON fields, naming the field, in its error shape (422).
    """
    if request.path.startswith("/api/"):
        return
    values: list[object] = [*request.args.keys(), *request.args.values()]
    _refuse(values + list((request.view_args or {}).values()))


class StrictRequest(Request):
    """A request whose form fields and file names are checked for control characters when the
    form is first read, under whatever size limit the part of the site set before reading it."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        names = [f.filename for f in self.files.values()]
        _refuse([*self.form.keys(), *self.form.values(), *names])


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number out of range: {text[:20]}")
    return value


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def check_json(value: object) -> None:
    """ValueError when parsed JSON nests too deep (strings are checked field by field later)."""
    pending = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if depth > MAX_JSON_DEPTH:
            raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
        if isinstance(item, dict):
            pending += [(k, depth + 1) for k in item]
            pending += [(v, depth + 1) for v in item.values()]
        elif isinstance(item, list):
            pending += [(v, depth + 1) for v in item]


def loads_strictly(text: str | bytes) -> object:
    """JSON as the edge accepts it; ValueError for NaN, ±Infinity, overflow, deep nesting."""
    try:
        value = json.loads(text, parse_float=_finite, parse_constant=_refuse_constant)
    except RecursionError as exc:
        raise ValueError("JSON nested too deep") from exc
    check_json(value)
    return value


def finite_only(value: object) -> object:
    """The value with NaN and ±Infinity (kept from before they were refused) as None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite_only(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite_only(v) for v in value]
    return value


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON, reading request bodies strictly (a bad body is a 400, never a 500)."""

    def loads(self, s: str | bytes, **kwargs: object) -> object:
        """Parse a body strictly; ValueError for anything `loads_strictly` refuses."""
        return loads_strictly(s)
