"""Serving with several worker processes (gunicorn), the scheduler in a process of its own.

One Python process uses one core; `damrong serve --workers N` forks N gunicorn workers that
share the listening socket, so requests use every core. They share one database as separate
processes do anyway (SQLite in WAL mode with BEGIN IMMEDIATE, or PostgreSQL). The job list
runs once, in a `damrong scheduler` child process (two schedulers are safe, but pointless),
and stops with the server.

The configuration, secret key included, is read once in the master before the workers fork:
a session cookie signed by one worker is read by the others.

One thread per worker by default: threads of one process share the GIL, and a thread that
holds SQLite's write turn then waits for the interpreter behind threads busy running the
engine (Python hands the GIL over every 5 ms), so the write turn — which every writer queues
for — stretched from 3 to 5 ms under load and two workers of four threads opened fewer cases
per second than two of one. Processes are scheduled by the kernel instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable

from gunicorn.app.base import BaseApplication

from damrong.config import Config


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, load: Callable[[], object], options: dict[str, object]) -> None:
        self._load = load
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self):  # type: ignore[no-untyped-def]
        return self._load()


def serve(
    config: Config,
    host: str,
    port: int,
    workers: int,
    threads: int = 1,
    scheduler: bool = True,
    on_ready: Callable[[], None] | None = None,
) -> None:
    """Run the web app in `workers` processes until interrupted."""

    def load():  # type: ignore[no-untyped-def]
        from damrong.app import create_app

        return create_app(config)  # in each worker: its own database connections

    options: dict[str, object] = {
        "bind": f"{host}:{port}",
        "workers": workers,
        # One thread: gunicorn's plain worker answers in its main thread (no hand-over to a pool
        # thread; no keep-alive, which the reverse proxy in front provides).
        "worker_class": "gthread" if threads > 1 else "sync",
        "threads": threads,
        "timeout": 60,
        "graceful_timeout": 10,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "damrong",
    }
    if on_ready:
        options["when_ready"] = lambda _server: on_ready()
    child = None
    if scheduler:
        env = dict(os.environ, DAMRONG_DATABASE_URL=config.database_url)
        env["DAMRONG_SECRET_KEY"] = config.secret_key
        child = subprocess.Popen(  # noqa: S603 - our own console script
            [sys.executable, "-m", "damrong.cli", "scheduler"], env=env
        )
    try:
        _Gunicorn(load, options).run()
    finally:
        if child is not None:
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
