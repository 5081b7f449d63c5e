"""Delivery settings from DAMRONG_* environment variables (tests build their own)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import time

from notifications.addresses import Allowance


def _clock_time(text: str) -> time:
    hours, _, minutes = text.strip().partition(":")
    return time(int(hours), int(minutes or 0))


@dataclass(frozen=True)
class Settings:
    """Channels, retry policy and quiet hours for one dispatcher."""

    # The public address links in messages start with: DAMRONG_BASE_URL, else the address
    # `damrong serve` was started with (it sets DAMRONG_SERVED_URL for its scheduler).
    base_url: str = "http://127.0.0.1:8000"
    smtp_url: str | None = None
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_ca_file: str | None = None  # a private CA for the SMTP server's certificate
    mail_from: str = "ศูนย์ดำรงธรรม <noreply@damrong.local>"
    sms_url: str | None = None
    sms_token: str | None = None
    line_api_base: str = "https://api.line.me"
    line_channel_token: str | None = None
    timeout_seconds: float = 10.0
    max_attempts: int = 8
    backoff_base_seconds: float = 30.0
    backoff_cap_seconds: float = 6 * 3600.0
    lease_seconds: float = 300.0
    batch_size: int = 50
    quiet_start: time = time(21, 0)  # Asia/Bangkok; SMS waits until quiet_end
    quiet_end: time = time(7, 0)
    digest_hour: int = 8  # daily digests go out from this hour, Bangkok time
    webhook_allow: str = ""  # hosts and CIDR ranges webhooks may reach beyond public https
    webhook_ca_file: str | None = None  # a CA (e.g. a government network's) for webhook TLS

    @property
    def webhook_allowance(self) -> Allowance:
        """Hosts and ranges an administrator lets webhooks reach (DAMRONG_WEBHOOK_ALLOW)."""
        return Allowance.parse(self.webhook_allow)

    @property
    def channels(self) -> frozenset[str]:
        """The channels that are configured, so resolution never plans what cannot be sent."""
        ready = {"webhook", "digest"}
        if self.smtp_url:
            ready.add("email")
        if self.sms_url:
            ready.add("sms")
        if self.line_channel_token:
            ready.add("line")
        return frozenset(ready)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Read DAMRONG_* variables, falling back to the defaults."""
        env = dict(os.environ if environ is None else environ)
        text = {
            "smtp_url": "DAMRONG_SMTP_URL",
            "smtp_user": "DAMRONG_SMTP_USER",
            "smtp_password": "DAMRONG_SMTP_PASSWORD",
            "smtp_ca_file": "DAMRONG_SMTP_CA_FILE",
            "mail_from": "DAMRONG_MAIL_FROM",
            "sms_url": "DAMRONG_SMS_URL",
            "sms_token": "DAMRONG_SMS_TOKEN",
            "line_api_base": "DAMRONG_LINE_API_BASE",
            "line_channel_token": "DAMRONG_LINE_CHANNEL_TOKEN",
            "webhook_allow": "DAMRONG_WEBHOOK_ALLOW",
            "webhook_ca_file": "DAMRONG_WEBHOOK_CA_FILE",
        }
        values: dict[str, object] = {k: env[v] for k, v in text.items() if env.get(v)}
        for name in ("DAMRONG_SERVED_URL", "DAMRONG_BASE_URL", "DAMRONG_PUBLIC_URL"):  # last wins
            if env.get(name):
                values["base_url"] = env[name].strip()
        if env.get("DAMRONG_OUTBOX_MAX_ATTEMPTS"):
            values["max_attempts"] = int(env["DAMRONG_OUTBOX_MAX_ATTEMPTS"])
        if env.get("DAMRONG_NOTIFY_TIMEOUT_SECONDS"):
            values["timeout_seconds"] = float(env["DAMRONG_NOTIFY_TIMEOUT_SECONDS"])
        if env.get("DAMRONG_SMS_QUIET_HOURS"):  # e.g. "21:00-07:00"
            start, _, end = env["DAMRONG_SMS_QUIET_HOURS"].partition("-")
            values["quiet_start"], values["quiet_end"] = _clock_time(start), _clock_time(end)
        if env.get("DAMRONG_DIGEST_HOUR"):
            values["digest_hour"] = int(env["DAMRONG_DIGEST_HOUR"])
        return cls(**values)  # type: ignore[arg-type]
