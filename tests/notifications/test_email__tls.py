"""SMTP URL forms against a real TLS server: STARTTLS with login from the URL, implicit TLS
with login from settings, and certificates that are checked."""

from __future__ import annotations

import ssl
import subprocess
from dataclasses import replace

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from notifications.dispatcher import dispatch_outbox
from notifications.settings import Settings
from tests.engine.helpers import open_case
from tests.notifications.conftest import MailBox, free_port, outbox

CITIZEN = {"name": "สมหญิง", "email": "somying@example.com"}


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    return cert, key


class Logins:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def __call__(self, server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
        assert isinstance(auth_data, LoginPassword)
        pair = (auth_data.login.decode(), auth_data.password.decode())
        self.seen.append(pair)
        return AuthResult(success=pair == ("damrong", "s@cret"))


def _server(certificate, implicit: bool, logins: Logins):  # type: ignore[no-untyped-def]
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    box, port = MailBox(), free_port()
    options = {"authenticator": logins, "auth_required": True}
    if implicit:
        controller = Controller(
            box,
            hostname="127.0.0.1",
            port=port,
            ssl_context=context,
            auth_require_tls=False,  # aiosmtpd only counts STARTTLS as TLS
            **options,
        )
    else:
        controller = Controller(
            box,
            hostname="127.0.0.1",
            port=port,
            tls_context=context,
            require_starttls=True,
            **options,
        )
    controller.start()
    return controller, box, port


def test_starttls_required_upgrades_then_logs_in_with_url_credentials(
    factory, clock, staff, certificate
):
    logins = Logins()
    controller, box, port = _server(certificate, False, logins)
    try:
        settings = Settings(
            smtp_url=f"smtp://damrong:s%40cret@127.0.0.1:{port}?starttls=required",
            smtp_ca_file=str(certificate[0]),
        )
        open_case(factory, clock, staff["intake"], complainant=CITIZEN)
        dispatch_outbox(factory, clock, settings)
    finally:
        controller.stop()
    assert logins.seen == [("damrong", "s@cret")]
    assert [m["To"] for m in box.messages] == ["somying@example.com"]


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtps_is_implicit_tls_with_credentials_from_settings(factory, clock, staff, certificate):
    logins = Logins()
    controller, box, port = _server(certificate, True, logins)
    try:
        settings = Settings(
            smtp_url=f"smtps://127.0.0.1:{port}",
            smtp_user="damrong",
            smtp_password="s@cret",
            smtp_ca_file=str(certificate[0]),
        )
        open_case(factory, clock, staff["intake"], complainant=CITIZEN)
        dispatch_outbox(factory, clock, settings)
        assert len(box.messages) == 1

        # A certificate nobody vouches for is refused, and the message waits for a retry.
        open_case(factory, clock, staff["intake"], complainant={"email": "b@example.com"})
        dispatch_outbox(factory, clock, replace(settings, smtp_ca_file=None))
    finally:
        controller.stop()
    assert len(box.messages) == 1
    [row] = outbox(factory, channel="email", address="b@example.com")
    assert row.state == "pending" and "CERTIFICATE_VERIFY_FAILED" in row.last_error


def test_settings_come_from_damrong_environment_variables():
    settings = Settings.from_env(
        {
            "DAMRONG_SMTP_URL": "smtps://mail.example:465",
            "DAMRONG_SMTP_USER": "u",
            "DAMRONG_OUTBOX_MAX_ATTEMPTS": "3",
            "DAMRONG_SMS_QUIET_HOURS": "22:30-06:00",
            "DAMRONG_LINE_CHANNEL_TOKEN": "t",
        }
    )
    assert (settings.smtp_url, settings.smtp_user, settings.max_attempts) == (
        "smtps://mail.example:465",
        "u",
        3,
    )
    assert (settings.quiet_start.hour, settings.quiet_start.minute, settings.quiet_end.hour) == (
        22,
        30,
        6,
    )
    assert settings.line_api_base == "https://api.line.me"
    assert settings.channels == {"email", "line", "webhook", "digest"}
    assert Settings.from_env({}).max_attempts == 8
