"""Configuration from environment variables prefixed DAMRONG_."""

from __future__ import annotations

import logging
import os
import secrets
import socket
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SERVED_URL = "http://127.0.0.1:8000"


def _default_database_url() -> str:
    return f"sqlite:///{ROOT / 'var' / 'damrong.db'}"


def _unkept(path: Path, why: str, key: str) -> str:
    logging.getLogger(__name__).warning(
        "cannot keep a secret key in %s (%s): sign-ins and tracking links last until the "
        "process stops; set DAMRONG_SECRET_KEY",
        path,
        why,
    )
    return key


def stored_secret_key(path: Path) -> str:
    """The installation's own secret key, made once and kept in a file only its owner reads.

    Without DAMRONG_SECRET_KEY every start used to make a new key: staff were signed out at each
    restart and the tracking links citizens keep stopped working. The first process to start
    writes the file; the others read it. Where the file cannot be written, a key for this
    process alone (and a warning).
    """
    try:
        return path.read_text(encoding="ascii").strip()
    except (FileNotFoundError, NotADirectoryError):
        pass
    key = secrets.token_hex(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(key + "\n")
        try:
            os.link(draft, path)  # appears whole, or not at all if another process won
        finally:
            draft.unlink()
    except FileExistsError:
        if path.is_file():  # another process wrote it first
            return path.read_text(encoding="ascii").strip()
        return _unkept(path, "not a folder", key)
    except OSError as exc:
        return _unkept(path, str(exc), key)
    return key


def _count_setting(name: str, text: str) -> int:
    """A whole number of zero or more, or a clear start-up error naming the variable."""
    if not text.strip().isdigit():
        raise ValueError(f"DAMRONG_{name.upper()} must be a whole number of 0 or more: {text!r}")
    return int(text)


def _public_address(name: str, text: str) -> str:
    """An http(s) address with a host and nothing after the path, or a start-up error."""
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(
            f"DAMRONG_{name} must be the public address, "
            f"e.g. https://damrong.example.go.th: {text!r}"
        )
    return text.strip().rstrip("/")


def served_address(host: str, port: int) -> str:
    """The address `damrong serve --host --port` is reached at; on every interface (0.0.0.0),
    the machine's name."""
    if host in ("", "0.0.0.0", "::"):
        host = socket.gethostname()
    if ":" in host:
        host = f"[{host}]"  # IPv6
    return f"http://{host}:{port}"


@dataclass(frozen=True)
class Config:
    """Settings for one process; tests build their own."""

    database_url: str = field(default_factory=_default_database_url)
    secret_key: str = field(default_factory=lambda: secrets.token_hex(32))
    # The public address absolute links start with (DAMRONG_BASE_URL); empty: none configured,
    # then the visitor's host when allowed (web/links.py), else served_url.
    base_url: str = ""
    allowed_hosts: str = (
        ""  # DAMRONG_ALLOWED_HOSTS, comma-separated; empty: web/links.py's defaults
    )
    served_url: str = (
        SERVED_URL  # where `damrong serve` listens (it sets this; `make run`'s default)
    )
    timer_sweep_seconds: int = 30
    max_request_bytes: int = 2 * 1024 * 1024
    map_tile_url: str = ""  # e.g. an OpenStreetMap tile server's {z}/{x}/{y} URL; none: outlines
    map_tile_attribution: str = ""
    line_channel_secret: str = ""  # verifies LINE's webhook (linking citizens' LINE accounts)
    line_account_id: str = ""  # the official account citizens add, e.g. @damrong
    translations: str = ""  # more catalog directories (';'-separated), before the shipped one
    session_idle_minutes: int = 30  # a staff session unused this long ends (the form is kept)
    session_max_hours: int = 12  # and every staff session ends this long after signing in
    trusted_proxies: int = 0  # reverse proxies in front whose X-Forwarded-For is believed
    filing_per_hour: int = 30  # portal complaints per client address (a device has its own)

    @property
    def secure_cookies(self) -> bool:
        """Cookies only over TLS when the public address (base_url) is https."""
        return self.base_url.lower().startswith("https://")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Config:
        """Read DAMRONG_* variables, falling back to the defaults."""
        env = dict(os.environ if environ is None else environ)
        values: dict[str, object] = {}
        if env.get("DAMRONG_DATABASE_URL"):
            values["database_url"] = env["DAMRONG_DATABASE_URL"]
        if env.get("DAMRONG_SECRET_KEY"):
            values["secret_key"] = env["DAMRONG_SECRET_KEY"]
        else:
            key_file = env.get("DAMRONG_SECRET_KEY_FILE") or str(ROOT / "var" / "secret_key")
            values["secret_key"] = stored_secret_key(Path(key_file))
        for name in ("BASE_URL", "PUBLIC_URL"):  # PUBLIC_URL: another name for BASE_URL
            if env.get(f"DAMRONG_{name}"):
                values["base_url"] = _public_address(name, env[f"DAMRONG_{name}"])
        if env.get("DAMRONG_ALLOWED_HOSTS"):
            values["allowed_hosts"] = env["DAMRONG_ALLOWED_HOSTS"]
        if env.get("DAMRONG_SERVED_URL"):  # set by `damrong serve` for the processes it starts
            values["served_url"] = env["DAMRONG_SERVED_URL"]
        for name in ("session_idle_minutes", "session_max_hours"):
            if env.get(f"DAMRONG_{name.upper()}"):
                values[name] = max(1, int(env[f"DAMRONG_{name.upper()}"]))
        if env.get("DAMRONG_TIMER_SWEEP_SECONDS"):
            values["timer_sweep_seconds"] = int(env["DAMRONG_TIMER_SWEEP_SECONDS"])
        portal = (
            "map_tile_url",
            "map_tile_attribution",
            "line_channel_secret",
            "line_account_id",
            "translations",
        )
        for name in portal:
            if env.get(f"DAMRONG_{name.upper()}"):
                values[name] = env[f"DAMRONG_{name.upper()}"]
        for name in ("trusted_proxies", "filing_per_hour"):
            if env.get(f"DAMRONG_{name.upper()}"):
                values[name] = _count_setting(name, env[f"DAMRONG_{name.upper()}"])
        return cls(**values)  # type: ignore[arg-type]
