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
from sqlalchemy import select, update
from waitress import create_server

from agency.models import FeedEvent
from engine.models import OrgUnit, OutboxMessage
from notifications.models import AgencyEndpoint
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
    settings = Settings(
        base_url=server, backoff_base_seconds=1, backoff_cap_seconds=2, webhook_allow="127.0.0.1"
    )
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


def agency_system(server: str, token: str, *args: str) -> dict:
    """Run the simulated agency system once, as its own process; its JSON report."""
    run = subprocess.run(
        [sys.executable, "-m", "tests.agency.agency_system", server, token, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_agency_system_forwards_with_the_centers_approval_and_the_new_agency_finishes(
    server, tokens, factory, clock, staff, client
):
    with factory.begin() as session:  # Chiang Mai's provincial center approves forwards
        session.execute(
            update(OrgUnit).where(OrgUnit.code == "c50").values(forward_needs_approval=True)
        )
    try:
        case_id = referred_case(factory, clock, staff)
        mol = tokens["labour"]["Authorization"].removeprefix("Bearer ")
        dla = tokens["local"]["Authorization"].removeprefix("Bearer ")
        first = agency_system(server, mol, "dla")  # acknowledges, then asks to forward
        assert "forward_requested" in [e for _, _, e in first["received"]]
        waiting = client.get("/api/v1/forward-requests", headers=tokens["screener"]).get_json()
        [request] = waiting["items"]
        assert (request["from_agency"], request["to_agency"]) == ("mol", "dla")
        approved = client.post(
            f"/api/v1/cases/{case_id}/forward-requests/{request['id']}/approve",
            headers=tokens["screener"],
        )
        assert approved.status_code == 200

        # mol's system, pulling on from its cursor, learns the case left it and may not read it.
        later = agency_system(server, mol, "dla", first["cursor"])
        assert [e for _, _, e in later["received"]][-1] == "referral_ended"
        assert later["gone"] == {str(case_id): 403}
        # dla's system finds the case in its feed and works it to the center's review.
        finished = agency_system(server, dla)
        assert "forwarded" in [e for _, _, e in finished["received"]]
        assert status_of(factory, case_id) == "under_review"
    finally:
        with factory.begin() as session:
            session.execute(update(OrgUnit).values(forward_needs_approval=False))
