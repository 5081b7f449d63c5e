"""Gateway conditions that read a variable nothing sets: a warning at deploy, not a failed case.

A Camunda diagram's `decision != 'refer' and urgent` fails every case whose screener's form has
no `urgent`. Known are the case's own data, the fields of the forms this version carries, what
its scripts, decision tables and messages set, and the helpers scripts may call. A variable the
case data may still carry is only a warning: the designer decides.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from engine.workflow.findings import WARNING, Finding
from engine.workflow.validation.dmn import _assigned

# Names the sandbox itself offers to every expression (engine/workflow/scripting.py).
_ALWAYS = frozenset(dir(builtins)) | {
    "category_default_agency",
    "refer_case",
    "notify",
    "policy_duration",
    "province_of",
}


def _read(source: str) -> set[str]:
    """The names an expression reads (not those its comprehensions bind)."""
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except (SyntaxError, ValueError):
        return set()  # validation reports it
    bound = {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    return {
        n.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id not in bound
    }


def findings(
    process_specs: Iterable[Any],
    forms: Mapping[str, dict],
    case_variables: Iterable[str],
    helpers: Iterable[str],
    where: Callable[[str], tuple[str, int | None]],
) -> list[Finding]:
    """A warning per gateway condition reading a name that nothing known sets."""
    specs = list(process_specs)
    known = set(_ALWAYS) | set(case_variables) | set(helpers) | _assigned(specs)
    for schema in forms.values():
        known.update((schema.get("properties") or {}).keys())
        for branch in schema.get("allOf") or []:
            known.update(((branch.get("then") or {}).get("properties") or {}).keys())
    out = []
    for process in specs:
        for spec in process.task_specs.values():
            for condition, _target in getattr(spec, "cond_task_specs", None) or []:
                source = (getattr(condition, "args", None) or [None])[0]
                if not isinstance(source, str):
                    continue
                unknown = sorted(_read(source) - known)
                if not unknown:
                    continue
                element = getattr(spec, "bpmn_id", None) or spec.name
                file, line = where(element)
                names = ", ".join(unknown)
                out.append(
                    Finding(
                        file,
                        line,
                        element,
                        getattr(spec, "bpmn_name", None),
                        WARNING,
                        "unknown-variable",
                        f"เงื่อนไข «{source.strip()[:120]}» ใช้ {names} ซึ่งไม่มีแบบฟอร์ม สคริปต์ "
                        "หรือข้อมูลเรื่องใดกำหนดค่า เรื่องที่ไม่มีค่านี้จะหยุดที่จุดนี้",
                        f"The condition «{source.strip()[:120]}» reads {names}, which no form, "
                        "script or case data sets: a case without it stops here.",
                    )
                )
    return out
