"""Every piece of code in a parsed definition, compiled in the sandbox when it is deployed.

A script that the sandbox refuses (`x = __import__('os')`) must stop the deploy with the element
named, not fail each new case at run time. Scripts (with spiffworkflow's pre- and post-scripts),
gateway and sequence-flow conditions, timer and message expressions and multi-instance settings
and the DMN tables' input, match and output expressions are all compiled here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from engine.workflow.scripting import ScriptRejected, compile_expression, compile_script

_SCRIPTS = ("script", "prescript", "postscript")
_OPERATOR = re.compile(r"\s*(==|!=|<=|>=|<|>|in\b|not\s+in\b)")
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
    table = getattr(getattr(spec, "dmnEngine", None), "decision_table", None)
    if table is not None:
        yield from _table_code(table)


def _table_code(table: Any) -> Iterator[tuple[str, str, bool]]:
    """A decision table's expressions, as SpiffWorkflow's DMN engine evaluates them."""
    for column in table.inputs:
        if column.expression:
            yield f"table {table.id} input {column.id}", column.expression, False
    for rule in table.rules:
        for entry in rule.inputEntries:
            for match in entry.lhs:
                if not match or not match.strip():
                    continue
                match = re.sub(r"\?", "dmninputexpr", match)
                tested = f"({entry.input.expression}) {match}" if _OPERATOR.match(match) else match
                yield f"table {table.id} rule {rule.row_number}", tested, False
        for entry in rule.outputEntries:
            if entry.text and entry.text.strip():
                yield f"table {table.id} rule {rule.row_number} output", entry.text, False


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
