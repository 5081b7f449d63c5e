"""Two real scheduler processes sweep the same database: every due timer fires exactly once."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from engine.models import AuditEvent, Case, Timer
from tests.engine.helpers import complete, open_case

CASES = 24


def test_two_scheduler_processes_never_fire_a_timer_twice(factory, clock, staff, database_url):
    # Cases resolved 40 days ago: their 30-day reopen window is due now, by the real clock
    # the scheduler processes use.
    clock.set(datetime.now(UTC) - timedelta(days=40))
    ids = []
    for _ in range(CASES):
        case_id, *_ = open_case(factory, clock, staff["intake"])
        complete(
            factory,
            clock,
            staff["screener"],
            case_id,
            "screen",
            {"decision": "resolve", "reason": "ชี้แจงแล้ว"},
        )
        ids.append(case_id)
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Timer)) == CASES

    env = {**os.environ, "DAMRONG_DATABASE_URL": database_url}
    command = [sys.executable, "-m", "damrong.cli", "scheduler", "--once", "--job", "timer_sweep"]
    sweepers = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in sweepers]
    assert [p.returncode for p in sweepers] == [0, 0], [err.decode()[-2000:] for _, err in outputs]

    with factory() as session:
        statuses = session.scalars(select(Case.status).where(Case.id.in_(ids))).all()
        closings = session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.case_id.in_(ids),
                AuditEvent.action == "status_changed",
                AuditEvent.status_after == "closed",
            )
        )
        left = session.scalar(select(func.count()).select_from(Timer))
    assert statuses == ["closed"] * CASES
    assert closings == CASES  # once each, though both processes saw every timer due
    assert left == 0
    reports = [
        json.loads(out.decode().strip().splitlines()[-1])["timer_sweep"] for out, _ in outputs
    ]
    fired = [int(re.search(r"fired=(\d+)", r).group(1)) for r in reports]
    assert sum(fired) == CASES, reports  # between them, each case advanced by one process
