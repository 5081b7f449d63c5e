"""The form builder's model: a task form as a list of fields, and its JSON Schema, both ways.

A designer edits fields (key, Thai and English label and help, type, required, choices, limits,
conditions on other fields); `to_schema` writes the JSON Schema the renderer (forms/render.py)
and the validator (forms/validation.py) read, `from_schema` reads one back. What the builder does
not edit survives as written: unknown keys of a field (`pattern`, `x-pattern-message`…) and of the
form travel in `extra`, a field the builder cannot represent is kept whole as an "advanced" field,
and a rule of `allOf` that is not a condition the builder knows is kept in `advanced_rules`. The
designer sees those listed and edits them in the JSON view.

Conditions are plain JSON Schema inside the form's `allOf`, so the inbox, the API and the
designer's preview check them with the same validator:
- required when: {"if": {"properties": {src: {"const": v}}, "required": [src]},
                  "then": {"required": [field, …]}} (the shape the shipped forms use);
- shown when:    {"if": {"properties": {src: {"enum": [v, …]}}, "required": [src]},
                  "then": {"required": [the fields required when shown]},
                  "else": {"properties": {field: false, …}}} (a hidden field may not be sent).
`conditions(schema)` reads them for the renderer, which hides a field while its condition fails.
"""

from __future__ import annotations

import copy
import json
import keyword
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"
MAX_SCHEMA_BYTES = 256 * 1024  # one form as UTF-8 JSON
MAX_DEPTH = 32  # objects and lists inside one another
MAX_FIELDS = 100
MAX_CHOICES = 200
MAX_LABEL = 300
MAX_HELP = 2000
MAX_PATTERN = 300
KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")
CODE = re.compile(r"[A-Za-z0-9_-]{1,64}")
RESERVED = {"csrf_token"}
# A quantified group that itself holds a quantifier, (a+)+: catastrophic backtracking.
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{]")

TYPES: dict[str, tuple[str, str]] = {
    "text": ("ข้อความสั้น", "Short text"),
    "textarea": ("ข้อความยาว", "Long text"),
    "number": ("ตัวเลข", "Number"),
    "integer": ("จำนวนเต็ม", "Whole number"),
    "date": ("วันที่", "Date"),
    "yesno": ("ใช่ / ไม่ใช่", "Yes / no"),
    "checkbox": ("ช่องทำเครื่องหมาย", "Tick box"),
    "choice": ("เลือกได้ข้อเดียว", "Choose one"),
    "choices": ("เลือกได้หลายข้อ", "Choose several"),
    "email": ("อีเมล", "E-mail"),
    "phone": ("หมายเลขโทรศัพท์", "Phone number"),
    "agency": ("หน่วยงาน", "Agency"),
    "category": ("ประเภทเรื่อง", "Category"),
    "area": ("พื้นที่ (จังหวัด อำเภอ ตำบล)", "Area (province, district, subdistrict)"),
}
ADVANCED = "advanced"  # a field kept as written: edited in the JSON view only
STRINGS = {"text", "textarea", "email", "phone", "date", "agency", "category", "area", "choice"}
LENGTHS = {"text", "textarea", "email", "phone"}
SOURCES = {"choice", "yesno"}  # fields a condition may look at
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
# What a new field of a special type starts with (the codes the engine expects).
DEFAULT_EXTRA = {
    "agency": {
        "pattern": "^[a-z0-9_-]{2,32}$",
        "x-pattern-message": "รหัสหน่วยงานไม่ถูกต้อง",
        "x-pattern-message-en": "Not a valid agency code.",
    },
    "category": {"pattern": "^[a-z0-9_-]{2,32}$"},
    "area": {
        "pattern": "^[0-9]{2}([0-9]{2}([0-9]{2})?)?$",
        "x-pattern-message": "รหัสพื้นที่ต้องเป็นตัวเลข 2, 4 หรือ 6 หลัก",
        "x-pattern-message-en": "An area code has 2, 4 or 6 digits.",
    },
    "phone": {
        "pattern": "^[0-9+() -]{6,20}$",
        "x-pattern-message": "หมายเลขโทรศัพท์ไม่ถูกต้อง",
        "x-pattern-message-en": "Not a valid phone number.",
    },
}


class FormProblem(ValueError):
    """A form the builder refuses: {where: (Thai, English)} for each problem."""

    def __init__(self, problems: dict[str, tuple[str, str]]) -> None:
        super().__init__("; ".join(en for _th, en in problems.values()))
        self.problems = problems


@dataclass
class Choice:
    """One choice of a choice field: the stored code and what people read."""

    code: str
    label_th: str = ""
    label_en: str = ""


@dataclass
class Condition:
    """`field` (a choice or yes/no field) has one of `values` (codes, or True/False)."""

    field: str
    values: list[Any]


@dataclass
class FormField:
    """One field as the builder shows it."""

    key: str
    type: str = "text"
    label_th: str = ""
    label_en: str = ""
    help_th: str = ""
    help_en: str = ""
    required: bool = False  # with show_when: required whenever shown
    choices: list[Choice] = field(default_factory=list)
    widget: str = "radio"  # a choice: radio buttons or a drop-down list ("select")
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    min_items: int | None = None
    max_items: int | None = None
    note: bool = False  # kept as a case note, out of the workflow (x-store "note")
    show_when: Condition | None = None
    require_when: Condition | None = None
    extra: dict[str, Any] = field(
        default_factory=dict
    )  # kept as written (the whole field if advanced)


@dataclass
class FormModel:
    """A form: its titles, fields in order, and what only the JSON view edits."""

    title_th: str = ""
    title_en: str = ""
    fields: list[FormField] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=lambda: {"additionalProperties": False})
    advanced_rules: list[Any] = field(default_factory=list)

    def get(self, key: str) -> FormField | None:
        """The field with this key, if any."""
        return next((f for f in self.fields if f.key == key), None)

    def advanced_parts(self) -> list[tuple[str, str]]:
        """(Thai, English) of each part kept as written, which only the JSON view edits."""
        out = []
        for f in self.fields:
            if f.type == ADVANCED:
                out.append((f"ช่อง «{f.key}» ทั้งช่อง", f"the whole field «{f.key}»"))
            elif _unusual(f):
                keys = ", ".join(_unusual(f))
                out.append((f"ช่อง «{f.key}»: {keys}", f"field «{f.key}»: {keys}"))
        if set(self.extra) - {"additionalProperties"}:
            keys = ", ".join(sorted(set(self.extra) - {"additionalProperties"}))
            out.append((f"แบบฟอร์ม: {keys}", f"the form: {keys}"))
        if self.advanced_rules:
            n = len(self.advanced_rules)
            out.append((f"กฎใน allOf อีก {n} ข้อ", f"{n} other rule(s) in allOf"))
        return out


def _unusual(f: FormField) -> list[str]:
    """A field's kept keys, but those every field of its type starts with."""
    usual = DEFAULT_EXTRA.get(f.type, {})
    return sorted(k for k, v in f.extra.items() if usual.get(k, _MISSING) != v)


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
    rules = _condition_rules(model) + copy.deepcopy(model.advanced_rules)
    if rules:
        schema["allOf"] = rules
    return schema


def _match(values: list) -> dict:
    return {"const": values[0]} if len(values) == 1 else {"enum": list(values)}


def _condition_rules(model: FormModel) -> list[dict]:
    rules: list[dict] = []
    shown: dict[tuple[str, str], list[FormField]] = {}
    for f in model.fields:
        if f.show_when and f.type != ADVANCED:
            group = (f.show_when.field, json.dumps(f.show_when.values))
            shown.setdefault(group, []).append(f)
    for (source, _), group in shown.items():
        values = group[0].show_when.values  # type: ignore[union-attr]
        rule: dict[str, Any] = {
            "if": {"properties": {source: _match(values)}, "required": [source]}
        }
        wanted = [f.key for f in group if f.required]
        if wanted:
            rule["then"] = {"required": wanted}
        rule["else"] = {"properties": {f.key: False for f in group}}
        rules.append(rule)
    for source in model.fields:
        for value in _values_of(source):
            wanted = [
                f.key
                for f in model.fields
                if f.require_when
                and f.type != ADVANCED
                and f.require_when.field == source.key
                and value in f.require_when.values
            ]
            if wanted:
                match = {"properties": {source.key: {"const": value}}, "required": [source.key]}
                rules.append({"if": match, "then": {"required": wanted}})
    return rules


def _values_of(f: FormField) -> list[Any]:
    """The values a condition on this field may name, in the field's order."""
    if f.type == "choice":
        return [c.code for c in f.choices]
    if f.type == "yesno":
        return [True, False]
    return []


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
        if any(field_node(f).get(k, _MISSING) != node.get(k, _MISSING) for k in managed):
            f = FormField(key=key, type=ADVANCED)
    if f.type == ADVANCED:
        f.extra = copy.deepcopy(node)
        f.label_th = str(node.get("title") or key)
        f.label_en = str(node.get("x-title-en") or "")
    return f


_MISSING = object()
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
        if not _apply_rule(model, rule):
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


def read_rule(rule: object) -> tuple[str, list, list[str], list[str]] | None:
    """(source, values, required fields, hidden-otherwise fields) of a condition the builder
    writes; None for any other rule."""
    if not isinstance(rule, dict) or not set(rule) <= {"if", "then", "else"}:
        return None
    test, then, other = rule.get("if"), rule.get("then", {}), rule.get("else", {})
    if not (isinstance(test, dict) and set(test) == {"properties", "required"}):
        return None
    props = test["properties"]
    if not (isinstance(props, dict) and len(props) == 1):
        return None
    source, match = next(iter(props.items()))
    if test["required"] != [source] or not isinstance(match, dict):
        return None
    if set(match) == {"const"}:
        values = [match["const"]]
    elif set(match) == {"enum"} and isinstance(match["enum"], list) and match["enum"]:
        values = list(match["enum"])
    else:
        return None
    if not all(isinstance(v, str | bool) for v in values):
        return None
    wanted = (
        then.get("required", []) if isinstance(then, dict) and set(then) <= {"required"} else None
    )
    hidden = (
        other.get("properties", {})
        if isinstance(other, dict) and set(other) <= {"properties"}
        else None
    )
    if not isinstance(wanted, list) or not isinstance(hidden, dict) or not (wanted or hidden):
        return None
    if not all(isinstance(k, str) for k in wanted) or any(v is not False for v in hidden.values()):
        return None
    return source, values, list(wanted), list(hidden)


def _apply_rule(model: FormModel, rule: object) -> bool:
    """Put a condition on its fields; False (nothing changed) if the builder cannot show it."""
    read = read_rule(rule)
    if read is None:
        return False
    source_key, values, wanted, hidden = read
    source = model.get(source_key)
    if source is None or source.type not in SOURCES or not set(values) <= set(_values_of(source)):
        return False
    if any(type(v) is not type(_values_of(source)[0]) for v in values):
        return False
    targets = [model.get(k) for k in {*wanted, *hidden}]
    if any(t is None or t.type == ADVANCED or t is source for t in targets):
        return False
    if hidden and (set(wanted) - set(hidden)):
        return False  # one rule both shows and requires others: the JSON view keeps it
    for key in hidden:
        if model.get(key).show_when is not None:  # type: ignore[union-attr]
            return False
    for key in wanted if not hidden else []:
        now = model.get(key).require_when  # type: ignore[union-attr]
        if now is not None and now.field != source_key:
            return False
    for key in hidden:
        target = model.get(key)
        target.show_when = Condition(source_key, values)  # type: ignore[union-attr]
        target.required = target.required or key in wanted  # type: ignore[union-attr]
    for key in wanted if not hidden else []:
        target = model.get(key)
        now = target.require_when  # type: ignore[union-attr]
        merged = [*(now.values if now else []), *values]
        order = _values_of(source)
        target.require_when = Condition(source_key, sorted(set(merged), key=order.index))  # type: ignore[union-attr]
    return True


def conditions(schema: Mapping) -> dict[str, dict[str, list[dict]]]:
    """For the renderer: {field: {"show": [{field, values}], "require": [{field, values}]}}
    from the form's top-level condition rules (each show rule must hold for the field to show)."""
    out: dict[str, dict[str, list[dict]]] = {}
    rules = schema.get("allOf")
    for rule in rules if isinstance(rules, list) else []:
        read = read_rule(rule)
        if read is None:
            continue
        source, values, wanted, hidden = read
        for key in hidden:
            out.setdefault(key, {"show": [], "require": []})["show"].append(
                {"field": source, "values": values}
            )
        for key in [] if hidden else wanted:
            slot = out.setdefault(key, {"show": [], "require": []})["require"]
            same = next((c for c in slot if c["field"] == source), None)
            if same is None:
                slot.append({"field": source, "values": list(values)})
            else:
                same["values"] += [v for v in values if v not in same["values"]]
    return out


# ---------------------------------------------------------------- checks


def parse_json(text: str) -> dict:
    """A form schema typed in the JSON view: one JSON object, no duplicate keys, no NaN."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_SCHEMA_BYTES:
        raise _one(
            "schema",
            f"JSON ยาวเกิน {MAX_SCHEMA_BYTES // 1024} KB",
            f"The JSON is longer than {MAX_SCHEMA_BYTES // 1024} KB.",
        )

    def pairs(items: list[tuple[str, Any]]) -> dict:
        seen: dict[str, Any] = {}
        for k, v in items:
            if k in seen:
                raise _one(
                    "schema", f"คีย์ «{k[:64]}» ซ้ำกันใน JSON", f"The key «{k[:64]}» appears twice."
                )
            seen[k] = v
        return seen

    def constant(name: str) -> None:
        raise _one("schema", f"JSON ใช้ {name} ไม่ได้", f"{name} is not allowed in JSON.")

    try:
        value = json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
    except RecursionError:
        raise _depth_problem() from None
    except ValueError as exc:
        if isinstance(exc, FormProblem):
            raise
        where = f"line {getattr(exc, 'lineno', '?')}, column {getattr(exc, 'colno', '?')}"
        raise _one(
            "schema",
            f"อ่าน JSON ไม่ได้ (บรรทัด {getattr(exc, 'lineno', '?')} "
            f"คอลัมน์ {getattr(exc, 'colno', '?')})",
            f"The JSON cannot be read ({where}).",
        ) from None
    if not isinstance(value, dict):
        raise _one("schema", "แบบฟอร์มต้องเป็นออบเจ็กต์ JSON { … }", "A form is a JSON object { … }.")
    return value


def check_schema(schema: object) -> dict:
    """The schema if the renderer and validator can use it as a task form; else FormProblem."""
    if not isinstance(schema, dict):
        raise _one("schema", "แบบฟอร์มต้องเป็นออบเจ็กต์ JSON { … }", "A form is a JSON object { … }.")
    if _depth(schema) > MAX_DEPTH:
        raise _depth_problem()
    size = len(json.dumps(schema, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    if size > MAX_SCHEMA_BYTES:
        kb = MAX_SCHEMA_BYTES // 1024
        raise _one(
            "schema",
            f"แบบฟอร์มใหญ่เกิน {kb} KB ({size // 1024} KB)",
            f"The form is larger than {kb} KB ({size // 1024} KB).",
        )
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.path) or "(root)"
        detail = exc.message[:200]
        raise _one(
            "schema",
            f"JSON Schema ไม่ถูกต้องที่ {where}: {detail}",
            f"Not a valid JSON Schema at {where}: {detail}",
        ) from None
    if schema.get("type") != "object" or not isinstance(schema.get("properties", {}), dict):
        raise _one(
            "schema",
            'แบบฟอร์มต้องมี "type": "object" และ "properties" เป็นออบเจ็กต์',
            'A form has "type": "object" and "properties" as an object.',
        )
    props = schema.get("properties", {})
    if len(props) > MAX_FIELDS:
        raise _one(
            "schema",
            f"แบบฟอร์มหนึ่งมีได้ไม่เกิน {MAX_FIELDS} ช่อง",
            f"A form has at most {MAX_FIELDS} fields.",
        )
    for key in props:
        problem = key_problem(key)
        if problem:
            raise _one("schema", *problem)
    for path, value in _walk(schema, ()):
        _check_value(path, value)
    return schema


def key_problem(key: object) -> tuple[str, str] | None:
    """Why a field key cannot be used (Thai, English), or None."""
    shown = str(key)[:64]
    if (
        not isinstance(key, str)
        or not KEY.fullmatch(key)
        or keyword.iskeyword(key)
        or key in RESERVED
    ):
        return (
            f"รหัสช่อง «{shown}» ใช้ไม่ได้: ขึ้นต้นด้วยอักษรอังกฤษ ตามด้วย a-z A-Z 0-9 _ "
            "ไม่เกิน 64 ตัว และไม่ใช่คำสงวน",
            f"The field key «{shown}» cannot be used: a letter, then a-z A-Z 0-9 _ "
            "(64 at most), not a reserved word.",
        )
    return None


def _check_value(path: tuple, value: object) -> None:
    where = "/".join(str(p) for p in path)[:200]
    key = path[-1] if path else ""
    if key in ("$ref", "$dynamicRef") and not (isinstance(value, str) and value.startswith("#")):
        raise _one(
            "schema",
            f"{where}: อ้างถึงได้เฉพาะภายในแบบฟอร์ม (#…)",
            f"{where}: only references inside the form (#…) are allowed.",
        )
    slow = isinstance(value, str) and (
        len(value) > MAX_PATTERN or bool(_NESTED_QUANTIFIER.search(value))
    )
    if key == "pattern" and slow:
        raise _one(
            "schema",
            f"{where}: รูปแบบ (pattern) ยาวหรือซับซ้อนเกินไป",
            f"{where}: the pattern is too long or nests quantifiers (slow to check).",
        )


def _walk(node: object, path: tuple) -> Iterator[tuple[tuple, object]]:
    stack = [(node, path)]
    while stack:
        current, where = stack.pop()
        if isinstance(current, dict):
            for k, v in current.items():
                yield (*where, k), v
                stack.append((v, (*where, k)))
        elif isinstance(current, list):
            stack.extend((v, (*where, i)) for i, v in enumerate(current))


def _depth(node: object) -> int:
    deepest, stack = 0, [(node, 1)]
    while stack:
        current, depth = stack.pop()
        if isinstance(current, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_DEPTH:
                return depth
            values = current.values() if isinstance(current, dict) else current
            stack.extend((v, depth + 1) for v in values)
    return deepest


def _depth_problem() -> FormProblem:
    return _one(
        "schema",
        f"JSON ซ้อนกันลึกเกิน {MAX_DEPTH} ชั้น",
        f"The JSON is nested deeper than {MAX_DEPTH} levels.",
    )


def _one(where: str, th: str, en: str) -> FormProblem:
    return FormProblem({where: (th, en)})


def check_model(model: FormModel) -> None:
    """Raise FormProblem naming every field the designer must correct (Thai and English)."""
    problems: dict[str, tuple[str, str]] = {}
    if not model.title_th.strip():
        problems["title_th"] = ("กรุณาตั้งชื่อแบบฟอร์มภาษาไทย", "The form needs a Thai title.")
    for where, text, limit in (
        ("title_th", model.title_th, MAX_LABEL),
        ("title_en", model.title_en, MAX_LABEL),
    ):
        if len(text) > limit:
            problems[where] = (
                f"ชื่อแบบฟอร์มยาวเกิน {limit} ตัวอักษร",
                f"The form's title is longer than {limit} characters.",
            )
    if len(model.fields) > MAX_FIELDS:
        problems["fields"] = (
            f"แบบฟอร์มหนึ่งมีได้ไม่เกิน {MAX_FIELDS} ช่อง",
            f"A form has at most {MAX_FIELDS} fields.",
        )
    seen: set[str] = set()
    for index, f in enumerate(model.fields):
        message = _field_problem(model, f, seen)
        if message:
            problems[f"fields.{index}"] = message
        seen.add(f.key)
    if problems:
        raise FormProblem(problems)


def _field_problem(model: FormModel, f: FormField, seen: set[str]) -> tuple[str, str] | None:
    name = f.key[:64]
    if key_problem(f.key):
        return key_problem(f.key)
    if f.key in seen:
        return (f"รหัสช่อง «{name}» ซ้ำกับช่องอื่น", f"Two fields have the key «{name}».")
    if f.type == ADVANCED:
        return None
    if f.type not in TYPES:
        return (
            f"ช่อง «{name}»: ไม่รู้จักชนิด «{str(f.type)[:32]}»",
            f"Field «{name}»: unknown type «{str(f.type)[:32]}».",
        )
    if not f.label_th.strip():
        return (f"ช่อง «{name}»: กรุณาใส่ชื่อช่องภาษาไทย", f"Field «{name}» needs a Thai label.")
    for text, limit in (
        (f.label_th, MAX_LABEL),
        (f.label_en, MAX_LABEL),
        (f.help_th, MAX_HELP),
        (f.help_en, MAX_HELP),
    ):
        if len(text) > limit:
            return (
                f"ช่อง «{name}»: ข้อความยาวเกิน {limit} ตัวอักษร",
                f"Field «{name}»: a text is longer than {limit} characters.",
            )
    return _choices_problem(f) or _limits_problem(f) or _conditions_problem(model, f)


def _choices_problem(f: FormField) -> tuple[str, str] | None:
    name = f.key[:64]
    if f.type not in ("choice", "choices"):
        return None
    if not f.choices:
        return (
            f"ช่อง «{name}»: ต้องมีตัวเลือกอย่างน้อยหนึ่งข้อ",
            f"Field «{name}» needs at least one choice.",
        )
    if len(f.choices) > MAX_CHOICES:
        return (
            f"ช่อง «{name}»: มีตัวเลือกได้ไม่เกิน {MAX_CHOICES} ข้อ",
            f"Field «{name}» has more than {MAX_CHOICES} choices.",
        )
    codes = [c.code for c in f.choices]
    for c in f.choices:
        if not CODE.fullmatch(c.code):
            return (
                f"ช่อง «{name}»: รหัสตัวเลือก «{c.code[:64]}» ใช้ได้เฉพาะ A-Z a-z 0-9 _ - ไม่เกิน 64 ตัว",
                f"Field «{name}»: the choice code «{c.code[:64]}» may have only "
                "A-Z a-z 0-9 _ - (64 at most).",
            )
        if codes.count(c.code) > 1:
            return (
                f"ช่อง «{name}»: รหัสตัวเลือก «{c.code}» ซ้ำกัน",
                f"Field «{name}»: the choice code «{c.code}» appears twice.",
            )
        if not c.label_th.strip() or len(c.label_th) > MAX_LABEL or len(c.label_en) > MAX_LABEL:
            return (
                f"ช่อง «{name}»: ตัวเลือก «{c.code}» ต้องมีชื่อภาษาไทย ไม่เกิน {MAX_LABEL} ตัวอักษร",
                f"Field «{name}»: the choice «{c.code}» needs a Thai label of "
                f"{MAX_LABEL} characters at most.",
            )
    return None


def _limits_problem(f: FormField) -> tuple[str, str] | None:
    name = f.key[:64]
    pairs = ((f.min_length, f.max_length), (f.minimum, f.maximum), (f.min_items, f.max_items))
    for low, high in pairs:
        if low is not None and high is not None and low > high:
            return (
                f"ช่อง «{name}»: ค่าต่ำสุดมากกว่าค่าสูงสุด",
                f"Field «{name}»: the minimum is above the maximum.",
            )
    for count in (f.min_length, f.max_length, f.min_items, f.max_items):
        if count is not None and not 0 <= count <= 1_000_000:
            return (
                f"ช่อง «{name}»: จำนวนต้องอยู่ระหว่าง 0 ถึง 1,000,000",
                f"Field «{name}»: a length or count is between 0 and 1,000,000.",
            )
    for bound in (f.minimum, f.maximum):
        if bound is not None and abs(bound) > 1e15:
            return (f"ช่อง «{name}»: ค่าขอบเขตใหญ่เกินไป", f"Field «{name}»: a bound is too large.")
    return None


def _conditions_problem(model: FormModel, f: FormField) -> tuple[str, str] | None:
    name = f.key[:64]
    for condition, th, en in (
        (f.show_when, "แสดงเมื่อ", "shown when"),
        (f.require_when, "จำเป็นเมื่อ", "required when"),
    ):
        if condition is None:
            continue
        source = model.get(condition.field)
        if source is None or source is f or source.type not in SOURCES:
            return (
                f"ช่อง «{name}»: เงื่อนไข «{th}» ต้องอ้างถึงช่องอื่นที่เป็นแบบเลือกข้อเดียวหรือใช่/ไม่ใช่",
                f"Field «{name}»: «{en}» must name another field of type choose-one or yes/no.",
            )
        allowed = _values_of(source)
        wrong = [v for v in condition.values if v not in allowed or type(v) is not type(allowed[0])]
        if not condition.values or wrong:
            shown = ", ".join(str(v)[:32] for v in wrong) or "–"
            codes = ", ".join(str(v).lower() if isinstance(v, bool) else v for v in allowed)
            return (
                f"ช่อง «{name}»: เงื่อนไข «{th}» ต้องเลือกค่าของ «{source.key}» ({codes}) ไม่ใช่ {shown}",
                f"Field «{name}»: «{en}» takes values of «{source.key}» ({codes}), not {shown}.",
            )
    return None
