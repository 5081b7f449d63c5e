"""End to end: an agency's own system, a separate process, works a case over HTTP; webhooks to
its endpoint fail for a while, and every change still arrives, once, through the feed."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select
from waitress import create_server

from engine.models import AgencyEndpoint, FeedEvent, OrgUnit, OutboxMessage
from tests.agency.conftest import referred_case
from tests.engine.helpers import status_of

ROOT = Path(__file__).resolve().parents[2]


class FlakyReceiver(BaseHTTPRequestHandler):
    """An agency webhook endpoint that answers 503 until told to recover."""

    failing = True
    delivered: list[str] = []
    refused = 0

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if FlakyReceiver.failing:
            FlakyReceiver.refused += 1
            self.send_response(503)
        else:
            FlakyReceiver.delivered.append(self.headers["Idempotency-Key"])
            self.send_response(200)
        self.end_headers()

    def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
        pass


@pytest.fixture
def server(app):  # type: ignore[no-untyped-def]
    """The app on a real port, as an agency's system reaches it."""
    wsgi = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=wsgi.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{wsgi.effective_port}"
    wsgi.close()


@pytest.fixture
def receiver():  # type: ignore[no-untyped-def]
    FlakyReceiver.failing, FlakyReceiver.delivered, FlakyReceiver.refused = True, [], 0
    http = ThreadingHTTPServer(("127.0.0.1", 0), FlakyReceiver)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{http.server_address[1]}/hook"
    http.shutdown()


def test_agency_system_pulls_the_feed_and_brings_the_case_to_review(
    server, receiver, tokens, factory, clock, staff
):
    dispatcher = pytest.importorskip("notifications.dispatcher")
    from notifications.settings import Settings

    with factory.begin() as session:
        mol = session.scalar(select(OrgUnit).where(OrgUnit.code == "mol"))
        session.add(
            AgencyEndpoint(
                org_unit_id=mol.id, url=receiver, secret="s3cret", active=True, created_at=clock()
            )
        )
    case_id = referred_case(factory, clock, staff)
    settings = Settings(base_url=server, backoff_base_seconds=1, backoff_cap_seconds=2)
    dispatcher.dispatch_outbox(factory, clock, settings)  # the endpoint is down
    assert FlakyReceiver.refused >= 1 and FlakyReceiver.delivered == []

    token = tokens["labour"]["Authorization"].removeprefix("Bearer ")
    run = subprocess.run(
        [sys.executable, "-m", "tests.agency.agency_system", server, token],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    received = [tuple(r) for r in json.loads(run.stdout)["received"]]

    assert status_of(factory, case_id) == "under_review"
    with factory() as session:
        feed = session.execute(
            select(FeedEvent.position, FeedEvent.case_id, FeedEvent.event)
            .where(FeedEvent.agency_id == staff["labour"].org_unit_id)
            .order_by(FeedEvent.position)
        ).all()
    assert received == [tuple(r) for r in feed]  # every change, in order, none twice
    events = [e for _, _, e in received]
    assert events.count("task_completed") == 4  # screen, acknowledge, one progress, result

    FlakyReceiver.failing = False  # the endpoint recovers; retries deliver each webhook once
    for _ in range(5):
        clock.advance(minutes=5)
        dispatcher.dispatch_outbox(factory, clock, settings)
    assert FlakyReceiver.delivered
    assert len(FlakyReceiver.delivered) == len(set(FlakyReceiver.delivered))
    # Every change queued for mol's endpoint (the referral and each case_updated) was
    # delivered, each exactly once, once the endpoint came back.
    with factory() as session:
        queued = session.scalars(
            select(OutboxMessage.id).where(
                OutboxMessage.recipient == "agency:mol", OutboxMessage.parent_id.is_(None)
            )
        ).all()
        hooks = session.execute(
            select(OutboxMessage.idempotency_key, OutboxMessage.state).where(
                OutboxMessage.channel == "webhook", OutboxMessage.parent_id.in_(queued)
            )
        ).all()
    assert len(hooks) == len(queued) and {state for _, state in hooks} == {"sent"}
    assert sorted(FlakyReceiver.delivered) == sorted(key for key, _ in hooks)
