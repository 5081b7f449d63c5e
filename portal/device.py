"""How many complaints one phone and one address may file: a per-device cookie and the limits.

Mobile carriers put many phones behind one address, so the address limit is generous and a
phone that keeps the portal's device cookie (a random id, signed with the secret key, so nobody
picks another's) is counted on its own: one busy phone never blocks its neighbours. A client
without the cookie, as most robots are, is counted by its address; the honeypot catches the
rest. All devices of one address together still meet a ceiling.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import Response, g, request
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session

from engine.access import throttle
from web.edge import client_address, services

COOKIE = "damrong_device"
COOKIE_MAX_AGE_S = 400 * 86400
DEVICE_PER_HOUR = 10  # one phone: a person with several complaints fits
SHARED_FACTOR = 10  # all known devices behind one address: ten times the address limit
HOUR = timedelta(hours=1)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(services().config.secret_key, salt="portal-device")


def known_device() -> str | None:
    """The id in this request's device cookie when its signature holds, else None."""
    sent = request.cookies.get(COOKIE, "")
    if not sent or len(sent) > 200:
        return None
    try:
        device = _serializer().loads(sent)
    except BadSignature:
        return None
    return device if isinstance(device, str) else None


def remember_device(response: Response) -> Response:
    """Give a browser without a valid device cookie a new one (kept for 400 days)."""
    if known_device() is None and not g.get("device_given"):
        g.device_given = True
        signed = _serializer().dumps(secrets.token_hex(16))
        secure = services().config.base_url.startswith("https://")
        response.set_cookie(
            COOKIE, signed, max_age=COOKIE_MAX_AGE_S, httponly=True, samesite="Lax", secure=secure
        )
    return response


def count_filing(session: Session) -> None:
    """Count one complaint about to be opened; RateLimited past this device's or address's limit."""
    now, per_hour = services().clock(), services().config.filing_per_hour
    address, device = client_address(), known_device()
    if device is None:
        throttle.hit(session, f"file:{address}", now, per_hour, HOUR)
        return
    throttle.hit(session, f"file-device:{device}", now, DEVICE_PER_HOUR, HOUR)
    throttle.hit(session, f"file-shared:{address}", now, per_hour * SHARED_FACTOR, HOUR)
