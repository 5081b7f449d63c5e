"""`damrong audit verify` and `damrong audit anchor`, run as an operator runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from sqlalchemy import text

from open311 import keys
from tests.engine.helpers import complete, open_case
from tests.engine.test_audit__chain import chain, rewrite_tail


def damrong(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DAMRONG_DATABASE_URL": database_url}
    command = [sys.executable, "-m", "damrong.cli", "audit", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def test_verify_passes_then_names_the_chain_and_event_of_a_change(
    factory, clock, staff, database_url, tmp_path
):
    case_id, *_ = open_case(factory, clock, staff["intake"])
    decision = {"decision": "resolve", "reason": "ชี้แจงแล้ว"}
    complete(factory, clock, staff["screener"], case_id, "screen", decision)
    with factory.begin() as session:
        keys.issue_key(session, clock(), "super-app")

    intact = damrong(database_url, "verify")
    assert intact.returncode == 0, intact.stderr[-2000:]
    assert intact.stdout.startswith("OK") and "2 chains" in intact.stdout

    anchored = damrong(database_url, "anchor")
    assert anchored.returncode == 0, anchored.stderr[-2000:]
    heads = json.loads(anchored.stdout)["heads"]
    assert set(heads) == {"global", f"case:{case_id}"}
    anchor_file = tmp_path / "anchor.json"
    anchor_file.write_text(anchored.stdout, encoding="utf-8")

    rewrite_tail(factory, case_id, from_seq=2, action="rejected")
    assert damrong(database_url, "verify").returncode == 0  # consistent: only an anchor tells
    rewritten = damrong(database_url, "verify", "--anchor", str(anchor_file), "--json")
    assert rewritten.returncode == 1
    (finding,) = json.loads(rewritten.stdout)["findings"]
    assert (finding["chain"], finding["problem"]) == (f"case:{case_id}", "anchor_rewritten")
    assert finding["message_th"] and finding["message_en"]

    target = chain(factory, case_id)[1]
    with factory.begin() as session:
        session.execute(
            text("UPDATE audit_events SET action = 'x' WHERE id = :id"), {"id": target.id}
        )
    changed = damrong(database_url, "verify")
    assert changed.returncode == 1
    assert f"chain case:{case_id}, event #{target.id}" in changed.stdout
    assert "changed" in changed.stdout and "ถูกแก้ไข" in changed.stdout


def test_a_hostile_anchor_file_is_a_clear_error(factory, database_url, tmp_path):
    for name, content in (("binary", b"\xff\xfe\x00"), ("list", b"[1, 2]"), ("other", b'{"a": 1}')):
        path = tmp_path / name
        path.write_bytes(content)
        result = damrong(database_url, "verify", "--anchor", str(path))
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert "anchor" in result.stderr
