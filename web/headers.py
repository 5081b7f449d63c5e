"""The security headers of the HTML pages (the staff web's and the portal's)."""

from __future__ import annotations

from flask import Response


def add_security_headers(response: Response, *, deny_framing: bool = True) -> Response:
    """No MIME sniffing, no referrer to other sites, and (unless told otherwise) no framing."""
    if deny_framing:
        response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
