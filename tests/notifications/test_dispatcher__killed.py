"""A real dispatcher process killed mid-batch: after a restart every webhook arrives, and the
receiver that honours Idempotency-Key acts on each once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from engine.models import OutboxMessage
from notifications import admin
from notifications.dispatcher import dispatch_outbox, resolve_pending
from tests.engine.helpers import complete, open_case
from tests.notifications.conftest import outbox

ROOT = Path(__file__).resolve().parents[2]
DISPATCHER = """
import sys
from engine.clock import system_clock
from damrong.wiring import make_sessionmaker
from engine.db import make_engine
from notifications.dispatcher import dispatch_outbox
dispatch_outbox(make_sessionmaker(make_engine(sys.argv[1])), system_clock)
"""


def test_killed_dispatcher_process_then_restart_delivers_each_webhook_once(
    factory, clock, staff, http_sink, settings, database_url
):
    with factory.begin() as session:
        admin.set_agency_endpoint(
            session,
            clock,
            staff["admin"],
            "mol",
            http_sink.url + "/mol",
            allowance=settings.webhook_allowance,
        )
    for _ in range(3):
        case_id, _code, _ = open_case(factory, clock, staff["intake"])
        complete(factory, clock, staff["screener"], case_id, "screen", {"decision": "refer"})
    resolve_pending(factory, clock, settings)
    total = len(outbox(factory, channel="webhook"))
    assert total >= 3

    http_sink.answer_first = 2  # the third answer hangs: the process is killed waiting for it
    env = {k: v for k, v in os.environ.items() if not k.startswith("DAMRONG_")}
    process = subprocess.Popen(
        [sys.executable, "-c", DISPATCHER, database_url],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT), "DAMRONG_WEBHOOK_ALLOW": "127.0.0.1"},
    )
    try:
        assert http_sink.wait_for_calls(3), "the dispatcher process did not start sending"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        http_sink.gate.set()
    assert len(http_sink.calls) == 3

    with factory() as session:
        lease_until = session.scalar(select(func.max(OutboxMessage.leased_until)))
        assert session.scalar(select(func.count()).where(OutboxMessage.state == "sent")) == 0
    clock.set(lease_until)  # after the killed process's lease runs out
    dispatch_outbox(factory, clock, settings)

    hooks = [c for c in http_sink.calls if c.path == "/mol"]
    assert len(hooks) == total + 3, "the three sent before the kill went again, same keys"
    assert len([c for c in http_sink.delivered if c.path == "/mol"]) == total
    assert all(r.state == "sent" for r in outbox(factory, channel="webhook"))
