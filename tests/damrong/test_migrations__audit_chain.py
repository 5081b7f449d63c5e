"""Migration 0014 chains the audit events a database already holds, so verify passes after an
upgrade and still catches a change made afterwards."""

from __future__ import annotations

import json
import sqlite3

from sqlalchemy import select, text

from damrong.migrate import upgrade
from damrong.wiring import make_sessionmaker
from engine import audit
from engine.db import make_engine
from engine.models import AuditHead

LEGACY = [  # (case_id, action, detail) in the order they were written
    (7, "opened", {"channel": "walk_in"}),
    (None, "open311_key_issued", {"key_id": 1, "name": "แอปทางรัฐ", "share": 0.5}),
    (7, "status_changed", {}),
    (9, "opened", {"note": "ผู้ร้อง สมชาย 0812345678"}),
    (None, "admin_updated", {"changes": {"active": [True, False]}}),
    (7, "commented", {}),
]


def test_events_written_before_the_chain_verify_after_the_upgrade(tmp_path):
    path = tmp_path / "legacy.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine, "0013")
    with sqlite3.connect(path) as legacy:  # no foreign keys: the events alone matter here
        for number, (case_id, action, detail) in enumerate(LEGACY):
            legacy.execute(
                "INSERT INTO audit_events (case_id, at, actor_id, actor_label, action, public,"
                " detail) VALUES (?, ?, NULL, 'screener1', ?, 0, ?)",
                (case_id, f"2026-11-0{number + 1} 09:30:00.123456", action, json.dumps(detail)),
            )
    upgrade(engine, "0014")
    factory = make_sessionmaker(engine)
    with factory() as session:
        report = audit.verify(session)
        heads = {h.chain: h.seq for h in session.scalars(select(AuditHead))}
    assert report.ok and (report.chains, report.events) == (3, 6)
    assert heads == {"case:7": 3, "case:9": 1, "global": 2}

    with factory.begin() as session:
        session.execute(text("UPDATE audit_events SET action = 'deleted' WHERE action = 'opened'"))
    with factory() as session:
        found = {(f.chain, f.problem) for f in audit.verify(session).findings}
    assert found == {("case:7", "changed"), ("case:9", "changed")}
    engine.dispose()
