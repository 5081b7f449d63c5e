"""Benchmark: messages per second from the outbox to a local SMTP sink (aiosmtpd, in its own
process so the sink does not share the dispatcher's interpreter lock).

Queues N messages to one staff member and runs the dispatcher until the outbox is empty, on
SQLite (a temporary file) and, when DAMRONG_BENCH_DATABASE_URL is set, on PostgreSQL (the
outbox there is emptied first). Prints one JSON object per database:
{"database", "messages", "seconds", "messages_per_s", "sent"}
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import delete, func, select  # noqa: E402

from damrong.migrate import upgrade  # noqa: E402
from damrong.wiring import make_sessionmaker  # noqa: E402
from engine.clock import system_clock  # noqa: E402
from engine.db import make_engine  # noqa: E402
from engine.models import OrgUnit, OutboxMessage, User  # noqa: E402
from engine.reference import loader  # noqa: E402
from notifications.dispatcher import dispatch_outbox  # noqa: E402
from notifications.settings import Settings  # noqa: E402


def run(url: str, messages: int, port: int) -> dict:
    engine = make_engine(url)
    upgrade(engine)
    factory = make_sessionmaker(engine)
    now = datetime.now(UTC)
    with factory.begin() as session:
        if not session.scalar(select(func.count(OrgUnit.id))):
            loader.load_all(session)
        session.execute(delete(OutboxMessage))
        user = session.scalar(select(User).where(User.username == "bench-mail"))
        if user is None:
            unit = session.scalar(select(OrgUnit).where(OrgUnit.code == "c5001"))
            user = User(
                username="bench-mail",
                display_name="bench",
                password_hash="!",
                org_unit_id=unit.id,
                roles=["screener"],
                email="bench@example.com",
                language="th",
                active=True,
                created_at=now,
            )
            session.add(user)
            session.flush()
        for n in range(messages):
            session.add(
                OutboxMessage(
                    event="daily_digest",
                    recipient=f"user:{user.id}",
                    payload={"items": [], "counts": {"open": n, "at_risk": 0, "breached": 0}},
                    idempotency_key=uuid.uuid4().hex,
                    state="pending",
                    attempts=0,
                    created_at=now,
                    next_attempt_at=now,
                )
            )
    settings = Settings(smtp_url=f"smtp://127.0.0.1:{port}", batch_size=100)
    started = time.perf_counter()
    while True:
        report = dispatch_outbox(factory, system_clock, settings)
        if report.resolved == 0 and report.sent == 0 and report.retrying == 0:
            break
    seconds = time.perf_counter() - started
    with factory() as session:
        sent = session.scalar(
            select(func.count(OutboxMessage.id)).where(OutboxMessage.state == "sent")
        )
    engine.dispose()
    return {
        "database": url.split(":", 1)[0],
        "messages": messages,
        "seconds": round(seconds, 3),
        "messages_per_s": round(messages / seconds, 1),
        "sent": sent,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=300)
    args = parser.parse_args()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink"]
        + ["-l", f"127.0.0.1:{port}"]
    )
    _wait_for(port)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(run(f"sqlite:///{tmp}/bench.db", args.messages, port)))
        if os.environ.get("DAMRONG_BENCH_DATABASE_URL"):
            pg = os.environ["DAMRONG_BENCH_DATABASE_URL"]
            print(json.dumps(run(pg, args.messages, port)))
    finally:
        sink.terminate()
        sink.wait(timeout=10)


def _wait_for(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("the SMTP sink did not start")


if __name__ == "__main__":
    main()
