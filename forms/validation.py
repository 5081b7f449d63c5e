"""Validate form data against its JSON Schema, with precise Thai and English messages."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

_FORMATS = FormatChecker(["email", "date"])
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")


@dataclass(frozen=True)
class FieldError:
    """One problem with one field (a dotted path; "" is the whole form)."""

    field: str
    code: str
    message_th: str
    message_en: str


def _subschema(schema: dict, path: list[str]) -> dict:
    node = schema
    for part in path:
        node = node.get("properties", {}).get(part, {}) if isinstance(node, dict) else {}
    return node if isinstance(node, dict) else {}


def _labels(schema: dict, path: list[str]) -> tuple[str, str]:
    node = _subschema(schema, path)
    name = path[-1] if path else ""
    return node.get("title", name), node.get("x-title-en", node.get("title", name))


def _with_channel_limits(schema: dict, channel: object) -> dict:
    if not channel:
        return schema
    props = dict(schema.get("properties", {}))
    for key, prop in props.items():
        limits = prop.get("x-max-length-by-channel") if isinstance(prop, dict) else None
        if limits and channel in limits:
            props[key] = {**prop, "maxLength": min(prop.get("maxLength", 10**9), limits[channel])}
    return {**schema, "properties": props}


def _text_errors(data: object, path: list[str]) -> list[tuple[list[str], str]]:
    if isinstance(data, str):
        return [(path, "bad_text")] if _BAD_TEXT.search(data) else []
    if isinstance(data, dict):
        return [e for k, v in data.items() for e in _text_errors(v, [*path, str(k)])]
    if isinstance(data, list):
        return [e for i, v in enumerate(data) for e in _text_errors(v, [*path, str(i)])]
    return []


def validate(
    schema: dict, data: object, *, context: Mapping[str, object] | None = None
) -> list[FieldError]:
    """Every problem with `data`, each naming its field in Thai and English."""
    bad_text = _text_errors(data, [])
    if bad_text:
        return [
            FieldError(
                ".".join(p),
                "bad_text",
                f"«{_labels(schema, p)[0]}» มีอักขระที่ไม่อนุญาต",
                f"«{_labels(schema, p)[1]}» contains characters that are not allowed.",
            )
            for p, _ in bad_text
        ]
    effective = _with_channel_limits(schema, (context or {}).get("channel"))
    validator = Draft202012Validator(effective, format_checker=_FORMATS)
    errors = [_translate(effective, e) for e in _leaf_errors(validator.iter_errors(data))]
    order = list(effective.get("properties", {}))
    unique = {(e.field, e.code): e for e in errors}
    return sorted(
        unique.values(),
        key=lambda e: (
            order.index(e.field.split(".")[0]) if e.field.split(".")[0] in order else len(order),
            e.field,
        ),
    )


def _leaf_errors(errors) -> list[ValidationError]:  # type: ignore[no-untyped-def]
    out = []
    for error in errors:
        if error.validator in ("allOf", "anyOf", "oneOf", "if", "then") and error.context:
            out.extend(_leaf_errors(error.context))
        else:
            out.append(error)
    return out


def _translate(schema: dict, error: ValidationError) -> FieldError:
    path = [str(p) for p in error.absolute_path]
    kind = error.validator
    if kind == "required":
        missing = re.search(r"'([^']+)' is a required property", error.message)
        path = [*path, missing.group(1)] if missing else path
    if kind == "additionalProperties":
        extra = re.findall(r"'([^']+)'", error.message)
        name = extra[0] if extra else "?"
        return FieldError(
            ".".join([*path, name]),
            "unknown_field",
            f"ไม่รู้จักช่องข้อมูล «{name}»",
            f"Unknown field «{name}».",
        )
    th, en = _labels(schema, path)
    field = ".".join(path)
    node = _subschema(schema, path)
    message = _MESSAGES.get(kind, _generic)(th, en, error, node)
    return FieldError(field, str(kind), message[0], message[1])


def _length(th, en, error, node):  # type: ignore[no-untyped-def]
    limit, got = error.validator_value, len(error.instance)
    if error.validator == "maxLength":
        return (
            f"«{th}» ยาวเกิน {limit:,} ตัวอักษร (ส่งมา {got:,})",
            f"«{en}» is longer than {limit:,} characters (got {got:,}).",
        )
    return (
        f"«{th}» ต้องยาวอย่างน้อย {limit:,} ตัวอักษร",
        f"«{en}» must be at least {limit:,} characters long.",
    )


def _type(th, en, error, node):  # type: ignore[no-untyped-def]
    names = {
        "string": ("ข้อความ", "text"),
        "integer": ("จำนวนเต็ม", "a whole number"),
        "number": ("ตัวเลข", "a number"),
        "boolean": ("ใช่/ไม่ใช่", "true or false"),
        "object": ("ชุดข้อมูล", "an object"),
        "array": ("รายการ", "a list"),
        "null": ("ว่าง", "empty"),
    }
    wanted = (
        error.validator_value
        if isinstance(error.validator_value, list)
        else [error.validator_value]
    )
    th_names = " หรือ ".join(names.get(w, (w, w))[0] for w in wanted)
    en_names = " or ".join(names.get(w, (w, w))[1] for w in wanted)
    return f"«{th}» ต้องเป็น{th_names}", f"«{en}» must be {en_names}."


def _enum(th, en, error, node):  # type: ignore[no-untyped-def]
    labels = node.get("x-enum-labels", {})
    allowed = error.validator_value
    th_list = ", ".join(labels.get(v, {}).get("th", str(v)) for v in allowed)
    en_list = ", ".join(labels.get(v, {}).get("en", str(v)) for v in allowed)
    return f"«{th}» ต้องเป็นหนึ่งใน: {th_list}", f"«{en}» must be one of: {en_list}."


def _const(th, en, error, node):  # type: ignore[no-untyped-def]
    if error.validator_value is True:
        return f"กรุณายอมรับ «{th}»", f"«{en}» must be accepted."
    return f"«{th}» ไม่ถูกต้อง", f"«{en}» must be {error.validator_value!r}."


def _pattern(th, en, error, node):  # type: ignore[no-untyped-def]
    return (
        node.get("x-pattern-message", f"รูปแบบของ «{th}» ไม่ถูกต้อง"),
        node.get("x-pattern-message-en", f"«{en}» is not in the expected format."),
    )


def _bound(th, en, error, node):  # type: ignore[no-untyped-def]
    limit = error.validator_value
    if error.validator in ("minimum", "exclusiveMinimum"):
        return f"«{th}» ต้องไม่น้อยกว่า {limit}", f"«{en}» must be at least {limit}."
    return f"«{th}» ต้องไม่มากกว่า {limit}", f"«{en}» must be at most {limit}."


def _format(th, en, error, node):  # type: ignore[no-untyped-def]
    fmt = error.validator_value
    if fmt == "email":
        return f"«{th}» ไม่ใช่อีเมลที่ถูกต้อง", f"«{en}» is not a valid e-mail address."
    if fmt == "date":
        return (f"«{th}» ต้องเป็นวันที่รูปแบบ ปปปป-ดด-วว", f"«{en}» must be a date written YYYY-MM-DD.")
    return f"รูปแบบของ «{th}» ไม่ถูกต้อง", f"«{en}» is not a valid {fmt}."


def _items(th, en, error, node):  # type: ignore[no-untyped-def]
    limit = error.validator_value
    if error.validator == "maxItems":
        return f"«{th}» มีได้ไม่เกิน {limit} รายการ", f"«{en}» may have at most {limit} items."
    return f"«{th}» ต้องมีอย่างน้อย {limit} รายการ", f"«{en}» needs at least {limit} items."


def _required(th, en, error, node):  # type: ignore[no-untyped-def]
    return f"กรุณากรอก «{th}»", f"«{en}» is required."


def _generic(th, en, error, node):  # type: ignore[no-untyped-def]
    return f"«{th}» ไม่ถูกต้อง", f"«{en}» is not valid."


_MESSAGES = {
    "required": _required,
    "maxLength": _length,
    "minLength": _length,
    "type": _type,
    "enum": _enum,
    "const": _const,
    "pattern": _pattern,
    "minimum": _bound,
    "maximum": _bound,
    "exclusiveMinimum": _bound,
    "exclusiveMaximum": _bound,
    "format": _format,
    "minItems": _items,
    "maxItems": _items,
}


def split_stored_fields(schema: dict, data: Mapping[str, object]) -> tuple[dict, dict]:
    """(workflow data, notes): free text marked x-store "note" never enters the workflow."""
    props = schema.get("properties", {})
    notes = {k: v for k, v in data.items() if props.get(k, {}).get("x-store") == "note"}
    return {k: v for k, v in data.items() if k not in notes}, notes


def labels(schema: dict, lang: str) -> dict[str, str]:
    """Field labels in a language."""
    key = "title" if lang == "th" else "x-title-en"
    return {k: v.get(key, k) for k, v in schema.get("properties", {}).items()}


def enum_label(schema: dict, field: str, value: str, lang: str) -> str:
    """The human label of an enum value."""
    prop = schema.get("properties", {}).get(field, {})
    return prop.get("x-enum-labels", {}).get(value, {}).get(lang, value)


def error_payload(errors: list[FieldError], lang: str = "th") -> dict:
    """The API error shape for a list of field errors."""
    message = "ข้อมูลที่ส่งมาไม่ถูกต้อง" if lang == "th" else "The submitted data is not valid."
    return {
        "code": "validation_failed",
        "message": message,
        "fields": {e.field: e.message_th if lang == "th" else e.message_en for e in errors},
    }
