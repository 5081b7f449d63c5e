"""The form builder's posted inputs (admin/designer_forms.py) read back into a model: the titles,
each field `_f<n>_…` (key, type, labels and help, choices one a line, limits, conditions typed
as a field and its values), and what only the JSON view edits, kept in hidden inputs. Every
problem found is named (Thai, English) for the page to show beside the field.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from forms import builder
from forms.builder import Choice, Condition, FormField, FormModel, FormProblem


def model_from(form: Mapping) -> tuple[FormModel, dict[str, tuple[str, str]]]:
    """The builder's posted inputs as a model, and every problem found (Thai, English)."""
    problems: dict[str, tuple[str, str]] = {}
    model = FormModel(title_th=_get(form, "_title_th"), title_en=_get(form, "_title_en"))
    model.extra = _json_input(form, "_form_extra", dict, problems) or {}
    model.advanced_rules = _json_input(form, "_rules", list, problems) or []
    count = _get(form, "_count")
    count_n = min(int(count), builder.MAX_FIELDS + 1) if count.isascii() and count.isdigit() else 0
    wanted: list[tuple[FormField, dict[str, str]]] = []
    for i in range(count_n):
        f, conditions = _field_from(form, i, problems)
        model.fields.append(f)
        wanted.append((f, conditions))
    for f, conditions in wanted:  # conditions name other fields: read once all are known
        f.show_when = _condition(model, conditions["show_field"], conditions["show_values"])
        f.require_when = _condition(model, conditions["req_field"], conditions["req_values"])
    if not problems:
        try:
            builder.check_model(model)
        except FormProblem as exc:
            problems.update(exc.problems)
    return model, problems


def _get(form: Mapping, name: str, limit: int = 20_000) -> str:
    value = form.get(name, "")
    return value.replace("\r\n", "\n").strip()[:limit] if isinstance(value, str) else ""


def _json_input(form: Mapping, name: str, kind: type, problems: dict) -> object:
    text = _get(form, name, builder.MAX_SCHEMA_BYTES)
    if not text:
        return None
    try:
        value = builder.parse_json(text) if kind is dict else json.loads(text)
    except (FormProblem, ValueError, RecursionError):
        value = None
    if not isinstance(value, kind):
        problems[name] = (
            "ข้อมูลที่ซ่อนไว้ในหน้าไม่ถูกต้อง กรุณาโหลดหน้าใหม่",
            "The page's hidden data is not valid; reload it.",
        )
        return None
    return value


def _field_from(form: Mapping, i: int, problems: dict) -> tuple[FormField, dict[str, str]]:
    p = f"_f{i}_"
    kind, original = _get(form, p + "type"), _get(form, p + "orig")
    f = FormField(key=_get(form, p + "key", 100), type=kind)
    extra = _json_input(form, p + "extra", dict, problems) or {}
    if kind == builder.ADVANCED or original == builder.ADVANCED:
        f.type, f.extra = builder.ADVANCED, extra  # kept whole; the JSON view edits it
        f.label_th, f.required = _get(form, p + "label_th"), bool(form.get(p + "required"))
        return f, dict.fromkeys(("show_field", "show_values", "req_field", "req_values"), "")
    f.extra = extra if kind == original else {}  # another type: its old settings would not fit
    f.label_th, f.label_en = _get(form, p + "label_th"), _get(form, p + "label_en")
    f.help_th, f.help_en = _get(form, p + "help_th"), _get(form, p + "help_en")
    f.required, f.note = bool(form.get(p + "required")), bool(form.get(p + "note"))
    f.widget = "select" if _get(form, p + "widget") == "select" else "radio"
    f.choices = _choices(_get(form, p + "choices", 60_000))
    low, high = _bound(form, p + "min", i, problems), _bound(form, p + "max", i, problems)
    if kind in ("number", "integer"):
        f.minimum, f.maximum = low, high
    elif kind == "choices":
        f.min_items, f.max_items = _whole(low, i, problems), _whole(high, i, problems)
    elif kind in builder.LENGTHS:
        f.min_length, f.max_length = _whole(low, i, problems), _whole(high, i, problems)
    names = ("show_field", "show_values", "req_field", "req_values")
    return f, {n: _get(form, p + n, 2000) for n in names}


def _choices(text: str) -> list[Choice]:
    """One choice a line: `code | ไทย | English` (a line with only a label takes it as code)."""
    out = []
    for line in text.splitlines():
        parts = [part.strip() for part in line.split("|")]
        if not any(parts):
            continue
        parts += ["", ""]
        out.append(Choice(parts[0], parts[1] or parts[0], parts[2]))
    return out


def choices_text(f: FormField) -> str:
    return "\n".join(f"{c.code} | {c.label_th} | {c.label_en}".rstrip(" |") for c in f.choices)


def _bound(form: Mapping, name: str, i: int, problems: dict) -> float | int | None:
    raw = _get(form, name, 40).replace(",", "")
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if value != value or abs(value) > 1e15:
        problems[f"fields.{i}"] = (
            f"ช่องที่ {i + 1}: «{raw}» ไม่ใช่ตัวเลข",
            f"Field {i + 1}: «{raw}» is not a number.",
        )
        return None
    return int(value) if value.is_integer() else value


def _whole(value: float | int | None, i: int, problems: dict) -> int | None:
    if value is None or isinstance(value, int):
        return value
    problems[f"fields.{i}"] = (
        f"ช่องที่ {i + 1}: จำนวนต้องเป็นจำนวนเต็ม",
        f"Field {i + 1}: a length or count is a whole number.",
    )
    return None


def _condition(model: FormModel, source_key: str, raw: str) -> Condition | None:
    """A condition as typed: the field it looks at and its values (codes, or yes/no)."""
    if not source_key:
        return None
    source = model.get(source_key)
    words = [w.strip() for w in raw.replace("،", ",").split(",") if w.strip()]
    if source is not None and source.type == "yesno":
        truth = {"true": True, "yes": True, "ใช่": True, "false": False, "no": False, "ไม่ใช่": False}
        return Condition(source_key, [truth.get(w.lower(), w) for w in words])
    return Condition(source_key, words)


def condition_text(condition: Condition | None) -> str:
    if condition is None:
        return ""
    return ", ".join(str(v).lower() if isinstance(v, bool) else str(v) for v in condition.values)
