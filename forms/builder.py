"""The form builder's model: a task form as a list of fields, and its JSON Schema, both ways.

A designer edits fields (key, Thai and English label and help, type, required, choices, limits,
conditions on other fields); `to_schema` writes the JSON Schema the renderer (forms/render.py)
and the validator (forms/validation.py) read, `from_schema` reads one back. What the builder does
not edit survives as written: unknown keys of a field (`pattern`, `x-pattern-message`…) and of the
form travel in `extra`, a field the builder cannot represent is kept whole as an "advanced" field,
and a rule of `allOf` that is not a condition the builder knows is kept in `advanced_rules`. The
designer sees those listed and edits them in the JSON view.

Conditions ("shown when", "required when") are plain JSON Schema inside the form's `allOf`
(forms/formrules.py writes and reads them; `conditions(schema)` reads them for the renderer).
The model lives in forms/formmodel.py and the checks, with their limits, in
forms/schemacheck.py; every name is importable from here as well.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from forms.formmodel import (
    ADVANCED,
    DEFAULT_EXTRA,
    LENGTHS,
    MISSING,
    SOURCES,
    STRINGS,
    TYPES,
    Choice,
    Condition,
    FormField,
    FormModel,
    FormProblem,
)
from forms.formrules import apply_rule, condition_rules, conditions, read_rule
from forms.schemacheck import (
    CODE,
    KEY,
    MAX_CHOICES,
    MAX_DEPTH,
    MAX_FIELDS,
    MAX_HELP,
    MAX_LABEL,
    MAX_PATTERN,
    MAX_SCHEMA_BYTES,
    RESERVED,
    check_model,
    check_schema,
    key_problem,
    parse_json,
)

__all__ = [
    "ADVANCED",
    "CODE",
    "Choice",
    "Condition",
    "DEFAULT_EXTRA",
    "FormField",
    "FormModel",
    "FormProblem",
    "KEY",
    "LENGTHS",
    "MAX_CHOICES",
    "MAX_DEPTH",
    "MAX_FIELDS",
    "MAX_HELP",
    "MAX_LABEL",
    "MAX_PATTERN",
    "MAX_SCHEMA_BYTES",
    "RESERVED",
    "SOURCES",
    "STRINGS",
    "TYPES",
    "check_model",
    "check_schema",
    "conditions",
    "key_problem",
    "parse_json",
    "read_rule",
    "SCHEMA_URI",
    "field_node",
    "to_schema",
    "type_of",
    "from_field",
    "from_schema",
    "ordered",
]

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"
# Keys the builder writes for every field; any other key of a field is kept in `extra`.
_COMMON = {"title", "x-title-en", "description", "x-description-en", "type", "x-store"}
_MANAGED = {
    "text": {"minLength", "maxLength"},
    "textarea": {"minLength", "maxLength", "x-widget"},
    "email": {"minLength", "maxLength", "format"},
    "phone": {"minLength", "maxLength", "x-widget"},
    "date": {"format", "x-widget"},
    "number": {"minimum", "maximum"},
    "integer": {"minimum", "maximum"},
    "yesno": {"x-widget"},
    "checkbox": {"x-widget"},
    "choice": {"enum", "x-enum-labels", "x-widget"},
    "choices": {"items", "minItems", "maxItems", "uniqueItems", "x-widget"},
    "agency": {"x-widget"},
    "category": {"x-widget"},
    "area": {"x-widget"},
}


# ---------------------------------------------------------------- fields -> JSON Schema


def field_node(f: FormField) -> dict:
    """The JSON Schema of one field."""
    if f.type == ADVANCED:
        return copy.deepcopy(f.extra)
    node: dict[str, Any] = {"title": f.label_th}
    if f.label_en:
        node["x-title-en"] = f.label_en
    if f.help_th:
        node["description"] = f.help_th
    if f.help_en:
        node["x-description-en"] = f.help_en
    node.update(_typed_node(f))
    if f.note and f.type in STRINGS:
        node["x-store"] = "note"
    node.update(copy.deepcopy(f.extra))
    return node


def _typed_node(f: FormField) -> dict:
    kind = f.type
    node: dict[str, Any] = {}
    if kind in ("number", "integer"):
        node["type"] = kind
        _put(node, "minimum", f.minimum)
        _put(node, "maximum", f.maximum)
    elif kind in ("yesno", "checkbox"):
        node["type"] = "boolean"
        if kind == "yesno":
            node["x-widget"] = "yesno"
    elif kind == "choices":
        items: dict[str, Any] = {"type": "string", "enum": [c.code for c in f.choices]}
        if any(c.label_th or c.label_en for c in f.choices):
            items["x-enum-labels"] = _labels(f.choices)
        node.update(type="array", items=items)
        _put(node, "minItems", f.min_items)
        _put(node, "maxItems", f.max_items)
        node.update({"uniqueItems": True, "x-widget": "checkboxes"})
    else:
        node["type"] = "string"
        if kind == "email":
            node["format"] = "email"
        if kind == "date":
            node.update({"format": "date", "x-widget": "date"})
        if kind in LENGTHS:
            _put(node, "minLength", f.min_length)
            _put(node, "maxLength", f.max_length)
        if kind == "choice":
            node["enum"] = [c.code for c in f.choices]
            if any(c.label_th or c.label_en for c in f.choices):
                node["x-enum-labels"] = _labels(f.choices)
            node["x-widget"] = "select" if f.widget == "select" else "radio"
        if kind in ("textarea", "phone", "agency", "category", "area"):
            node["x-widget"] = kind
    return node


def _put(node: dict, key: str, value: object) -> None:
    if value is not None:
        node[key] = value


def _labels(choices: list[Choice]) -> dict:
    out: dict[str, dict[str, str]] = {}
    for c in choices:
        names = {"th": c.label_th, "en": c.label_en}
        out[c.code] = {k: v for k, v in names.items() if v}
    return out


def to_schema(model: FormModel) -> dict:
    """The form's JSON Schema: titles, fields in order, required fields and conditions."""
    schema: dict[str, Any] = {"$schema": SCHEMA_URI, "title": model.title_th}
    if model.title_en:
        schema["x-title-en"] = model.title_en
    schema["type"] = "object"
    schema.update(copy.deepcopy(model.extra))
    # PostgreSQL's JSONB keeps an object's keys in its own order: the fields' order is written
    # out, and the renderer follows it (forms/render.py).
    schema["x-order"] = [f.key for f in model.fields]
    schema["properties"] = {f.key: field_node(f) for f in model.fields}
    schema["required"] = [f.key for f in model.fields if f.required and not f.show_when]
    rules = condition_rules(model) + copy.deepcopy(model.advanced_rules)
    if rules:
        schema["allOf"] = rules
    return schema


# ---------------------------------------------------------------- JSON Schema -> fields


def type_of(node: Mapping) -> str:
    """Which builder type a field's schema is (ADVANCED when it is none of them)."""
    kind, widget, fmt = node.get("type"), node.get("x-widget"), node.get("format")
    if kind in ("number", "integer"):
        return str(kind)
    if kind == "boolean":
        return "yesno" if widget == "yesno" else "checkbox"
    if kind == "array":
        return "choices"
    if kind != "string":
        return ADVANCED
    if "enum" in node:
        return "choice"
    if widget in ("textarea", "phone", "agency", "category", "area", "date"):
        return str(widget)
    return {"email": "email", "date": "date"}.get(str(fmt), "text")


def from_field(key: str, node: object) -> FormField:
    """One field of a schema; kept whole as ADVANCED unless the builder writes it back exactly."""
    if not isinstance(node, dict):
        return FormField(key=key, type=ADVANCED, extra={"_raw": node})
    kind = type_of(node)
    f = FormField(key=key, type=kind)
    if kind != ADVANCED:
        _read_common(f, node)
        _read_typed(f, node)
        managed = _COMMON | _MANAGED[kind]
        f.extra = {k: copy.deepcopy(v) for k, v in node.items() if k not in managed}
        if any(field_node(f).get(k, MISSING) != node.get(k, MISSING) for k in managed):
            f = FormField(key=key, type=ADVANCED)
    if f.type == ADVANCED:
        f.extra = copy.deepcopy(node)
        f.label_th = str(node.get("title") or key)
        f.label_en = str(node.get("x-title-en") or "")
    return f


_FORM_KEYS = {
    "$schema",
    "title",
    "x-title-en",
    "type",
    "properties",
    "required",
    "allOf",
    "x-order",
}


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _number(value: object, whole: bool = False) -> Any:
    plain = isinstance(value, int | float) and not isinstance(value, bool)
    return value if plain and (not whole or isinstance(value, int)) else None


def _read_common(f: FormField, node: Mapping) -> None:
    f.label_th, f.label_en = _text(node.get("title")), _text(node.get("x-title-en"))
    f.help_th, f.help_en = _text(node.get("description")), _text(node.get("x-description-en"))
    f.note = node.get("x-store") == "note"


def _read_typed(f: FormField, node: Mapping) -> None:
    f.min_length, f.max_length = (
        _number(node.get("minLength"), True),
        _number(node.get("maxLength"), True),
    )
    f.minimum, f.maximum = _number(node.get("minimum")), _number(node.get("maximum"))
    f.min_items, f.max_items = (
        _number(node.get("minItems"), True),
        _number(node.get("maxItems"), True),
    )
    source = node.get("items") if f.type == "choices" else node
    if f.type in ("choice", "choices") and isinstance(source, Mapping):
        f.choices = _read_choices(source)
    f.widget = "select" if node.get("x-widget") == "select" else "radio"


def _read_choices(node: Mapping) -> list[Choice]:
    enum = node.get("enum")
    labels = node.get("x-enum-labels")
    labels = labels if isinstance(labels, Mapping) else {}
    out = []
    for code in enum if isinstance(enum, list) else []:
        names = labels.get(code) if isinstance(code, str) else None
        names = names if isinstance(names, Mapping) else {}
        out.append(Choice(code, _text(names.get("th")), _text(names.get("en"))))
    return out


def from_schema(schema: Mapping) -> FormModel:
    """The builder's model of a form schema (what it cannot edit is kept as written)."""
    model = FormModel(
        title_th=_text(schema.get("title")),
        title_en=_text(schema.get("x-title-en")),
        extra={k: copy.deepcopy(v) for k, v in schema.items() if k not in _FORM_KEYS},
    )
    for key, node in ordered(schema).items():
        model.fields.append(from_field(str(key), node))
    required = schema.get("required")
    for key in required if isinstance(required, list) else []:
        found = model.get(key) if isinstance(key, str) else None
        if found is not None:
            found.required = True
    rules = schema.get("allOf")
    for rule in rules if isinstance(rules, list) else []:
        if not apply_rule(model, rule):
            model.advanced_rules.append(copy.deepcopy(rule))
    return model


def ordered(schema: Mapping) -> dict:
    """The form's top-level properties in the order its `x-order` gives (others after)."""
    props = schema.get("properties")
    props = props if isinstance(props, Mapping) else {}
    order = schema.get("x-order")
    first = [k for k in order if k in props] if isinstance(order, list) else []
    keys = list(dict.fromkeys([*first, *props]))
    return {k: props[k] for k in keys}
