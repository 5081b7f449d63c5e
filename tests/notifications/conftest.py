"""Real servers on loopback: an aiosmtpd SMTP sink and an HTTP sink for SMS, LINE and webhooks."""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from engine.models import OrgUnit, OutboxMessage, User
from notifications.settings import Settings
from tests.api.conftest import app, client, tokens  # noqa: F401  (the API's fixtures, shared)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailBox:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.raw: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.recipients.append(list(envelope.rcpt_tos))
        self.raw.append(envelope.original_content or envelope.content)
        return "250 OK"


@dataclass
class SmtpSink:
    port: int
    box: MailBox
    controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.controller = Controller(self.box, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_sink():  # type: ignore[no-untyped-def]
    sink = SmtpSink(free_port(), MailBox())
    sink.start()
    yield sink
    sink.stop()


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body.decode("utf-8"))


@dataclass
class HttpSink:
    """Records every POST; answers with queued statuses, then 200. Like a well-behaved receiver,
    it acts on each Idempotency-Key (or X-Line-Retry-Key) once: `delivered` has no duplicates."""

    calls: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    delivered: list[Received] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    # After `answer_first` calls, hold every answer until `gate` opens (a slow receiver).
    answer_first: int | None = None
    gate: threading.Event = field(default_factory=threading.Event)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def wait_for_calls(self, count: int, timeout: float = 30) -> bool:
        """Block until `count` requests arrived (an external process is sending)."""
        with self.arrived:
            return self.arrived.wait_for(lambda: len(self.calls) >= count, timeout)

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def http_sink():  # type: ignore[no-untyped-def]
    sink = HttpSink()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # type: ignore[no-untyped-def]  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            received = Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            with lock, sink.arrived:
                sink.calls.append(received)
                sink.arrived.notify_all()
                hold = sink.answer_first is not None and len(sink.calls) > sink.answer_first
                status = sink.statuses.pop(0) if sink.statuses else 200
                key = received.headers.get("idempotency-key") or received.headers.get(
                    "x-line-retry-key"
                )
                seen = {
                    c.headers.get("idempotency-key") or c.headers.get("x-line-retry-key")
                    for c in sink.delivered
                }
                if status == 200 and key not in seen:
                    sink.delivered.append(received)
            if hold:
                sink.gate.wait(30)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):  # type: ignore[no-untyped-def]
            pass

    sink.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=sink.server.serve_forever, daemon=True)
    thread.start()
    yield sink
    sink.server.shutdown()
    sink.server.server_close()


@pytest.fixture
def settings(smtp_sink, http_sink) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(
        base_url="https://damrong.example.go.th",
        smtp_url=smtp_sink.url,
        sms_url=http_sink.url + "/sms",
        sms_token="sms-token",
        line_api_base=http_sink.url,
        line_channel_token="line-token",
        timeout_seconds=3,
        max_attempts=4,
        webhook_allow="127.0.0.1",  # the test receivers listen on loopback
    )


def give_emails(factory, **emails: str) -> None:  # type: ignore[no-untyped-def]
    """Set staff users' e-mail addresses by username."""
    with factory.begin() as session:
        for username, email in emails.items():
            session.execute(update(User).where(User.username == username).values(email=email))


def outbox(factory, **where: object) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    """Outbox rows matching column values, oldest first."""
    with factory() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        for name, value in where.items():
            query = query.where(getattr(OutboxMessage, name) == value)
        return list(session.scalars(query))


def unit_id(factory, code: str) -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        return session.scalar(select(OrgUnit.id).where(OrgUnit.code == code))
