"""Task forms a deploy makes when a diagram names none: from Camunda formData fields, from the
choices of the exclusive gateway that follows the task, or the generic "outcome + note" form."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

GENERIC_FORM = "outcome_note"
_TYPES = {"long": "integer", "boolean": "boolean", "string": "string", "enum": "string"}


def generic_form() -> dict:
    """The form a user task gets when its diagram names none: an outcome and a note."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "บันทึกผลการดำเนินงาน",
        "x-title-en": "Record the outcome",
        "type": "object",
        "additionalProperties": False,
        "required": ["outcome"],
        "properties": {
            "outcome": {
                "title": "ผลการดำเนินงาน",
                "x-title-en": "Outcome",
                "type": "string",
                "enum": ["done", "not_done"],
                "x-enum-labels": {
                    "done": {"th": "ดำเนินการแล้ว", "en": "Done"},
                    "not_done": {"th": "ดำเนินการไม่ได้", "en": "Could not be done"},
                },
                "x-widget": "radio",
            },
            "note": {
                "title": "บันทึก",
                "x-title-en": "Note",
                "type": "string",
                "maxLength": 5000,
                "x-widget": "textarea",
                "x-store": "note",
            },
        },
    }


def form_from_fields(title: str, fields: Iterable[Mapping[str, Any]]) -> dict:
    """A JSON Schema form from Camunda formData fields (id, label, type, required, values)."""
    props: dict[str, dict] = {}
    required = []
    for spec in fields:
        fid = str(spec.get("id") or "")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,63}", fid):
            continue
        kind = str(spec.get("type") or "string")
        node: dict[str, Any] = {
            "title": spec.get("label") or fid,
            "type": _TYPES.get(kind, "string"),
        }
        if kind == "date":
            node["format"] = "date"
        if kind == "string":
            node["maxLength"] = 2000
        values = spec.get("values") or []
        if kind == "enum" and values:
            node["enum"] = [str(v["id"]) for v in values]
            node["x-enum-labels"] = {
                str(v["id"]): {"th": v.get("name") or v["id"], "en": v.get("name") or v["id"]}
                for v in values
            }
        props[fid] = node
        if spec.get("required"):
            required.append(fid)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "x-title-en": title,
        "type": "object",
        "additionalProperties": False,
        "required": required,
        "properties": props,
    }


def decision_form(
    title: str, spec: Any, flow_name: Callable[[str, str], str | None]
) -> dict | None:
    """The form of a task that an exclusive gateway follows: its conditions' choices.

    A plain diagram decides with `decision == "accept"` on the gateway's flows: the task that
    comes before it then asks for `decision`, one choice per flow (named as the flow is), and
    one for the default flow. None when the conditions are not such comparisons."""
    gateway = next((o for o in getattr(spec, "outputs", []) if hasattr(o, "cond_task_specs")), None)
    if gateway is None:
        return None
    choices: dict[str, dict[str, str]] = {}
    field_name = None
    for condition, target in gateway.cond_task_specs:
        if condition is None:
            continue
        found = _comparison((getattr(condition, "args", None) or [""])[0])
        if found is None or (field_name is not None and found[0] != field_name):
            return None
        field_name = found[0]
        label = flow_name(gateway.name, target.split(".")[0]) or found[1]
        choices[found[1]] = {"th": label, "en": label}
    if field_name is None:
        return None
    default = getattr(gateway, "default_task_spec", None)
    if default:
        label = flow_name(gateway.name, default.split(".")[0]) or "อื่น ๆ"
        choices.setdefault("other", {"th": label, "en": label})
    form = generic_form()
    form["title"] = form["x-title-en"] = title
    form["required"] = [field_name]
    form["properties"] = {
        field_name: {
            "title": "ผลการพิจารณา",
            "x-title-en": "Decision",
            "type": "string",
            "enum": list(choices),
            "x-enum-labels": choices,
            "x-widget": "radio",
        },
        "note": form["properties"]["note"],
    }
    return form


def _comparison(source: str) -> tuple[str, str] | None:
    """`name == "literal"` (either way round) as (name, literal); else None."""
    try:
        tree = ast.parse(source.strip(), mode="eval").body
    except SyntaxError:
        return None
    if not (
        isinstance(tree, ast.Compare) and len(tree.ops) == 1 and isinstance(tree.ops[0], ast.Eq)
    ):
        return None
    left, right = tree.left, tree.comparators[0]
    if isinstance(right, ast.Name):
        left, right = right, left
    if (
        isinstance(left, ast.Name)
        and isinstance(right, ast.Constant)
        and isinstance(right.value, str)
    ):
        return left.id, right.value
    return None
