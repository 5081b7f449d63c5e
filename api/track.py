"""The public tracking endpoint and citizen actions, opened by tracking code plus secret."""

from __future__ import annotations

from flask import request

from api.edge import blueprint, lang, reading, services, writing
from engine.access import Actor
from engine.errors import ValidationFailed
from engine.services.messages import send_message
from engine.services.tracking import find_own_case, public_view

CITIZEN_MESSAGES = {"withdraw", "info_provided", "reopen"}


def _secret() -> str | None:
    # The header is preferred: query strings end up in proxies' access logs.
    return request.headers.get("X-Citizen-Secret") or request.args.get("secret")


@blueprint.get("/track/<code>")
def track(code: str):  # type: ignore[no-untyped-def]
    """Status and public timeline of one's own case."""
    with reading() as session:
        case = find_own_case(session, code, _secret())
        return public_view(session, case, lang())


@blueprint.post("/track/<code>/messages/<name>")
def citizen_message(code: str, name: str):  # type: ignore[no-untyped-def]
    """The complainant withdraws, answers a request for information, or reopens."""
    data = request.get_json(silent=True) or {}
    text = data.get("text") if isinstance(data, dict) else None
    with writing() as session:
        case = find_own_case(session, code, _secret())
        if name not in CITIZEN_MESSAGES:
            raise ValidationFailed.one("message", f"ไม่รู้จัก «{name}»", f"Unknown message «{name}».")
        send_message(session, services().clock, Actor.citizen(case.id), case.id, name, text)
        return public_view(session, case, lang())
