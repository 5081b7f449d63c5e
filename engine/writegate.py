"""A queue for SQLite writers: one write transaction at a time, handed over without sleeping.

SQLite lets one writer in at a time. A second `BEGIN IMMEDIATE` waits in SQLite's busy
handler, which sleeps in growing steps (1, 2, 5, 10, 15 … 100 ms) and polls: under load a
waiting request sleeps long after the lock was freed, and web workers sat idle while
requests queued (measured: two worker processes opened fewer cases per second than one).

Damrong's own writers therefore queue in front of SQLite: threads of one process on a
`threading.Lock` (woken the moment it is released), processes of one database on an
advisory `flock` of a file beside it (polled every fraction of a millisecond). A writer that
waits longer than the busy timeout gets the same retryable "busy" error as SQLite would give.
Other programs writing the file are still handled by SQLite's own busy timeout.

In-memory databases have one process and need no file lock.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from dataclasses import dataclass, field

from sqlalchemy.exc import OperationalError

_POLL_S = (0.0002, 0.0005, 0.001)  # file-lock polling steps, then every millisecond
_gates: dict[str, WriteGate] = {}
_gates_lock = threading.Lock()


@dataclass
class WriteGate:
    """The write queue of one SQLite database file in this process."""

    path: str | None
    timeout_s: float
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _fd: int | None = None

    def acquire(self) -> None:
        """Wait for the turn to write; OperationalError('database is locked') on timeout."""
        deadline = time.monotonic() + self.timeout_s
        if not self._lock.acquire(timeout=self.timeout_s):
            raise _busy()
        if self.path is None:
            return
        try:
            if self._fd is None:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            step = 0
            while True:
                try:
                    fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise _busy() from None
                    time.sleep(_POLL_S[min(step, len(_POLL_S) - 1)])
                    step += 1
        except BaseException:
            self._lock.release()
            raise

    def release(self) -> None:
        """Let the next writer in."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._lock.release()


def _busy() -> OperationalError:
    """What SQLite itself raises when its busy timeout runs out (the edge turns it into 409)."""
    return OperationalError(
        "BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked (write queue)")
    )


def gate_for(database: str | None, timeout_s: float, engine_key: int) -> WriteGate:
    """The one gate of a database file (an in-memory database: one per engine)."""
    if not database or database == ":memory:" or "mode=memory" in database:
        key, lock_path = f"memory:{engine_key}", None
    else:
        key = os.path.abspath(database)
        lock_path = key + "-writelock"
    with _gates_lock:
        gate = _gates.get(key)
        if gate is None:
            gate = _gates[key] = WriteGate(lock_path, timeout_s)
        return gate
