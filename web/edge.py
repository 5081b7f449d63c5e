"""What every web part does per request: the app's services, its transaction, language, address."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from flask import current_app, request
from sqlalchemy.orm import Session
from werkzeug.urls import iri_to_uri

from engine.db import translate_db_errors


def services():  # type: ignore[no-untyped-def]
    """The composition root's services for this app."""
    return current_app.extensions["damrong"]


@contextmanager
def writing() -> Iterator[Session]:
    """A write transaction owned by the request: commit on success, roll back on error."""
    with translate_db_errors(), services().writer.begin() as session:
        yield session


@contextmanager
def reading() -> Iterator[Session]:
    """A read-only session for a request."""
    with translate_db_errors(), services().reader() as session:
        yield session


def lang() -> str:
    """The caller's language without a session: ?lang=, then Accept-Language, Thai by default."""
    wanted = request.args.get("lang") or request.accept_languages.best_match(["th", "en"])
    return "en" if wanted == "en" else "th"


def client_ip() -> str:
    """The client's address: the peer's, or the one DAMRONG_TRUSTED_PROXIES proxies report."""
    # With N trusted proxies the client is N hops from the right of X-Forwarded-For: the hop
    # the outermost proxy appended. Anything left of it is whatever the client sent.
    peer = request.remote_addr or ""
    return reported_address(
        peer, request.headers.getlist("X-Forwarded-For"), services().config.trusted_proxies
    )


def reported_address(peer: str, forwarded: list[str], trusted: int) -> str:
    """The peer unless `trusted` proxies sent it; then their report, when it is an address."""
    if trusted <= 0:
        return peer  # without a trusted proxy a header is only what the client claims
    hops = [hop.strip() for header in forwarded for hop in header.split(",")]
    if len(hops) < trusted:
        return peer  # fewer hops than proxies: the chain is not as configured
    try:
        return str(ipaddress.ip_address(hops[-trusted]))
    except ValueError:
        return peer


def address_key(address: str) -> str:
    """What per-address limits count: an IPv4 address, or the /64 an IPv6 host is given."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:60] or "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def client_address() -> str:
    """The key of every per-address limit: the client's address, IPv6 grouped by /64."""
    return address_key(client_ip())


def wants_page() -> bool:
    """Whether the client is a browser asking for a page (it names text/html), not an API tool."""
    accepted = request.accept_mimetypes
    return any(value == "text/html" for value, _quality in accepted) and (
        accepted.quality("text/html") >= accepted.quality("application/json")
    )


# Control characters (browsers drop tabs and newlines: "/\t/evil.com" becomes "//evil.com"),
# spaces and backslashes (read as "/" by some browsers) never appear in a path we redirect to.
_NOT_IN_A_PATH = re.compile(r"[\x00-\x20\x7f-\x9f\\\u2028\u2029]")


def is_same_site_path(target: object) -> bool:
    """Whether a redirect target is a path on this site: "/…", never "//host", "/\\host",
    a scheme ("https:", "javascript:") or anything with a control character."""
    if not isinstance(target, str) or not 0 < len(target) <= 2000:
        return False
    if _NOT_IN_A_PATH.search(target) or not target.startswith("/") or target.startswith("//"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: object, default: str) -> str:
    """The one helper every `next`/redirect parameter goes through: a same-site path (as a URI,
    Thai in it percent-encoded), else `default`."""
    return iri_to_uri(target) if is_same_site_path(target) else default  # type: ignore[arg-type]
