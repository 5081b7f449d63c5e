"""Error texts safe to log and store: no complainant's e-mail, phone, LINE id or ID number.

An SMTP server that refuses a recipient names it in its answer, and an exception's message may
quote the data it choked on; the server log and an outbox row's last_error keep neither.
"""

from __future__ import annotations

import re
import traceback

_EMAIL = re.compile(r"[^\s<>\"'(),;:]+@[^\s<>\"'(),;:]+")
_LINE_ID = re.compile(r"\bU[0-9a-f]{32}\b")
_NUMBER = re.compile(r"(?:\+?\d[\d\s\-./]{6,}\d)")  # phones and ID numbers, however written


def scrub(text: str) -> str:
    """The text with e-mail addresses, LINE user ids and long numbers replaced by a mark."""
    text = _EMAIL.sub("<address>", text)
    text = _LINE_ID.sub("<line-id>", text)
    return _NUMBER.sub("<number>", text)


def describe(exc: BaseException) -> str:
    """`Type: scrubbed message (at file:line)` of an unexpected error, for logs and last_error."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (at {frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno})" if frames else ""
    return f"{type(exc).__name__}: {scrub(str(exc))[:500]}{where}"
