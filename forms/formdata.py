"""Posted form fields to the JSON a schema expects, and Buddhist Era dates both ways.

Field names follow the schema: `complainant.name` for nested objects, a repeated name for arrays,
and `name:part` for the parts of one widget (a date's day/month/year, an area's province/district/
subdistrict). Dates are typed in the Buddhist Era (พ.ศ.) and stored as ISO dates (ค.ศ.).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date
from functools import cache

from babel.dates import get_month_names

from forms.loader import field_labels, properties, shared_schema
from forms.validation import FieldError, validate

BE_OFFSET = 543
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_NUMBER = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")
_ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_TYPED_DATE = re.compile(r"^([0-9]{1,2})\s*[/.-]\s*([0-9]{1,2})\s*[/.-]\s*([0-9]{4})$")
_PARTIAL_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{2}))?$")  # ISO 8601 year, or year and month
_KEPT_PARTS = re.compile(r"^([^/]*)/([^/]*)/(.*)$")  # what was typed, kept to show it again
_YEARS_CE = range(1900, 2201)
_TRUE = {"true", "on", "1", "yes"}
_FALSE = {"false", "off", "0", "no"}
WIDGETS = {
    "textarea",
    "radio",
    "select",
    "category",
    "agency",
    "area",
    "date",
    "file",
    "yesno",
    "checkbox",
    "checkboxes",
    "list",
    "number",
    "object",
    "text",
}


class ParsedForm(dict):
    """The parsed data, plus `problems`: fields whose text could not be read (bad dates)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.problems: dict[str, FieldError] = {}
        self.schema: dict = {}


@cache
def month_names(lang: str) -> tuple[str, ...]:
    """The twelve month names in Thai or English, January first."""
    names = get_month_names("wide", locale="th" if lang == "th" else "en")
    return tuple(names[i] for i in range(1, 13))


def format_date(value: date | str | None, lang: str = "th") -> str:
    """A date as people write it here: '29 พฤศจิกายน 2569' (the Buddhist Era in both languages)."""
    if isinstance(value, str):
        partial = _PARTIAL_DATE.fullmatch(value.strip())
        if partial:  # a year, or a month and year: said as such, never with a made-up day
            year = int(partial[1]) + BE_OFFSET
            if not partial[2]:
                return str(year)
            return f"{month_names(lang)[int(partial[2]) - 1]} {year}"
        value = iso_date(value)
    if value is None:
        return ""
    month = month_names(lang)[value.month - 1]
    if lang == "th":
        return f"{value.day} {month} {value.year + BE_OFFSET}"
    return f"{value.day} {month} {value.year + BE_OFFSET} BE ({value.year})"


def iso_date(text: str) -> date | None:
    """The date of an ISO string, or None if it is not one."""
    match = _ISO_DATE.fullmatch(text.strip()) if isinstance(text, str) else None
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def date_parts(value: object) -> tuple[str, str, str]:
    """(day, month, Buddhist year) strings to show in a date widget, from ISO or typed text."""
    if not isinstance(value, str) or not value:
        return "", "", ""
    parsed = iso_date(value)
    if parsed:
        return str(parsed.day), str(parsed.month), str(parsed.year + BE_OFFSET)
    partial = _PARTIAL_DATE.fullmatch(value)
    if partial:
        month = str(int(partial[2])) if partial[2] else ""
        return "", month, str(int(partial[1]) + BE_OFFSET)
    typed = _TYPED_DATE.fullmatch(value.translate(_THAI_DIGITS).strip())
    if typed:
        return str(int(typed[1])), str(int(typed[2])), typed[3]
    kept = _KEPT_PARTS.fullmatch(value)
    if kept:  # an unreadable date keeps every part the person chose or typed
        return kept[1], kept[2], kept[3]
    return "", "", ""


def widget_of(node: Mapping) -> str:
    """Which widget shows a schema node: its x-widget if we know it, else by type and shape."""
    hint = node.get("x-widget")
    if hint in WIDGETS:
        return str(hint)
    kind = node.get("type")
    if kind == "object":
        return "object"
    if kind == "boolean":
        return "checkbox"
    if kind in ("integer", "number"):
        return "number"
    if kind == "array":
        items = node.get("items") if isinstance(node.get("items"), dict) else {}
        return "checkboxes" if "enum" in items else "list"
    if "enum" in node:
        return "select"
    if node.get("format") == "date":
        return "date"
    return "text"


def parse_form(form_name: str | dict, form: Mapping, files: Mapping | None = None) -> ParsedForm:
    """The JSON a form's schema expects, from posted strings (a werkzeug MultiDict)."""
    out = ParsedForm()
    out.schema = shared_schema(form_name)
    _parse_object(out.schema, form, files, "", out, out)
    return out


def form_errors(
    form_name: str | dict, data: Mapping, context: Mapping[str, object] | None = None
) -> dict[str, FieldError]:
    """Every field's first problem: unreadable input first, then the schema's own checks."""
    errors = dict(getattr(data, "problems", {}))
    for error in validate(shared_schema(form_name), dict(data), context=context):
        errors.setdefault(error.field, error)
    return errors


def _parse_object(
    node: Mapping, form: Mapping, files: Mapping | None, prefix: str, out: dict, top: ParsedForm
) -> None:
    for name, sub in properties(dict(node)).items():
        if not isinstance(sub, dict):
            continue
        path = f"{prefix}{name}"
        widget = widget_of(sub)
        if widget == "object":
            inner: dict = {}
            _parse_object(sub, form, files, f"{path}.", inner, top)
            if inner:
                out[name] = inner
            continue
        found = _parse_field(widget, sub, path, form, files, top)
        if found is not _MISSING:
            out[name] = found


_MISSING = object()


def _text(form: Mapping, name: str) -> str | None:
    value = form.get(name)
    if not isinstance(value, str):
        return None
    value = value.replace("\r\n", "\n").strip()
    return value or None


def _parse_field(
    widget: str, node: Mapping, path: str, form: Mapping, files: Mapping | None, top: ParsedForm
) -> object:
    if widget == "checkbox":
        return (_text(form, path) or "").lower() in _TRUE
    if widget == "yesno":
        raw = (_text(form, path) or "").lower()
        return True if raw in _TRUE else False if raw in _FALSE else _MISSING
    if widget == "number":
        raw = _text(form, path)
        return _MISSING if raw is None else _number(raw, node.get("type"))
    if widget == "date":
        return _parse_date(path, form, top, bool(node.get("x-partial-date")))
    if widget == "area":
        return _parse_area(path, form)
    if widget == "file":
        chosen = [f for f in (files.getlist(path) if files else []) if getattr(f, "filename", "")]
        return chosen or _MISSING
    if widget in ("checkboxes", "list"):
        items = node.get("items") if isinstance(node.get("items"), dict) else {}
        values = [v for v in (_clean(v) for v in _getlist(form, path)) if v is not None]
        values = [_typed(v, items) for v in values]
        return values or _MISSING
    raw = _text(form, path)
    return _MISSING if raw is None else _typed(raw, node)


def _getlist(form: Mapping, name: str) -> list[object]:
    getter = getattr(form, "getlist", None)
    if getter is not None:
        return list(getter(name))
    value = form.get(name)
    return list(value) if isinstance(value, list | tuple) else [] if value is None else [value]


def _clean(value: object) -> str | None:
    return value.replace("\r\n", "\n").strip() or None if isinstance(value, str) else None


def _typed(raw: str, node: Mapping) -> object:
    """An enum's own value (which may be a number), a number for numeric types, else the text."""
    for option in node.get("enum") or []:
        if str(option).lower() == raw.lower() if isinstance(option, bool) else str(option) == raw:
            return option
    if node.get("type") in ("integer", "number"):
        return _number(raw, node.get("type"))
    return raw


def _number(raw: str, kind: object) -> object:
    """An int or float; what cannot be read stays text, so the schema reports a type error."""
    text = raw.translate(_THAI_DIGITS).replace(",", "").replace(" ", "")
    if _INTEGER.fullmatch(text):
        return int(text)
    if kind != "integer" and _NUMBER.fullmatch(text):
        return float(text)
    if kind == "integer" and _NUMBER.fullmatch(text) and float(text).is_integer():
        return int(float(text))
    return raw


def _parse_date(path: str, form: Mapping, top: ParsedForm, partial: bool = False) -> object:
    """An ISO date from the day, month and year parts (or a typed or ISO date); with `partial`
    (x-partial-date) a year alone or a month and year is kept as "2026" or "2026-03"."""
    parts = [_text(form, f"{path}:{p}") for p in ("day", "month", "year")]
    whole = _text(form, path)
    if not any(parts):
        if whole is None:
            return _MISSING
        if iso_date(whole) or (partial and _PARTIAL_DATE.fullmatch(whole)):
            return whole  # an ISO date posted as such (an API client, a test)
        typed = _TYPED_DATE.fullmatch(whole.translate(_THAI_DIGITS))
        parts = list(typed.groups()) if typed else [None, None, None]
    day, month, year = (p.translate(_THAI_DIGITS) if p else None for p in parts)
    try:
        return _date_value(day, month, year, partial)
    except ValueError:
        top.problems[path] = _date_problem(top.schema, path, bool(year), partial)
        text = f"{day or ''}/{month or ''}/{year or ''}"
        return text if (whole or any(parts)) else _MISSING


def _date_value(day: str | None, month: str | None, year: str | None, partial: bool) -> str:
    """The ISO text of the parts, or ValueError."""
    number = int(year or "")
    # People write the Buddhist year; a year below 2400 can only have been meant as CE.
    year_ce = number - BE_OFFSET if number >= 2400 else number
    if year_ce not in _YEARS_CE:
        raise ValueError(year)
    if partial and not day:
        if not month:
            return f"{year_ce:04d}"
        if not 1 <= int(month) <= 12:
            raise ValueError(month)
        return f"{year_ce:04d}-{int(month):02d}"
    return date(year_ce, int(month or ""), int(day or "")).isoformat()


def _date_problem(schema: dict, path: str, has_year: bool, partial: bool) -> FieldError:
    th, en = field_labels(schema, path.split("."))
    if not has_year:
        later = "" if not partial else " (จำวันที่ไม่ได้ เว้นวันไว้ได้)"
        later_en = "" if not partial else " (leave the day empty if you do not remember it)"
        return FieldError(
            path,
            "format",
            f"«{th}» ยังไม่มีปี กรุณากรอกปี พ.ศ. เช่น 2569{later}",
            f"«{en}» has no year: type the Buddhist year, e.g. 2569{later_en}",
        )
    return FieldError(
        path,
        "format",
        f"«{th}» ไม่ใช่วันที่ที่มีจริง กรุณาเลือกวัน เดือน และกรอกปี พ.ศ. เช่น 2569",
        f"«{en}» is not a real date: choose the day and month and type the Buddhist year, "
        "e.g. 2569",
    )


def _parse_area(path: str, form: Mapping) -> object:
    """The deepest consistent code of the three lists; a typed code if there are no lists."""
    chosen = [_text(form, f"{path}:{p}") for p in ("province", "district", "subdistrict")]
    if not any(chosen):
        whole = _text(form, path)
        return _MISSING if whole is None else whole.translate(_THAI_DIGITS)
    code = ""
    for part in chosen:
        if not part:
            break
        part = part.translate(_THAI_DIGITS)
        # A district left from another province (no JavaScript, province changed) is dropped.
        if not part.startswith(code) or len(part) != len(code) + 2:
            break
        code = part
    return code or _MISSING


def iter_paths(node: Mapping, prefix: str = "") -> Iterator[tuple[str, dict]]:
    """Every leaf field of a schema as (dotted path, subschema), in schema order."""
    for name, sub in properties(dict(node)).items():
        if isinstance(sub, dict):
            if widget_of(sub) == "object":
                yield from iter_paths(sub, f"{prefix}{name}.")
            else:
                yield f"{prefix}{name}", sub


__all__ = [
    "ParsedForm",
    "date_parts",
    "form_errors",
    "format_date",
    "iso_date",
    "iter_paths",
    "month_names",
    "parse_form",
    "widget_of",
]
