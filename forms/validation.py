"""Validate form data against its JSON Schema, with precise Thai and English messages."""

from __future__ import annotations

import ast
import re
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import reduce

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from forms.builder import ordered
from forms.loader import (
    enum_label,
    field_labels,
    field_schema,
    labels,
    properties,
    split_stored_fields,
    value_labels,
    with_channel_limits,
)

__all__ = [
    "FieldError",
    "enum_label",
    "error_payload",
    "labels",
    "split_stored_fields",
    "validate",
]

_FORMATS = FormatChecker(["date"])
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_TYPES = {
    "string": ("ข้อความ", "text"),
    "integer": ("จำนวนเต็ม", "a whole number"),
    "number": ("ตัวเลข", "a number"),
    "boolean": ("ใช่หรือไม่ใช่", "true or false"),
    "object": ("ชุดข้อมูล", "an object"),
    "array": ("รายการ", "a list"),
    "null": ("ค่าว่าง", "empty"),
}
# One (Thai, English) template per kind of problem; {th}/{en} are the field's labels.
_TEMPLATES = {
    "required": ("กรุณากรอก «{th}»", "«{en}» is required"),
    "maxLength": (
        "«{th}» ยาวเกิน {limit} ตัวอักษร (ส่งมา {got})",
        "«{en}» is longer than {limit} characters (got {got})",
    ),
    "minLength": (
        "«{th}» ต้องมีอย่างน้อย {limit} ตัวอักษร (ส่งมา {got})",
        "«{en}» must be at least {limit} characters long (got {got})",
    ),
    "type": ("«{th}» ต้องเป็น{types_th}", "«{en}» must be {types_en}"),
    "enum": ("«{th}» ต้องเป็นหนึ่งใน: {choices_th}", "«{en}» must be one of: {choices_en}"),
    "accepted": ("กรุณายอมรับ «{th}»", "«{en}» must be accepted"),
    "const": ("«{th}» ต้องเป็น {choices_th}", "«{en}» must be {choices_en}"),
    "pattern": ("รูปแบบของ «{th}» ไม่ถูกต้อง", "«{en}» is not in the expected format"),
    "minimum": ("«{th}» ต้องไม่น้อยกว่า {limit}", "«{en}» must be at least {limit}"),
    "maximum": ("«{th}» ต้องไม่มากกว่า {limit}", "«{en}» must be at most {limit}"),
    "exclusiveMinimum": ("«{th}» ต้องมากกว่า {limit}", "«{en}» must be greater than {limit}"),
    "exclusiveMaximum": ("«{th}» ต้องน้อยกว่า {limit}", "«{en}» must be less than {limit}"),
    "format:email": ("«{th}» ไม่ใช่อีเมลที่ถูกต้อง", "«{en}» is not a valid e-mail address"),
    "format:date": (
        "«{th}» ต้องเป็นวันที่ในรูปแบบ ปปปป-ดด-วว (ค.ศ.)",
        "«{en}» must be a date written YYYY-MM-DD",
    ),
    "format": ("รูปแบบของ «{th}» ไม่ถูกต้อง", "«{en}» is not in the expected format"),
    "minItems": ("«{th}» ต้องมีอย่างน้อย {limit} รายการ", "«{en}» must have at least {limit} {items}"),
    "maxItems": (
        "«{th}» มีได้ไม่เกิน {limit} รายการ (ส่งมา {got})",
        "«{en}» may have at most {limit} {items} (got {got})",
    ),
    "uniqueItems": ("«{th}» มีรายการซ้ำกัน", "«{en}» has duplicate items"),
    "not_allowed": ("ไม่อนุญาตให้กรอก «{th}»", "«{en}» is not allowed here"),
    "unknown_field": ("ไม่รู้จักช่องข้อมูล «{th}»", "Unknown field «{en}»"),
    "bad_text": (
        "«{th}» มีอักขระที่ใช้ไม่ได้ (อักขระ NUL หรือ surrogate ที่ไม่มีคู่)",
        "«{en}» contains characters that are not allowed (NUL or an unpaired surrogate)",
    ),
    "generic": ("«{th}» ไม่ถูกต้อง", "«{en}» is not valid"),
}


@_FORMATS.checks("email")
def _is_email(instance: object) -> bool:
    # jsonschema only looks for an "@"; a citizen should hear about "name@gmail" now, not later.
    return not isinstance(instance, str) or bool(_EMAIL.fullmatch(instance))


@dataclass(frozen=True)
class FieldError:
    """One problem with one field (a dotted path; "" is the whole form)."""

    field: str
    code: str
    message_th: str
    message_en: str


def _num(value: object) -> str:
    plain = isinstance(value, int | float) and not isinstance(value, bool)
    return f"{value:,}" if plain else str(value)


def _template(error: ValidationError) -> str:
    kind, value = error.validator, error.validator_value
    if kind is None:  # a `false` subschema, e.g. a field that if/then forbids
        return "not_allowed"
    if kind == "const" and value is True:
        return "accepted"
    if kind == "minLength" and error.instance == "":  # left blank, whatever the minimum
        return "required"
    if kind == "format":
        return f"format:{value}" if f"format:{value}" in _TEMPLATES else "format"
    return str(kind) if kind in _TEMPLATES else "generic"


def _message(key: str, th: str, en: str, error: ValidationError, hints: dict) -> tuple[str, str]:
    value, instance = error.validator_value, error.instance
    wanted = value if isinstance(value, list) else [value]
    types = [_TYPES.get(str(w), (str(w), str(w))) for w in wanted]
    choices = value_labels(hints, wanted) if key in ("enum", "const") else ("", "")
    params = {
        "th": th,
        "en": en,
        "limit": _num(value),
        "got": _num(len(instance)) if isinstance(instance, str | list) else "",
        "items": "item" if value == 1 else "items",
        "types_th": " หรือ ".join(t[0] for t in types),
        "types_en": " or ".join(t[1] for t in types),
        "choices_th": choices[0],
        "choices_en": choices[1],
    }
    th_text, en_text = (_TEMPLATES[key][i].format(**params) for i in (0, 1))
    if key == "pattern":  # a form may explain its own pattern better than we can
        th_text = hints.get("x-pattern-message") or th_text
        en_text = hints.get("x-pattern-message-en") or en_text
    return th_text, en_text


def _error(
    schema: dict, path: list[str], key: str, hints: dict, error: ValidationError | None = None
) -> FieldError:
    th, en = (path[-1], path[-1]) if key == "unknown_field" else field_labels(schema, path)
    texts = _message(key, th, en, error or ValidationError(""), hints)
    code = str(error.validator) if error and key == "generic" else key.split(":")[0]
    return FieldError(".".join(path), code, *texts)


def _quoted(text: str) -> list[str]:
    return [ast.literal_eval(q) for q in _QUOTED.findall(text)]


def _forbidden(schema: dict, data: object, error: ValidationError) -> list[list[str]]:
    """Fields a `false` subschema refused: jsonschema leaves the property name out of the path."""
    path = [str(p) for p in error.absolute_path]
    try:
        node = reduce(lambda n, k: n[k], error.absolute_schema_path, schema)
        parent = reduce(lambda n, k: n[k], error.absolute_path, data)
    except (KeyError, IndexError, TypeError):
        return [path]
    if not (isinstance(node, dict) and isinstance(parent, dict)):
        return [path]
    return [[*path, k] for k, sub in node.items() if sub is False and k in parent] or [path]


def _translate(schema: dict, data: object, error: ValidationError) -> list[FieldError]:
    path = [str(p) for p in error.absolute_path]
    kind = error.validator
    if kind is None and error.schema is False:
        return [_error(schema, p, "not_allowed", {}) for p in _forbidden(schema, data, error)]
    if kind in ("additionalProperties", "unevaluatedProperties") and isinstance(
        error.instance, dict
    ):
        extras = [k for k in _quoted(error.message) if k in error.instance]
        return [_error(schema, [*path, k], "unknown_field", {}) for k in extras]
    key = _template(error)
    if kind in ("required", "dependentRequired"):  # the missing field, not its parent, is wrong
        missing = _quoted(error.message.removesuffix(" is a required property"))
        path, key = [*path, missing[0] if missing else "?"], "required"
    # The failing subschema (maybe an if/then branch) may carry its own hints.
    hints = {
        **field_schema(schema, path),
        **(error.schema if isinstance(error.schema, dict) else {}),
    }
    return [_error(schema, path, key, hints, error)]


def _distance(branch: list[ValidationError]) -> tuple[int, int]:
    # An alternative of the right type is nearer: "must be at least 5" beats "must be text".
    return sum(e.validator == "type" for e in branch), len(branch)


def _leaves(errors: Iterable[ValidationError]) -> Iterator[ValidationError]:
    """The errors to show: for anyOf/oneOf, those of the alternative closest to valid."""
    for error in errors:
        if error.validator in ("anyOf", "oneOf") and error.context:
            branches: dict[object, list[ValidationError]] = {}
            for sub in error.context:
                branches.setdefault(sub.relative_schema_path[0], []).append(sub)
            yield from _leaves(min(branches.values(), key=_distance))
        else:
            yield error


def _bad_text(data: object, path: list[str]) -> Iterator[list[str]]:
    """Paths of strings (values or keys) holding NUL or lone surrogates, which nothing can store."""
    if isinstance(data, str) and _BAD_TEXT.search(data):
        yield path
    elif isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and _BAD_TEXT.search(key):
                yield path
            else:
                yield from _bad_text(value, [*path, str(key)])
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _bad_text(value, [*path, str(index)])


def _position(schema: dict, field: str) -> tuple[int, ...]:
    """Where a field sits in the schema, for sorting (unknown fields last)."""
    key, node = [], schema
    for part in field.split(".") if field else []:
        order = list(ordered(node)) + list(properties(node))  # the form's x-order first
        key.append(order.index(part) if part in order else int(part) if part.isdigit() else 10**6)
        node = field_schema(node, [part])
    return tuple(key)


_VALIDATORS: OrderedDict[tuple[int, str | None], tuple[dict, dict, Draft202012Validator]] = (
    OrderedDict()
)


def _validator(schema: dict, channel: str | None) -> tuple[dict, Draft202012Validator]:
    """A compiled validator per schema object and channel; building one costs more than using it."""
    key = (id(schema), channel)
    entry = _VALIDATORS.get(key)
    if entry is None or entry[0] is not schema:  # the entry keeps its schema alive, so ids hold
        effective = with_channel_limits(schema, channel) if channel else schema
        entry = (schema, effective, Draft202012Validator(effective, format_checker=_FORMATS))
        _VALIDATORS[key] = entry
        while len(_VALIDATORS) > 64:
            _VALIDATORS.popitem(last=False)
    return entry[1], entry[2]


def validate(
    schema: dict, data: object, *, context: Mapping[str, object] | None = None
) -> list[FieldError]:
    """Every problem with `data`, each naming its field in Thai and English, in schema order."""
    channel = (context or {}).get("channel")
    effective, validator = _validator(schema, channel if isinstance(channel, str) else None)
    found = [_error(schema, p, "bad_text", {}) for p in _bad_text(data, [])]
    for error in _leaves(validator.iter_errors(data)):
        found.extend(_translate(effective, data, error))
    bad_fields = {e.field for e in found if e.code == "bad_text"}
    unique: dict[tuple[str, str], FieldError] = {}
    for e in found:
        # Other errors about unstorable text (or a key made of it) would only repeat it back.
        if e.code == "bad_text" or not (e.field in bad_fields or _BAD_TEXT.search(e.field)):
            unique.setdefault((e.field, e.code), e)
    return sorted(unique.values(), key=lambda e: (_position(schema, e.field), e.field))


def error_payload(errors: Iterable[FieldError], lang: str = "th") -> dict:
    """The API error shape: a summary and one message per field (the first, most relevant)."""
    fields: dict[str, str] = {}
    for e in errors:
        fields.setdefault(e.field, e.message_en if lang == "en" else e.message_th)
    n = len(fields)
    if lang == "en":
        message = f"{n} field{'s' if n != 1 else ''} need{'' if n != 1 else 's'} correcting"
    else:
        message = f"ข้อมูลไม่ถูกต้อง {n:,} ช่อง กรุณาแก้ไขแล้วส่งใหม่"
    return {"code": "validation_failed", "message": message, "fields": fields}
