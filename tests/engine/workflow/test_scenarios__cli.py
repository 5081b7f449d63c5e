"""`damrong processes test-run` as an operator uses it: the stored scenarios of the live
version, a file, --json, and the exit code saying whether everything passed."""

from __future__ import annotations

import json

from damrong import cli
from engine.workflow import scenarios

SHIPPED = scenarios.SCENARIOS_DIR / "complaint"


def run(capsys, monkeypatch, database_url, *argv: str):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DAMRONG_DATABASE_URL", database_url)
    code = cli.main(["processes", "test-run", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_live_versions_scenarios_pass(factory, capsys, monkeypatch, database_url) -> None:  # type: ignore[no-untyped-def]
    code, out, _err = run(capsys, monkeypatch, database_url, "complaint")
    assert code == 0
    assert "complaint v1: 3 scenario(s)" in out
    assert "PASS  sla_breach_escalates" in out and "FAIL" not in out
    assert "advance 16 working days" in out and "notifications queued (not sent)" in out


def test_a_scenario_that_misses_exits_4_and_says_where(  # type: ignore[no-untyped-def]
    factory, capsys, monkeypatch, database_url, tmp_path
) -> None:
    document = json.loads((SHIPPED / "request_info_then_withdraw.json").read_text())
    document["expect"]["status"] = "closed"
    document["steps"].insert(1, {"complete": "review", "data": {}})
    path = tmp_path / "wrong.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    code, out, _err = run(capsys, monkeypatch, database_url, "complaint", "--scenario", str(path))
    assert code == 4
    assert "FAIL  request_info_then_withdraw" in out
    assert "Step 2 (complete review): The task «review» is not open now." in out


def test_json_and_errors(factory, capsys, monkeypatch, database_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = SHIPPED / "refer_agency_and_close.json"
    code, out, _ = run(
        capsys, monkeypatch, database_url, "complaint", "--version", "1", "--scenario", str(path)
    )
    assert code == 0
    code, out, _ = run(
        capsys, monkeypatch, database_url, "complaint", "--scenario", str(path), "--json"
    )
    body = json.loads(out)
    (result,) = body["results"]
    assert code == 0 and result["passed"] and result["status"] == "closed"
    assert result["path"][-1] == "closed" and "diagrams" not in result
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "Bad Name"}', encoding="utf-8")
    code, _out, err = run(capsys, monkeypatch, database_url, "complaint", "--scenario", str(bad))
    assert code == 1 and "a-z 0-9" in err
    code, _out, err = run(capsys, monkeypatch, database_url, "complaint", "--version", "99")
    assert code == 1 and "no version 99" in err
