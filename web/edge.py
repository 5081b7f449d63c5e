"""What every web part does per request: the app's services, its transaction, language, address."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app, request
from sqlalchemy.orm import Session

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


def client_address() -> str | None:
    """The address the request came from: the key of per-address limits."""
    return request.remote_addr


def wants_page() -> bool:
    """Whether the client is a browser asking for a page (it names text/html), not an API tool."""
    accepted = request.accept_mimetypes
    return any(value == "text/html" for value, _quality in accepted) and (
        accepted.quality("text/html") >= accepted.quality("application/json")
    )
