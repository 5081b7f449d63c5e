"""The staff side of the web: sign-in, inbox, task pages and the case workspace (Thai first)."""

from __future__ import annotations

from flask import Flask, Request


def init_app(app: Flask) -> None:
    """Mount the staff blueprint; session cookies are HttpOnly and SameSite=Lax."""
    from admin import (  # noqa: F401  (routes register)
        account,
        administration,
        casework,
        console,
        inbox,
        intake,
        referral,
        taskpage,
        vendor,
    )
    from admin.edge import blueprint

    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax")
    app.register_blueprint(blueprint)
    administration.init_app(app)


def wants_page(request: Request) -> bool:
    """Whether the client is a browser asking for a page (it names text/html), not an API tool."""
    accepted = request.accept_mimetypes
    return any(value == "text/html" for value, _quality in accepted) and (
        accepted.quality("text/html") >= accepted.quality("application/json")
    )
