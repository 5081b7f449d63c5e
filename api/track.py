"""The public tracking endpoint and citizen actions, opened by tracking code plus secret."""

from __future__ import annotations

from collections.abc import Callable

from flask import request
from flask.typing import ResponseReturnValue

from api.edge import blueprint, error_response, lang, reading, services, writing
from engine.access.rules import Actor
from engine.cases.tracking import find_own_case, public_view
from engine.errors import RateLimited, ValidationFailed
from engine.workflow.messages import send_message
from web.guessing import guessing

CITIZEN_MESSAGES = {"withdraw", "info_provided", "reopen"}


def _secret() -> str | None:
    # The header is preferred: query strings end up in proxies' access logs.
    return request.headers.get("X-Citizen-Secret") or request.args.get("secret")


def guarded(lookup: Callable[[], ResponseReturnValue]) -> ResponseReturnValue:
    """Run a lookup by code + secret as one claimed guess of the caller's address: wrong guesses
    are slowed down (429), with one answer whether the code exists or not."""
    try:
        with guessing():
            return lookup()
    except RateLimited as exc:
        response = error_response(exc.code, exc.message(lang()), 429)
        response[0].headers["Retry-After"] = str(exc.retry_after)
        return response


@blueprint.get("/track/<code>")
def track(code: str):  # type: ignore[no-untyped-def]
    """Status and public timeline of one's own case."""

    def lookup() -> dict:
        with reading() as session:
            case = find_own_case(session, code, _secret())
            return public_view(session, case, lang())

    return guarded(lookup)


@blueprint.post("/track/<code>/messages/<name>")
def citizen_message(code: str, name: str):  # type: ignore[no-untyped-def]
    """The complainant withdraws, answers a request for information, or reopens."""
    data = request.get_json(silent=True) or {}
    text = data.get("text") if isinstance(data, dict) else None

    def act() -> dict:
        with writing() as session:
            case = find_own_case(session, code, _secret())
            if name not in CITIZEN_MESSAGES:
                raise ValidationFailed.one(
                    "message", f"ไม่รู้จัก «{name}»", f"Unknown message «{name}»."
                )
            send_message(session, services().clock, Actor.citizen(case.id), case.id, name, text)
            return public_view(session, case, lang())

    return guarded(act)
