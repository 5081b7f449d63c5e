"""What one run of a BPMN script or expression may spend: steps, seconds and sizes.

A diagram's code is untrusted: a loop that never ends, a list doubled 22 times or a string padded
to a gigabyte must fail fast with a clear message, and leave the case as it was. Steps and time
are counted on every loop step and function call; sizes are checked before an operation that
could grow a value allocates it, and again on the data a run hands back.
"""

from __future__ import annotations

import operator
import re
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

RANGE_LIMIT = 10_000  # items one range() may produce
STEP_LIMIT = 100_000  # loop iterations plus function calls in one script or expression run
SECONDS_LIMIT = 2.0  # wall-clock time of one run (checked at every step)
INT_BITS_LIMIT = 100_000  # about 30,000 decimal digits
SEQUENCE_LIMIT = 1_000_000  # items (or characters) one operation may produce
DATA_ITEMS_LIMIT = 200_000  # values a run may leave in the task data, counted through containers

_BINOPS = {
    "**": operator.pow,
    "<<": operator.lshift,
    "*": operator.mul,
    "+": operator.add,
    "%": operator.mod,
}
_INPLACE = {
    op + "=": getattr(operator, "i" + name)
    for op, name in zip(
        "+ - * / // % ** << >> & ^ | @".split(),  # noqa: SIM905
        "add sub mul truediv floordiv mod pow lshift rshift and xor or matmul".split(),  # noqa: SIM905
        strict=True,
    )
}
_SIZED = (str, bytes, list, tuple)
_WIDE_FORMAT = re.compile(r"\d{7,}|\*|\{[^{}]*\{")  # a width of millions, or one taken from data


class ScriptRejected(Exception):
    """The sandbox refused a script or expression; the message says what and on which line."""

    def __init__(self, message: str, problems: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems) or [message]


class ScriptLimitExceeded(ScriptRejected):
    """A running script went past a resource limit (steps, time, range, number or text size)."""


class Budget:
    """The steps and time one run may take; fresh for every run, so runs never share a count."""

    __slots__ = ("deadline", "left")

    def __init__(self, seconds: float | None = None) -> None:
        self.left = STEP_LIMIT
        self.deadline = time.monotonic() + (SECONDS_LIMIT if seconds is None else seconds)

    def tick(self) -> None:
        """Spend one step; ScriptLimitExceeded when the steps or the time are used up."""
        self.left -= 1
        if self.left < 0:
            raise ScriptLimitExceeded(f"The script took more than {STEP_LIMIT:,} steps.")
        if time.monotonic() > self.deadline:
            raise ScriptLimitExceeded("The script ran longer than its time limit.")

    def iterate(self, iterable: Iterable[Any]) -> Iterator[Any]:
        """Iterate, spending one step per item."""
        for item in iterable:
            self.tick()
            yield item


def _too_big(symbol: str, a: Any, b: Any) -> bool:
    ints = type(a) in (int, bool) and type(b) in (int, bool)
    if symbol == "**":
        return ints and b > 0 and abs(a) > 1 and abs(a).bit_length() * b > INT_BITS_LIMIT
    if symbol == "<<":
        return ints and a != 0 and b > 0 and a.bit_length() + b > INT_BITS_LIMIT
    if symbol == "%":
        return isinstance(a, str) and bool(_WIDE_FORMAT.search(a))
    if symbol == "+":
        both = isinstance(a, _SIZED) and isinstance(b, _SIZED)
        return both and len(a) + len(b) > SEQUENCE_LIMIT
    if ints:
        return a.bit_length() + b.bit_length() > INT_BITS_LIMIT
    seq, count = (a, b) if isinstance(b, int) else (b, a)
    sized = isinstance(seq, _SIZED) and isinstance(count, int)
    return sized and len(seq) * count > SEQUENCE_LIMIT


def too_wide(template: str) -> bool:
    """Whether a format template asks for a width of millions or one taken from the data."""
    return bool(_WIDE_FORMAT.search(template))


def check_size(symbol: str, a: Any, b: Any) -> None:
    """ScriptLimitExceeded if `a symbol b` would be absurdly large (before computing it)."""
    if _too_big(symbol, a, b):
        raise ScriptLimitExceeded(f"The result of `{symbol}` would be too large.")


def binop(symbol: str, a: Any, b: Any) -> Any:
    """`a symbol b` for the guarded operators, size checked first."""
    check_size(symbol, a, b)
    return _BINOPS[symbol](a, b)


def inplacevar(op: str, x: Any, y: Any) -> Any:
    """`x op= y`, size checked first."""
    if op[:-1] in _BINOPS:
        check_size(op[:-1], x, y)
    return _INPLACE[op](x, y)


def bounded_range(*args: int) -> range:
    """range() that refuses to produce more than RANGE_LIMIT items."""
    span = range(*args)
    if len(span) > RANGE_LIMIT:
        raise ScriptLimitExceeded(f"range() may produce at most {RANGE_LIMIT:,} items.")
    return span


def _grown_size(obj: Any, name: str, args: tuple[Any, ...]) -> int:
    """An upper bound of the size a growing method's result would have."""
    first = args[0] if args else None
    if name in ("ljust", "rjust", "center", "zfill"):
        return first if isinstance(first, int) else 0
    if name == "expandtabs":
        return len(obj) * (first if isinstance(first, int) else 8)
    if name == "replace" and len(args) >= 2:
        old, new = len(args[0]), len(args[1])
        return len(obj) + (len(obj) // max(old, 1) + 1) * max(new - old, 0)
    if name == "extend":
        return len(obj) + (len(first) if hasattr(first, "__len__") else 0)
    if name in ("format", "format_map"):
        return SEQUENCE_LIMIT + 1 if _WIDE_FORMAT.search(obj) else 0
    return 0


_GROWING = {
    str: {"ljust", "rjust", "center", "zfill", "expandtabs", "replace", "join", "format"},
    list: {"extend"},
}
_GROWING[str].add("format_map")


def sized_method(obj: Any, name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    """The method, wrapped so that one call cannot grow a value past SEQUENCE_LIMIT."""
    if isinstance(obj, type) and name in _GROWING.get(obj, ()):  # str.ljust(text, n) skips checks
        raise ScriptLimitExceeded(f"Call `{name}` on a value (text.{name}(...)), not on the type.")
    if name not in _GROWING.get(type(obj), ()):
        return method

    def checked(*args: Any, **kwargs: Any) -> Any:
        if name == "join":
            items = list(args[0]) if args else []
            total = sum(len(i) for i in items if isinstance(i, str)) + len(obj) * len(items)
            if total > SEQUENCE_LIMIT:
                raise ScriptLimitExceeded("The result of `join` would be too large.")
            return method(items)
        if _grown_size(obj, name, args) > SEQUENCE_LIMIT:
            raise ScriptLimitExceeded(f"The result of `{name}` would be too large.")
        return method(*args, **kwargs)

    return checked


def check_data_size(values: Iterable[Any]) -> None:
    """ScriptLimitExceeded when the values hold more than DATA_ITEMS_LIMIT items in all."""
    pending, seen = list(values), 0
    while pending:
        item = pending.pop()
        seen += 1
        if seen > DATA_ITEMS_LIMIT:
            raise ScriptLimitExceeded("The script left too much data in the case.")
        if isinstance(item, dict):
            pending += item.values()
        elif isinstance(item, (list, tuple)):
            pending += item
        elif isinstance(item, str):
            seen += len(item) // 100  # long text counts by its length too
