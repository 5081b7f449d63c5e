"""BPMN scripts and expressions run as untrusted code, in RestrictedPython's sandbox.

A diagram's scripts, gateway conditions and timer expressions are Python written by process
designers and deployed at run time, so they get no imports, no dunders, no I/O and only the
engine's helper functions. Loops are bounded: `while` is refused, `range()` is capped, and every
loop step and function call draws on a per-run budget of steps and seconds; `**`, `<<`, `*`, `+`,
`%`, f-string widths and the string and list methods that grow a value refuse results of absurd
size, and a run may leave only so much data (engine/workflow/budget.py).
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable, Mapping, MutableMapping
from datetime import datetime, timedelta
from functools import lru_cache
from types import CodeType, SimpleNamespace
from typing import Any
from uuid import UUID

from RestrictedPython import (
    PrintCollector,
    RestrictingNodeTransformer,
    compile_restricted_eval,
    compile_restricted_exec,
    limited_builtins,
    safe_builtins,
    utility_builtins,
)
from RestrictedPython.Guards import (
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr_raise,
)
from RestrictedPython.transformer import copy_locations
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine.workflow import budget
from engine.workflow.budget import ScriptLimitExceeded as ScriptLimitExceeded
from engine.workflow.budget import ScriptRejected as ScriptRejected

# Calling these is refused at compile time; none exists in the sandbox anyway, but the message
# then names the problem instead of a NameError. Data variables are never callable.
_FORBIDDEN_CALLS = frozenset(
    "compile open getattr setattr delattr hasattr globals locals vars dir help input exit "  # noqa: SIM905
    "quit memoryview type super object classmethod staticmethod property pow".split()
)
_GUARDED_OPS = {ast.Pow: "**", ast.LShift: "<<", ast.Mult: "*", ast.Add: "+", ast.Mod: "%"}
_DATA_SCALARS = (str, int, float, bool, type(None), datetime, timedelta, UUID)


class DamrongPolicy(RestrictingNodeTransformer):
    """RestrictedPython's policy, plus: no while, import or class; calls and loops are counted."""

    def visit_While(self, node: ast.While) -> ast.AST:
        """Refuse `while`: one that never ends would stall the case forever."""
        self.error(node, "while loops are not allowed; loop over a list or a range() instead.")
        return self.node_contents_visit(node)

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> ast.AST:
        """Refuse imports: scripts get their tools from the engine's helper functions."""
        self.error(node, "import is not allowed; use the helper functions the engine provides.")
        return self.node_contents_visit(node)

    visit_ImportFrom = visit_Import

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        """Refuse class definitions, which BPMN scripts never need."""
        self.error(node, "class definitions are not allowed.")
        return self.node_contents_visit(node)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        """Name the forbidden builtin in the message rather than fail later with a NameError."""
        if isinstance(node.func, ast.Name) and node.func.id in _FORBIDDEN_CALLS:
            self.error(node, f'"{node.func.id}()" is not available in BPMN scripts.')
        return super().visit_Call(node)

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        """Refuse `.mro`: from `ValueError.mro()` a script could raise a bare BaseException."""
        if node.attr == "mro":
            self.error(node, '"mro" is not available in BPMN scripts.')
        return super().visit_Attribute(node)

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        """Route `**`, `<<` and `*` through a size check: `10**10**10` would never finish."""
        node = self.node_contents_visit(node)
        symbol = _GUARDED_OPS.get(type(node.op))
        if symbol is None:
            return node
        return _located(_call("_binop_", ast.Constant(symbol), node.left, node.right), node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        """Refuse f-string widths of millions, or taken from data: `f"{x:>999999999}"`."""
        spec = node.format_spec
        parts = spec.values if isinstance(spec, ast.JoinedStr) else []
        if any(not isinstance(p, ast.Constant) or budget.too_wide(str(p.value)) for p in parts):
            self.error(node, "format widths must be written out and under a million.")
        return self.node_contents_visit(node)

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        """Count each call of a lambda, so recursion draws on the step budget too."""
        node = super().visit_Lambda(node)
        node.body = _located(ast.BoolOp(ast.Or(), [_call("_tick_"), node.body]), node.body)
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        """Count each call of a function defined in the script."""
        node = super().visit_FunctionDef(node)
        node.body.insert(0, _located(ast.Expr(_call("_tick_")), node.body[0]))
        return node


def _call(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=ast.Name(name, ast.Load()), args=list(args), keywords=[])


def _located(new: Any, old: ast.AST) -> Any:
    for child in ast.walk(new):
        if "lineno" in child._attributes and not hasattr(child, "lineno"):
            copy_locations(child, old)
    return new


def _compile(source: str, compiler: Callable[..., Any]) -> CodeType:
    result = compiler(source, filename="<string>", policy=DamrongPolicy)
    if result.errors:
        lines = source.splitlines()
        problems = [_with_source_line(error, lines) for error in result.errors]
        raise ScriptRejected("Script refused: " + "; ".join(problems), problems)
    return result.code


def _with_source_line(error: str, lines: list[str]) -> str:
    match = re.match(r"Line (\d+):", error)
    number = int(match.group(1)) if match else 0
    if 0 < number <= len(lines) and lines[number - 1].strip() not in error:
        return f"{error} [{lines[number - 1].strip()}]"
    return error


@lru_cache(maxsize=4096)
def compile_expression(source: str) -> CodeType:
    """Compile (once, then from cache) a condition or timer expression; raises ScriptRejected."""
    return _compile(source.strip(), compile_restricted_eval)


@lru_cache(maxsize=1024)
def compile_script(source: str) -> CodeType:
    """Compile (once, then from cache) a script task's code; raises ScriptRejected."""
    return _compile(source, compile_restricted_exec)


def _getattr(obj: Any, name: str, *default: Any) -> Any:
    # safer_getattr_raise: safer_getattr returns None for a missing attribute
    return budget.sized_method(obj, name, safer_getattr_raise(obj, name, *default))


def _write(ob: Any) -> Any:
    if type(ob) in (dict, list):
        return ob
    raise ScriptRejected(f"Scripts may change lists and dicts only, not a {type(ob).__name__}.")


def _apply(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


def _sandbox_builtins() -> dict[str, Any]:
    names: dict[str, Any] = {**safe_builtins, **limited_builtins, **utility_builtins}
    # No classes, no writes through setattr, no bignum pow; random makes replays differ; an
    # exception outside Exception would slip past SpiffWorkflow's error handling.
    unwanted = "__build_class__ setattr delattr pow id random whrandom BaseException SystemExit"
    for name in (*unwanted.split(), "KeyboardInterrupt", "GeneratorExit"):
        names.pop(name, None)
    wanted = "ceil floor trunc sqrt fabs isclose isfinite isnan log log10 exp pi e inf nan fsum"
    names["math"] = SimpleNamespace(**{n: getattr(math, n) for n in wanted.split()})
    for func in (len, min, max, sum, sorted, any, all, round, abs, str, int, float, bool, list,
                 dict, set, frozenset, tuple, enumerate, zip, isinstance, reversed):  # fmt: skip
        names[func.__name__] = func
    names["range"] = budget.bounded_range
    return names


_BUILTINS = _sandbox_builtins()
_GUARDS: dict[str, Any] = {
    "_getattr_": _getattr,
    "_getitem_": operator.getitem,
    "_write_": _write,
    "_apply_": _apply,
    "_print_": PrintCollector,
    "_inplacevar_": budget.inplacevar,
    "_binop_": budget.binop,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
}


def is_data(value: object, depth: int = 0) -> bool:
    """Whether a value can live in task data (JSON-like, as SpiffWorkflow's serializer stores)."""
    if isinstance(value, _DATA_SCALARS):
        return True
    if depth > 32:
        return False
    if isinstance(value, (list, tuple)):
        return all(is_data(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return all(
            isinstance(k, (str, int, float, bool)) and is_data(v, depth + 1)
            for k, v in value.items()
        )
    return False


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """Evaluates expressions and runs scripts in the sandbox, over a task's data."""

    def __init__(self, helpers: Mapping[str, Callable[..., Any]] | None = None) -> None:
        helpers = dict(helpers or {})
        hidden = [name for name in helpers if name.startswith("_")]
        if hidden:
            raise ValueError(f"Helper names may not start with '_': {hidden}")
        super().__init__(helpers)
        # Helpers sit beside the builtins: task data may shadow them, as with plain Python.
        self._fixed = {"__builtins__": {**_BUILTINS, **helpers}, **_GUARDS}

    def evaluate(
        self,
        expression: str,
        context: Mapping[str, Any],
        external_context: Mapping[str, Any] | None = None,
    ) -> Any:
        """Evaluate a condition or timer expression against the task data."""
        code = compile_expression(expression)
        return eval(code, self._scope(context, external_context))

    def execute(
        self,
        script: str,
        context: MutableMapping[str, Any],
        external_context: Mapping[str, Any] | None = None,
    ) -> bool:
        """Run a script task's code and copy its data results back into the task data."""
        external = external_context or {}
        self.check_for_overwrite(context, external)
        code = compile_script(script)
        scope = self._scope(context, external)
        exec(code, scope)
        budget.check_data_size(v for k, v in scope.items() if not k.startswith("_"))
        # Only a run that finished changes the task data (items mutated in place excepted).
        for name in [name for name in context if name not in scope]:
            del context[name]  # the script deleted it
        for name, value in scope.items():
            if name.startswith("_") or name in self.globals or name in external:
                continue
            if is_data(value):
                context[name] = value
            else:
                context.pop(name, None)  # functions, modules, sets...: nothing storable
        return True

    def check_for_overwrite(
        self, context: Mapping[str, Any], external_context: Mapping[str, Any]
    ) -> None:
        """Fail clearly when task data would hide a helper function from a script."""
        clashes = set(self.globals).union(external_context).intersection(context)
        if clashes:
            raise ValueError(f"Task data overwrites helper function(s): {sorted(clashes)}")

    def _scope(
        self, context: Mapping[str, Any], external: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        scope = {**external, **context} if external else dict(context)
        scope.update(self._fixed)  # after the data, so no data key can replace a guard
        spend = budget.Budget()
        scope["_getiter_"] = spend.iterate
        scope["_tick_"] = spend.tick
        return scope


class RestrictedScriptEngine(PythonScriptEngine):
    """SpiffWorkflow's script engine, with error messages that keep the underlying cause."""

    def evaluate(self, task: Any, expression: str, external_context: Any = None) -> Any:
        """Evaluate an expression for a task; failures name the expression and the cause."""
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except SpiffWorkflowException as exc:
            exc.add_note(f"Error evaluating expression '{expression}'")
            raise
        except Exception as exc:
            message = f"Error evaluating expression '{expression.strip()}': {_describe(exc)}"
            raise WorkflowTaskException(message, task=task, exception=exc) from exc

    def call_service(self, task: Any, **kwargs: Any) -> Any:
        """Refuse service tasks (3.2.0's own error path here raises a NameError)."""
        raise WorkflowTaskException("Service tasks are not supported.", task=task)

    def create_task_exec_exception(self, task: Any, script: str, err: Exception) -> Exception:
        """Wrap a script failure; 3.2.0 crashes on exceptions whose first arg is not a string."""
        if err.args and not isinstance(err.args[0], str):
            err.args = (str(err.args[0]), *err.args[1:])
        return super().create_task_exec_exception(task, script, err)


def failure_message(exc: BaseException) -> tuple[str, str]:
    """(English, Thai) of a failed step: the element and the kind of error, never the code."""
    spec = getattr(exc, "task_spec", None)
    element = getattr(spec, "bpmn_name", None) or getattr(spec, "bpmn_id", None) or "?"
    cause = exc.__cause__ or exc.__context__ or exc
    if isinstance(cause, ScriptLimitExceeded):
        return (
            f"The process failed at «{element}»: {cause}",
            f"กระบวนงานทำงานผิดพลาดที่ขั้นตอน «{element}»: สคริปต์ใช้ทรัพยากรเกินกำหนด ({cause})",
        )
    kind = type(cause).__name__
    return (
        f"The process failed at «{element}» ({kind}); the process designer finds the details "
        "in the server log.",
        f"กระบวนงานทำงานผิดพลาดที่ขั้นตอน «{element}» ({kind}) "
        "ผู้ออกแบบกระบวนงานดูรายละเอียดได้ในบันทึกของระบบ",
    )


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def make_script_engine(
    helpers: Mapping[str, Callable[..., Any]] | None = None,
) -> PythonScriptEngine:
    """A SpiffWorkflow script engine that runs BPMN code in the sandbox, with these helpers."""
    return RestrictedScriptEngine(environment=RestrictedEnvironment(helpers))
