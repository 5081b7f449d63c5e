"""Absolute links: every address the web prints or hands out for keeping (receipts, the case
page's link, Open311 discovery) is made here by `public_url`, never from an unchecked Host.

The public address is the configured one (DAMRONG_BASE_URL). Without it, a link uses the host
the visitor asked for only when that host is allowed (DAMRONG_ALLOWED_HOSTS; by default the
host `damrong serve` listens on, localhost and 127.0.0.1, and the machine's own names when it
listens on every interface). A forged Host header gets the address `damrong serve` was started
with instead: the page still works, and no link points at the forger's site.
"""

from __future__ import annotations

import re
import socket
from functools import lru_cache
from urllib.parse import urlsplit

from flask import has_request_context, request

from web.edge import services

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::"})
# A host name or an IP address (IPv6 in brackets), and an optional port: nothing else.
_HOST = re.compile(
    r"(?P<name>[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?|\[[0-9a-f:.]{2,45}\])(?::(?P<port>[0-9]{1,5}))?"
)


def public_url(path: str) -> str:
    """`path` (starting with /) on the public address; see the module's docstring."""
    return public_base() + path


def public_base() -> str:
    """The scheme and host absolute links start with, without a trailing slash."""
    config = services().config
    if config.base_url:
        return config.base_url.rstrip("/")
    if has_request_context() and host_allowed(request.host, allowed_hosts(config)):
        return f"{_scheme(config)}://{request.host.lower()}"
    return config.served_url.rstrip("/")


def _scheme(config) -> str:  # type: ignore[no-untyped-def]
    """http or https as the visitor used it (a trusted proxy's X-Forwarded-Proto counts)."""
    if config.trusted_proxies > 0:
        forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[-1].strip().lower()
        if forwarded in ("http", "https"):
            return forwarded
    return "https" if request.is_secure else "http"


def allowed_hosts(config) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
    """The configured allowed hosts, or the defaults for the address served."""
    configured = parse_hosts(config.allowed_hosts)
    return configured or default_hosts(config.served_url)


def parse_hosts(text: str) -> tuple[str, ...]:
    """DAMRONG_ALLOWED_HOSTS: comma-separated names, `name:port`, or `.example.go.th` for a
    domain and all its subdomains."""
    return tuple(entry.strip().lower() for entry in text.split(",") if entry.strip())


@lru_cache(maxsize=8)
def default_hosts(served_url: str) -> tuple[str, ...]:
    """Where a browser reaches `damrong serve` on this machine: the host it listens on (the one
    its start-up line prints), localhost and 127.0.0.1; every name of the machine when it
    listens on all interfaces (--host 0.0.0.0)."""
    served = (urlsplit(served_url).hostname or "").lower()
    names = [*LOCAL_HOSTS, served]
    if served in WILDCARD_HOSTS or served == socket.gethostname().lower():
        names.extend(_machine_names())  # `damrong serve --host 0.0.0.0` is served at the name
    return tuple(dict.fromkeys(name for name in names if name and name not in WILDCARD_HOSTS))


def _machine_names() -> list[str]:
    try:
        hostname = socket.gethostname()
        full, aliases, addresses = socket.gethostbyname_ex(hostname)
    except OSError:
        return []
    return [name.lower() for name in (hostname, full, *aliases, *addresses)]


def host_allowed(host: str, entries: tuple[str, ...]) -> bool:
    """Whether a Host header (name, optional port) is one of the allowed entries."""
    found = _HOST.fullmatch(host.lower()) if host else None
    if found is None:
        return False
    name, port = found["name"].strip("[]"), found["port"]
    for entry in entries:
        entry_name, entry_port = _split(entry)
        if entry_port and entry_port != port:
            continue
        if name == entry_name or (
            entry_name.startswith(".") and (name.endswith(entry_name) or name == entry_name[1:])
        ):
            return True
    return False


def _split(entry: str) -> tuple[str, str | None]:
    """An allowed-host entry as (name, port or None); IPv6 in brackets, or bare without port."""
    if entry.startswith("["):
        name, _, rest = entry[1:].partition("]")
        return name, rest.removeprefix(":") or None
    if entry.count(":") == 1:
        name, _, port = entry.partition(":")
        return name, port or None
    return entry, None
