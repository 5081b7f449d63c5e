"""The form builder's model (forms/builder.py): a task form as a list of fields, the field
types the builder edits, and what a new field of a special type starts with.

`FormProblem` is what the builder and its checks (forms/schemacheck.py) raise on a form they
refuse; `values_of` is what a condition on a field may name (forms/formrules.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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

MISSING = object()


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
    return sorted(k for k, v in f.extra.items() if usual.get(k, MISSING) != v)


def values_of(f: FormField) -> list[Any]:
    """The values a condition on this field may name, in the field's order."""
    if f.type == "choice":
        return [c.code for c in f.choices]
    if f.type == "yesno":
        return [True, False]
    return []
