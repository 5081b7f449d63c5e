"""The channels: e-mail over SMTP, an SMS gateway, LINE push, and signed agency webhooks.

Standard library only, an explicit timeout on every connection. A channel raises
DeliveryFailed; `permanent` failures are dead-lettered at once, others are retried.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import smtplib
import socket
import ssl
import uuid
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from notifications import addresses
from notifications.addresses import Allowance
from notifications.logsafe import scrub
from notifications.settings import Settings

USER_AGENT = "Damrong-Notifications/1"
RETRYABLE_HTTP = frozenset({408, 425, 429})


class DeliveryFailed(Exception):
    """A send did not succeed; `permanent` means retrying the same thing cannot help."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Outgoing:
    """A leased delivery, copied out of the database so sending needs no session."""

    id: int
    channel: str
    address: str
    idempotency_key: str
    rendered: dict[str, Any]
    attempts: int
    secret: str | None = None  # webhooks: the agency's signing secret


def send(
    message: Outgoing, settings: Settings, now: datetime, mail: MailConnection | None = None
) -> None:
    """Deliver one message on its channel, or raise DeliveryFailed."""
    if message.channel == "email" and mail is not None:
        mail.send(message, now)
        return
    senders = {"email": send_email, "sms": send_sms, "line": send_line, "webhook": send_webhook}
    sender = senders.get(message.channel)
    if sender is None:
        raise DeliveryFailed(f"unknown channel {message.channel!r}", permanent=True)
    sender(message, settings, now)


# ---- e-mail -------------------------------------------------------------------------------


def build_email(message: Outgoing, settings: Settings, now: datetime) -> EmailMessage:
    """A MIME message: Thai subject (RFC 2047), UTF-8 text plus an HTML alternative."""
    mail = EmailMessage()
    mail["Subject"] = message.rendered.get("subject", "")
    mail["From"] = settings.mail_from
    mail["To"] = message.address
    mail["Date"] = formatdate(now.timestamp(), localtime=False)
    # The same Message-ID on every attempt lets mail systems drop a duplicate after a crash.
    mail["Message-ID"] = f"<{message.idempotency_key}@damrong>"
    mail["X-Damrong-Idempotency-Key"] = message.idempotency_key
    mail.set_content(message.rendered.get("text", ""), charset="utf-8")
    if message.rendered.get("html"):
        mail.add_alternative(message.rendered["html"], subtype="html", charset="utf-8")
    return mail


def _connect(settings: Settings) -> smtplib.SMTP:
    """Open and log in to the SMTP server that DAMRONG_SMTP_URL names."""
    if not settings.smtp_url:
        raise DeliveryFailed("DAMRONG_SMTP_URL is not set")
    url = urlsplit(settings.smtp_url)
    options = parse_qs(url.query)
    user = unquote(url.username) if url.username else settings.smtp_user
    password = unquote(url.password) if url.password else settings.smtp_password
    host, timeout = url.hostname or "localhost", settings.timeout_seconds
    if url.scheme == "smtps":
        context = ssl.create_default_context(cafile=settings.smtp_ca_file)
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            host, url.port or 465, timeout=timeout, context=context
        )
    elif url.scheme == "smtp":
        client = smtplib.SMTP(host, url.port or 25, timeout=timeout)
    else:
        raise DeliveryFailed(f"unsupported SMTP URL scheme {url.scheme!r}", permanent=True)
    try:
        if options.get("starttls", [""])[0] == "required":
            client.ehlo()
            if not client.has_extn("starttls"):
                # Never fall back to plain text when TLS was asked for.
                raise DeliveryFailed("the SMTP server does not offer STARTTLS")
            client.starttls(context=ssl.create_default_context(cafile=settings.smtp_ca_file))
            client.ehlo()
        if user:
            client.login(user, password or "")
    except BaseException:
        client.close()
        raise
    return client


class MailConnection:
    """One SMTP connection reused for a batch of e-mails, reopened after any error."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.client: smtplib.SMTP | None = None

    def send(self, message: Outgoing, now: datetime) -> None:
        """Send one e-mail, connecting first if needed; raise DeliveryFailed on failure."""
        try:
            if self.client is None:
                self.client = _connect(self.settings)
            self.client.send_message(build_email(message, self.settings, now))
        except smtplib.SMTPRecipientsRefused as exc:
            # The refused address is the complainant's: only the server's codes are kept.
            codes = sorted({code for code, _text in exc.recipients.values()})
            raise DeliveryFailed(f"recipient refused: SMTP {codes}", permanent=True) from exc
        except smtplib.SMTPResponseException as exc:
            self.close()
            permanent = 500 <= exc.smtp_code < 600 and exc.smtp_code != 535  # 535: fix the login
            said = exc.smtp_error
            answer = scrub(
                (said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said))[:300]
            )
            raise DeliveryFailed(f"SMTP {exc.smtp_code}: {answer}", permanent=permanent) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise DeliveryFailed(f"SMTP: {type(exc).__name__}: {scrub(str(exc))}") from exc
        except DeliveryFailed:
            self.close()
            raise

    def close(self) -> None:
        """Say goodbye to the server, ignoring a connection that is already gone."""
        client, self.client = self.client, None
        if client is not None:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()


def send_email(message: Outgoing, settings: Settings, now: datetime) -> None:
    """Send one e-mail on its own connection (the dispatcher shares one per batch)."""
    connection = MailConnection(settings)
    try:
        connection.send(message, now)
    finally:
        connection.close()


# ---- HTTP channels ------------------------------------------------------------------------


def post_json(
    url: str,
    body: bytes,
    headers: dict[str, str],
    timeout: float,
    allowance: Allowance | None = None,
    ca_file: str | None = None,
) -> int:
    """POST a JSON body; return the status, or raise DeliveryFailed on failure statuses.

    With an `allowance` (webhooks, whose URLs administrators type) the URL and the resolved
    address are checked first and the connection goes to that checked address. Redirects are
    not followed, and the receiver's answer is never kept: errors carry the status code only.
    """
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    pinned = None
    if allowance is not None:
        try:
            addresses.check_url(url, allowance)
            pinned = addresses.resolve(parts.hostname or "", port, allowance)
        except addresses.UnsafeAddress as exc:
            raise DeliveryFailed(f"address refused: {exc.message_en}", permanent=True) from exc
    elif parts.scheme not in ("https", "http") or not parts.hostname:
        raise DeliveryFailed(f"unsupported URL scheme {parts.scheme!r}", permanent=True)
    connection = _connection(parts.scheme, parts.hostname or "", port, timeout, pinned, ca_file)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    sent = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT}
    try:
        connection.request("POST", target, body=body, headers={**sent, **headers})
        response = connection.getresponse()
        response.read(65536)  # read and dropped: a receiver's words are never stored
        status = response.status
    except http.client.HTTPException as exc:
        raise DeliveryFailed(f"HTTP: {type(exc).__name__}") from exc
    except OSError as exc:
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
    finally:
        connection.close()
    if 300 <= status < 400:
        raise DeliveryFailed(f"HTTP {status}: redirects are not followed", permanent=True)
    if status >= 400:
        retryable = status >= 500 or status in RETRYABLE_HTTP
        raise DeliveryFailed(f"HTTP {status}", permanent=not retryable)
    return status


def _connection(
    scheme: str, host: str, port: int, timeout: float, pinned: str | None, ca_file: str | None
) -> http.client.HTTPConnection:
    """An HTTP(S) connection to `host`, opened to the `pinned` address when one is given."""
    if scheme == "https":
        context = ssl.create_default_context()
        if ca_file:
            context.load_verify_locations(cafile=ca_file)  # beside the system's CAs
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            host, port, timeout=timeout, context=context
        )
    else:
        connection = http.client.HTTPConnection(host, port, timeout=timeout)
    if pinned is not None:
        # TLS still checks the certificate against `host`; only the address is fixed.
        connection._create_connection = lambda _address, wait, source: socket.create_connection(  # type: ignore[attr-defined]
            (pinned, port), wait, source
        )
    return connection


def _json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def send_sms(message: Outgoing, settings: Settings, now: datetime) -> None:
    """POST {"to", "message", "reference"} to the SMS gateway (DAMRONG_SMS_URL)."""
    if not settings.sms_url:
        raise DeliveryFailed("DAMRONG_SMS_URL is not set")
    body = {
        "to": message.address,
        "message": message.rendered.get("short") or message.rendered.get("text", ""),
        "reference": message.idempotency_key,
    }
    headers = {"Idempotency-Key": message.idempotency_key}
    if settings.sms_token:
        headers["Authorization"] = f"Bearer {settings.sms_token}"
    post_json(settings.sms_url, _json(body), headers, settings.timeout_seconds)


def line_retry_key(idempotency_key: str) -> str:
    """LINE wants a UUID as X-Line-Retry-Key; the same message always gives the same one."""
    return str(uuid.UUID(hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]))


def send_line(message: Outgoing, settings: Settings, now: datetime) -> None:
    """Push a text message through the LINE Messaging API to the complainant's userId."""
    if not settings.line_channel_token:
        raise DeliveryFailed("DAMRONG_LINE_CHANNEL_TOKEN is not set")
    text = message.rendered.get("short") or message.rendered.get("text", "")
    body = {"to": message.address, "messages": [{"type": "text", "text": text[:5000]}]}
    headers = {
        "Authorization": f"Bearer {settings.line_channel_token}",
        "X-Line-Retry-Key": line_retry_key(message.idempotency_key),
    }
    url = settings.line_api_base.rstrip("/") + "/v2/bot/message/push"
    try:
        post_json(url, _json(body), headers, settings.timeout_seconds)
    except DeliveryFailed as exc:
        if str(exc).startswith("HTTP 409"):
            return  # LINE already accepted this retry key: delivered before a crash
        raise


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The webhook signature: hex HMAC-SHA256 over `timestamp + "." + body`."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def send_webhook(message: Outgoing, settings: Settings, now: datetime) -> None:
    """POST the event to an agency's endpoint, signed with its secret, with an Idempotency-Key."""
    if not message.secret:
        raise DeliveryFailed("the agency endpoint has no secret", permanent=True)
    body = _json(message.rendered.get("webhook", {}))
    timestamp = str(int(now.timestamp()))
    headers = {
        "X-Damrong-Timestamp": timestamp,
        "X-Damrong-Signature": sign(message.secret, timestamp, body),
        "X-Damrong-Event": str(message.rendered.get("webhook", {}).get("event", "")),
        "Idempotency-Key": message.idempotency_key,
    }
    post_json(
        message.address,
        body,
        headers,
        settings.timeout_seconds,
        settings.webhook_allowance,
        settings.webhook_ca_file,
    )
