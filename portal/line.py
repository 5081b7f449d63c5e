"""LINE: a complainant links their LINE account to their case with a one-time code.

The case page hands out the code; the citizen adds the official account and sends the code in
the chat; LINE posts the message to our webhook, signed with the channel secret, and the
engine stores the sender's userId on the case so updates can be pushed there.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging

from flask import request

from engine.access.rules import Actor
from engine.errors import NotFound, RateLimited
from portal.linelink import holds_code, issue_code, redeem_code
from portal.pages import blueprint, services, writing
from portal.track import case_id_for_token, render_case, wrong_guess
from web.guessing import guessing
from web.inputs import tokens_match

log = logging.getLogger(__name__)
MAX_EVENTS = 50


@blueprint.post("/t/<token>/line")
def line_code(token: str):  # type: ignore[no-untyped-def]
    """A one-time code to send to the official LINE account."""
    case_id = case_id_for_token(token)
    if case_id is None:
        return wrong_guess()
    with writing() as db:
        code = issue_code(db, services().clock, Actor.citizen(case_id), case_id)
    return render_case(case_id, token, line_code=code)


def _signed(body: bytes, signature: str, secret: str) -> bool:
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return tokens_match(signature, base64.b64encode(digest).decode("ascii"))


@blueprint.post("/line/webhook")
def line_webhook():  # type: ignore[no-untyped-def]
    """LINE's webhook: text messages carrying a live code link their sender to the case."""
    secret = services().config.line_channel_secret
    if not secret:
        return "LINE is not configured", 404
    body = request.get_data(cache=True)
    try:
        with guessing(wrong=(BadSignature,)):  # forging a signature is guessing a secret
            if not _signed(body, request.headers.get("X-Line-Signature", ""), secret):
                raise BadSignature
    except BadSignature:
        return "bad signature", 403
    except RateLimited as exc:
        return "too many attempts", 429, {"Retry-After": str(exc.retry_after)}
    try:
        events = json.loads(body).get("events") or []
    except (ValueError, AttributeError):
        return "bad body", 400
    for event in events[:MAX_EVENTS] if isinstance(events, list) else []:
        user, text = _text_message(event)
        if user and text and holds_code(text):
            _redeem(user, text)
    return "OK", 200


def _redeem(user: str, text: str) -> None:
    """Link the sender to the case whose code they sent: one claimed guess of that LINE user."""
    try:
        with guessing(f"line:{user}"), writing() as db:
            case = redeem_code(db, services().clock, user, text)
            if case is None:
                raise NotFound("No live code.", "ไม่พบรหัสที่ใช้ได้")
            log.info("LINE account linked to case %s", case.id)
    except (NotFound, RateLimited):
        pass  # the chat gets no answer either way: nothing to tell a guesser


class BadSignature(Exception):
    """A webhook call not signed with the channel secret."""


def _text_message(event: object) -> tuple[str, str]:
    """(userId, text) of a text message event; empty strings for anything else."""
    if not isinstance(event, dict) or event.get("type") != "message":
        return "", ""
    message, source = event.get("message"), event.get("source")
    if not (isinstance(message, dict) and isinstance(source, dict)):
        return "", ""
    text, user = message.get("text"), source.get("userId")
    if message.get("type") != "text" or not isinstance(text, str) or not isinstance(user, str):
        return "", ""
    return user, text[:200]
