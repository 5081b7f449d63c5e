"""Decision tables reading variables that nothing sets: a typo there silently matches no rule."""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable, Mapping
from contextlib import suppress
from typing import Any

from engine.workflow import expressions
from engine.workflow.camunda import CAMUNDA
from engine.workflow.findings import WARNING, Finding
from engine.workflow.validation.documents import Document, at, find, label


def variable_findings(
    specs: list[Any], docs: list[Document], files: Mapping[str, str], known: Iterable[str]
) -> list[Finding]:
    """DMN input expressions naming a variable neither known at start nor set by the process."""
    assigned = set(known) | _assigned(specs) | _form_fields(specs, docs, files)
    findings, seen = [], set()
    for process in specs:
        for spec in process.task_specs.values():
            table = getattr(getattr(spec, "dmnEngine", None), "decision_table", None)
            task = find(docs, getattr(spec, "bpmn_id", None))
            if table is None or task is None or task[0].called:
                continue
            for column in table.inputs:
                name = first_name(column.expression or "")
                if name is None or name in assigned or (table.id, column.id) in seen:
                    continue
                seen.add((table.id, column.id))
                located = find(docs, column.id) or task
                findings.append(_unknown(located[0], located[1], name, task[1]))
    return findings


def _unknown(doc: Document, column: Any, name: str, task: Any) -> Finding:
    expression = next((n for n in column.iter("{*}text")), column)
    return at(
        doc,
        column,
        WARNING,
        "unknown-variable",
        f"{label(column)}: ตารางตัดสินใจอ่านตัวแปร '{name}' (จาก {label(task)}) "
        "แต่ไม่มีในข้อมูลเรื่องและไม่มีสคริปต์หรือแบบฟอร์มใดกำหนดค่า",
        f"{label(column)}: the decision table reads '{name}' (from {label(task)}), which is "
        "not case data and which no script or form of the process sets.",
        line=expression.sourceline,
    )


def first_name(expression: str) -> str | None:
    """The variable an input expression reads: `category` → category, `case.area` → case."""
    try:
        tree = ast.parse(expression.strip(), mode="eval").body
    except (SyntaxError, ValueError):
        return None  # the sandbox's compile step reports it
    while isinstance(tree, (ast.Attribute, ast.Subscript)):
        tree = tree.value
    if isinstance(tree, ast.Name):
        return tree.id
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    names = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in called]
    names.sort(key=lambda n: (n.lineno, n.col_offset))
    return names[0].id if names else None


def _assigned(specs: Iterable[Any]) -> set[str]:
    """Names set by scripts, decision tables, messages, data objects and loops of the process."""
    names: set[str] = set()
    for process in specs:
        names.update(getattr(process, "data_objects", None) or {})
        for spec in process.task_specs.values():
            for _what, source, is_script in expressions.code_of(spec):
                if is_script:
                    names.update(_stored(source))
            table = getattr(getattr(spec, "dmnEngine", None), "decision_table", None)
            if table is not None:
                names.update(o.name for o in table.outputs if o.name)
            event = getattr(spec, "event_definition", None)
            names.update(n for n in [getattr(event, "message_var", None)] if n)
            for item in (getattr(spec, "input_item", None), getattr(spec, "output_item", None)):
                names.update(n for n in [getattr(item, "bpmn_id", None)] if n)
    return names


def _stored(source: str) -> set[str]:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return set()
    return {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }


def _form_fields(specs: Iterable[Any], docs: list[Document], files: Mapping[str, str]) -> set[str]:
    """Fields of the forms the user tasks show: Damrong's forms, Camunda's, JSON files given."""
    from forms.loader import FormNotFound, load_schema  # forms sit below the engine

    names: set[str] = set()
    for process in specs:
        for spec in process.task_specs.values():
            form = (getattr(spec, "extensions", None) or {}).get("properties", {}).get("form")
            # an unknown or broken form is reported where forms are checked
            with suppress(FormNotFound, ValueError, OSError):
                names.update(load_schema(form).get("properties", {}) if form else ())
    for doc in docs:
        names.update(f.get("id") for f in doc.root.iter(f"{{{CAMUNDA}}}formField") if f.get("id"))
    for name, text in files.items():
        if name.endswith(".json"):
            try:
                schema = json.loads(text)
            except ValueError:
                continue
            if isinstance(schema, dict) and isinstance(schema.get("properties"), dict):
                names.update(schema["properties"])
    return names
