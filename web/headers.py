"""The security headers: a Content-Security-Policy with a per-request nonce on every HTML page
(staff web, portal, administration, directory), no framing by other sites, and no caching of
responses that carry personal data.

Scripts and styles load from this site only; an inline script or style runs only with this
request's nonce (templates write `nonce="{{ csp_nonce() }}"`), or, for the forms' small
enhancement script, by its hash. An injected `<script>` or `onclick=` does not run.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from functools import cache
from urllib.parse import urlsplit

from flask import Response, g, request

from forms.render import TEMPLATES as FORM_TEMPLATES

# API answers that carry a complainant's data (everything but the public reference lists).
PUBLIC_API = ("/api/v1/openapi.json", "/api/v1/reference", "/api/v1/directory")


def csp_nonce() -> str:
    """This request's nonce for inline scripts and styles (the same all through one request)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


@cache
def _forms_script_hashes() -> str:
    """CSP hashes of the forms' inline enhancement script, as forms/ writes it in either way."""
    text = (FORM_TEMPLATES / "forms.js").read_text(encoding="utf-8")
    variants = sorted({text, text.removesuffix("\n")})
    digests = [base64.b64encode(hashlib.sha256(v.encode()).digest()).decode() for v in variants]
    return " ".join(f"'sha256-{d}'" for d in digests)


def content_security_policy(nonce: str, *, framing: str = "'none'", images: str = "") -> str:
    """The policy of an HTML page: this site's files, this request's inline code, no plugins."""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}' {_forms_script_hashes()}",
            f"style-src 'self' 'nonce-{nonce}'",
            "style-src-attr 'unsafe-inline'",  # style="" attributes run no code (Leaflet, bpmn-js)
            f"img-src 'self' data: blob: {images}".strip(),
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {framing}",
        ]
    )


def map_tile_origin(url: str) -> str:
    """The CSP source of a map tile server's URL template (`{s}.tile…` becomes `*.tile…`)."""
    parts = urlsplit(url.replace("{s}", "x")) if url else None
    if parts is None or parts.scheme not in ("https", "http") or not parts.hostname:
        return ""
    host = (
        ("*" + parts.netloc[1:]) if "{s}" in url and parts.netloc.startswith("x.") else parts.netloc
    )
    return f"{parts.scheme}://{host}"


def add_security_headers(response: Response, *, deny_framing: bool = True) -> Response:
    """No MIME sniffing, no referrer to other sites, and (unless told otherwise) no framing."""
    if deny_framing:
        response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def secure_response(response: Response, *, map_tiles: str = "") -> Response:
    """After every request: the policy on HTML pages, no-store on personal data, no sniffing.

    The portal may be framed by pages of its own site only; everything else by none.
    """
    portal = request.path.startswith("/portal/")
    if response.mimetype == "text/html":
        framing = "'self'" if portal else "'none'"
        policy = content_security_policy(csp_nonce(), framing=framing, images=map_tiles)
        response.headers.setdefault("Content-Security-Policy", policy)
        add_security_headers(response, deny_framing=not portal)
    else:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
    path = request.path
    personal = path.startswith("/api/") and not path.startswith(PUBLIC_API)
    staff_page = path.startswith("/staff/") and not path.startswith(
        ("/staff/static/", "/staff/vendor/")
    )
    if personal or staff_page or response.mimetype == "application/pdf":
        response.headers.setdefault("Cache-Control", "no-store")
    return response
