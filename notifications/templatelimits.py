"""How much an edited template may produce and how long it may run.

Jinja2's sandbox stops templates reaching Python internals, not templates that run away: nested
loops that never end, or a filter asked to pad a text to 50 MB. A message part may render at
most MAX_OUTPUT characters within MAX_SECONDS; methods and filters that grow a text check the
size they would produce before producing it.
"""

from __future__ import annotations

import re
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

from jinja2 import Template, filters
from jinja2.sandbox import SecurityError

MAX_OUTPUT = 100_000  # characters in one rendered part (an e-mail body is a few thousand)
MAX_SECONDS = 1.0  # wall-clock time to render one part
MAX_GROWN = 100_000  # characters one method or filter call may produce
MAX_MEMORY_KB = 64 * 1024  # growth of the process's peak memory while one part renders
_WIDE_FORMAT = re.compile(r"\d{6,}|\*|\{[^{}]*\{")  # widths of 100,000+ or taken from data
_GROWING = {"ljust", "rjust", "center", "zfill", "expandtabs", "replace", "format", "format_map"}


def _grown(text: str, name: str, args: tuple[Any, ...]) -> int:
    """An upper bound of the length `text.name(*args)` would have."""
    first = args[0] if args else None
    if name in ("ljust", "rjust", "center", "zfill"):
        return first if isinstance(first, int) else len(text)
    if name == "expandtabs":
        return len(text) * (first if isinstance(first, int) else 8)
    if name == "replace" and len(args) >= 2:
        old, new = len(str(args[0])), len(str(args[1]))
        return len(text) + (len(text) // max(old, 1) + 1) * max(new - old, 0)
    if name in ("format", "format_map", "%"):
        return MAX_GROWN + 1 if _WIDE_FORMAT.search(text) else len(text)
    return len(text)


def check_growth(text: object, name: str, args: tuple[Any, ...]) -> None:
    """SecurityError if a string method or filter would produce more than MAX_GROWN characters."""
    if isinstance(text, str) and _grown(text, name, args) > MAX_GROWN:
        raise SecurityError(f"{name} would produce too large a text")


def check_call(method: Any, args: tuple[Any, ...]) -> None:
    """Check a method call the sandbox is about to make (`text.center(n)`, `"{}".format()`)."""
    method = getattr(method, "__wrapped__", method)  # the sandbox's own wrapper of str.format
    name = getattr(method, "__name__", "")
    owner = getattr(method, "__self__", None)
    if name in _GROWING:
        if isinstance(owner, str):
            check_growth(owner, name, args)
        elif owner is str or isinstance(owner, type):  # str.center(text, n): the type's method
            raise SecurityError(f"call {name} on a text, not on its type")


def _sized(filter_name: str, method: str) -> Callable[..., Any]:
    original = filters.FILTERS[filter_name]
    passes = getattr(original, "jinja_pass_arg", None)  # e.g. replace takes the eval context

    def checked(*given: Any, **kwargs: Any) -> Any:
        value, *rest = given[1:] if passes else given
        check_growth(str(value) if value is not None else "", method, tuple(rest))
        return original(*given, **kwargs)

    checked.__name__ = original.__name__
    if passes is not None:
        checked.jinja_pass_arg = passes  # type: ignore[attr-defined]
    return checked


def _indent(value: Any, width: Any = 4, *args: Any, **kwargs: Any) -> Any:
    text = str(value)
    lines = text.count("\n") + 1
    size = len(width) if isinstance(width, str) else width if isinstance(width, int) else 4
    if len(text) + lines * size > MAX_GROWN:
        raise SecurityError("indent would produce too large a text")
    return filters.FILTERS["indent"](value, width, *args, **kwargs)


SIZED_FILTERS = {
    "center": _sized("center", "center"),
    "format": _sized("format", "%"),
    "replace": _sized("replace", "replace"),
    "indent": _indent,
}


def _peak_kb() -> int:
    """The process's peak memory so far (KB on Linux); it only grows, so a rise is this run's."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def render_limited(template: Template, context: dict[str, Any]) -> str:
    """Render within MAX_OUTPUT characters and MAX_SECONDS; SecurityError past either."""
    deadline = time.monotonic() + MAX_SECONDS
    memory_cap = _peak_kb() + MAX_MEMORY_KB

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        if time.monotonic() > deadline:
            raise SecurityError("the template took too long to render")
        if _peak_kb() > memory_cap:  # `{% set ns.s = ns.s ~ ns.s %}` in a loop, say
            raise SecurityError("the template used too much memory")
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)  # every line of the compiled template counts, loops without output too
    try:
        pieces, size = [], 0
        for piece in template.generate(context):
            size += len(piece)
            if size > MAX_OUTPUT:
                raise SecurityError(f"the template produced more than {MAX_OUTPUT:,} characters")
            pieces.append(piece)
    finally:
        sys.settrace(previous)
    return "".join(pieces)
