"""Every piece of code in a parsed definition, compiled in the sandbox when it is deployed.

A script that the sandbox refuses (`x = __import__('os')`) must stop the deploy with the element
named, not fail each new case at run time. Scripts (with spiffworkflow's pre- and post-scripts),
gateway and sequence-flow conditions, timer and message expressions and multi-instance settings
are all compiled here; DMN tables are evaluated by their own engine and are not included.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.workflow.scripting import ScriptRejected, compile_expression, compile_script

_SCRIPTS = ("script", "prescript", "postscript")
_EXPRESSIONS = ("loop_cardinality", "completion_condition", "condition")


def code_of(spec: Any) -> Iterator[tuple[str, str, bool]]:
    """(what, source, is a script) for every piece of code one task spec carries."""
    for name in _SCRIPTS:
        source = getattr(spec, name, None)
        if isinstance(source, str) and source.strip():
            yield name, source, True
    for name in _EXPRESSIONS:
        source = getattr(spec, name, None)
        if isinstance(source, str) and source.strip():
            yield name, source, False
    for condition, target in getattr(spec, "cond_task_specs", None) or []:
        source = (getattr(condition, "args", None) or [None])[0]
        if isinstance(source, str) and source.strip():
            yield f"condition to {target}", source, False
    yield from _event_code(getattr(spec, "event_definition", None))


def _event_code(definition: Any) -> Iterator[tuple[str, str, bool]]:
    if definition is None:
        return
    source = getattr(definition, "expression", None)
    if isinstance(source, str) and source.strip():
        yield f"{type(definition).__name__} expression", source, False
    for inner in getattr(definition, "event_definitions", None) or []:
        yield from _event_code(inner)


def compile_all(process_specs: list[Any]) -> list[str]:
    """Compile every script and expression; one problem per refused piece, naming its element."""
    problems = []
    for process in process_specs:
        file = getattr(process, "file", None) or process.name
        for spec in process.task_specs.values():
            for what, source, is_script in code_of(spec):
                try:
                    (compile_script if is_script else compile_expression)(source)
                except ScriptRejected as exc:
                    element = getattr(spec, "bpmn_id", None) or spec.name
                    label = getattr(spec, "bpmn_name", None)
                    named = f"{element} ({label})" if label else element
                    problems.append(f"{file}: {named}: {what}: {'; '.join(exc.problems)}")
                except SyntaxError as exc:
                    problems.append(f"{file}: {spec.name}: {what}: syntax error: {exc.msg}")
    return problems
