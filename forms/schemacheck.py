"""The form builder's checks (forms/builder.py): a form schema typed in the JSON view, a
schema the renderer and validator must be able to use, and a model as the designer built it,
each refused with a FormProblem naming what to correct (Thai and English), within the limits
below.
"""

from __future__ import annotations

import json
import keyword
import re
from collections.abc import Iterator
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from forms.formmodel import ADVANCED, SOURCES, TYPES, FormField, FormModel, FormProblem, values_of

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
        allowed = values_of(source)
        wrong = [v for v in condition.values if v not in allowed or type(v) is not type(allowed[0])]
        if not condition.values or wrong:
            shown = ", ".join(str(v)[:32] for v in wrong) or "–"
            codes = ", ".join(str(v).lower() if isinstance(v, bool) else v for v in allowed)
            return (
                f"ช่อง «{name}»: เงื่อนไข «{th}» ต้องเลือกค่าของ «{source.key}» ({codes}) ไม่ใช่ {shown}",
                f"Field «{name}»: «{en}» takes values of «{source.key}» ({codes}), not {shown}.",
            )
    return None
