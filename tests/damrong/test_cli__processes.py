"""`damrong deploy` and `damrong processes …` as an operator uses them: exit codes, findings as
`file:line:element: …` or JSON, versions, rollback, export and re-import, and `damrong init`
on a database whose shipped process changed (a draft, never over the live version)."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from damrong import cli, cli_processes
from engine.workflow import definitions

FIXTURES = Path(__file__).resolve().parents[1] / "processes" / "fixtures"


@pytest.fixture
def db(tmp_path, monkeypatch) -> str:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DAMRONG_DATABASE_URL", url)
    assert cli.main(["init"]) == 0
    definitions.forget_all()
    return url


def run(capsys, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def shipped_copy(tmp_path: Path) -> Path:
    """processes/ as a designer's working copy (complaint only: it calls agency_handling)."""
    target = tmp_path / "work"
    target.mkdir()
    for name, text in dict(definitions.shipped_bundles())["complaint"].items():
        (target / name).write_text(text, encoding="utf-8")
    return target


def test_deploy_refuses_a_broken_diagram_naming_file_line_and_element(db, tmp_path, capsys):
    work = shipped_copy(tmp_path)
    bpmn = work / "complaint.bpmn"
    bpmn.write_text(bpmn.read_text().replace('id="screen"', "id='Start'", 1))
    code, out, err = run(capsys, "deploy", str(work))
    assert code == 3
    assert "complaint.bpmn:" in err and ":Start: error:" in err
    assert "refused: nothing was deployed" in err
    code, out, _ = run(capsys, "processes", "--json", "versions", "complaint")
    assert [v["version"] for v in json.loads(out)] == [1]


def test_deploy_json_findings_and_check_only(db, tmp_path, capsys):
    code, out, _ = run(capsys, "deploy", "--json", str(FIXTURES / "camunda_complaint.bpmn"))
    assert code == 3
    findings = json.loads(out)["findings"]
    juel = [f for f in findings if f["code"] == "juel"]
    assert juel and all(f["rewrite"] and f["line"] for f in juel)
    assert any(f["code"] == "timer-unquoted" and f["rewrite"] == '"P15D"' for f in findings)
    code, out, _ = run(
        capsys, "deploy", "--check", "--apply-rewrites", str(FIXTURES / "camunda_complaint.bpmn")
    )
    assert code == 0 and out.strip().endswith("ok")
    code, out, _ = run(capsys, "processes", "--json", "list")
    assert "camunda_complaint" not in out  # --check stores nothing


def test_deploy_draft_activate_rollback_retire_and_diff(db, tmp_path, capsys):
    work = shipped_copy(tmp_path)
    bpmn = work / "complaint.bpmn"
    bpmn.write_text(bpmn.read_text().replace('name="กลั่นกรองเรื่อง"', 'name="กลั่นกรอง v2"', 1))
    code, out, _ = run(capsys, "deploy", str(work), "--draft", "--note", "ชื่องานใหม่")
    assert code == 0 and "complaint v2 deployed (draft)" in out
    code, out, _ = run(capsys, "deploy", str(work), "--draft")
    assert code == 0 and "complaint v2 unchanged (draft)" in out
    code, out, _ = run(capsys, "processes", "--json", "versions", "complaint")
    states = {v["version"]: v["state"] for v in json.loads(out)}
    assert states == {2: "draft", 1: "live"}
    direct = ("--without-approval",)  # the operator's console: at once, said and audited
    assert run(capsys, "processes", "activate", "complaint", "2", *direct)[0] == 0
    assert run(capsys, "processes", "activate", "complaint", "1", *direct)[0] == 0  # rollback
    code, out, _ = run(capsys, "processes", "--json", "versions", "complaint")
    states = {v["version"]: v["state"] for v in json.loads(out)}
    assert states == {2: "previous", 1: "live"}
    code, _, err = run(capsys, "processes", "retire", "complaint", "1")
    assert code == 1 and "live" in err
    assert run(capsys, "processes", "retire", "complaint", "2")[0] == 0
    code, _, err = run(capsys, "processes", "activate", "complaint", "2", *direct)
    assert code == 1 and "retired" in err
    code, out, _ = run(capsys, "processes", "--json", "diff", "complaint", "1", "2")
    changed = json.loads(out)["changed"]
    assert any(c["element"] == "screen" for c in changed), changed
    code, _, err = run(capsys, "processes", "activate", "complaint", "9", *direct)
    assert code == 1 and "no version 9" in err


def test_export_then_deploy_the_folder_or_a_zip_is_unchanged(db, tmp_path, capsys):
    target = tmp_path / "exported"
    code, out, _ = run(capsys, "processes", "export", "complaint", "1", str(target))
    assert code == 0
    assert (target / "complaint.bpmn").is_file() and (target / "forms" / "screen.json").is_file()
    code, out, _ = run(capsys, "deploy", str(target))
    assert code == 0 and "complaint v1 unchanged (live)" in out
    archive = tmp_path / "complaint.zip"
    with zipfile.ZipFile(archive, "w") as out_zip:
        for path in target.rglob("*"):
            if path.is_file():
                out_zip.write(path, path.relative_to(target).as_posix())
    code, out, _ = run(capsys, "deploy", str(archive))
    assert code == 0 and "unchanged" in out


def test_a_plain_diagram_deploys_with_a_category_bound(db, capsys):
    plain = str(FIXTURES / "bpmnio_plain.bpmn")
    code, _, err = run(capsys, "deploy", plain, "--category", "consumer")
    assert code == 1 and "--category needs a live version" in err  # nothing stored
    code, out, _ = run(capsys, "deploy", plain, "--category", "consumer", "--without-approval")
    assert code == 0 and "plain_complaint v1 deployed (live)" in out
    assert "warning" in out  # no SLA policy: said, not refused
    code, out, _ = run(capsys, "processes", "--json", "list")
    rows = {p["process_id"]: p for p in json.loads(out)}
    assert rows["plain_complaint"]["categories"] == ["consumer"]
    assert "consumer" not in rows["complaint"]["categories"]


def test_init_again_with_a_changed_shipped_diagram_stores_a_draft(
    db, tmp_path, capsys, monkeypatch
):
    shipped = tmp_path / "shipped"
    shutil.copytree(definitions.PROCESSES_DIR, shipped)
    bpmn = shipped / "complaint.bpmn"
    bpmn.write_text(bpmn.read_text().replace('name="กลั่นกรองเรื่อง"', 'name="กลั่นกรอง 2.0"', 1))
    monkeypatch.setattr(definitions, "PROCESSES_DIR", shipped)
    real = definitions.shipped_bundles
    monkeypatch.setattr(definitions, "shipped_bundles", lambda directory=shipped: real(directory))
    code, out, _ = run(capsys, "init")
    assert code == 0 and "process complaint v2: draft" in out
    code, out, _ = run(capsys, "processes", "--json", "versions", "complaint")
    states = {v["version"]: v["state"] for v in json.loads(out)}
    assert states == {2: "draft", 1: "live"}
    code, out, _ = run(capsys, "init")
    assert "complaint v" not in out  # nothing new the second time


def test_unreadable_paths_are_a_clear_error(db, tmp_path, capsys):
    bad = tmp_path / "bad.bpmn"
    bad.write_bytes(b"\xff\xfe not utf-8")
    code, _, err = run(capsys, "deploy", str(bad))
    assert code == 1 and "cannot read" in err
    code, _, err = run(capsys, "deploy", str(tmp_path / "missing.bpmn"))
    assert code == 1 and "cannot read" in err


def _audit(url: str) -> list[tuple[str, dict]]:
    from sqlalchemy import create_engine, select

    from engine.models import AuditEvent

    with create_engine(url).connect() as connection:
        query = select(AuditEvent.action, AuditEvent.detail).order_by(AuditEvent.id)
        rows = connection.execute(query)
        return [(action, detail) for action, detail in rows]


def test_without_the_flag_the_console_asks_a_second_person_like_the_web(db, tmp_path, capsys):
    work = shipped_copy(tmp_path)
    bpmn = work / "complaint.bpmn"
    bpmn.write_text(bpmn.read_text().replace('name="กลั่นกรองเรื่อง"', 'name="กลั่นกรอง v2"', 1))
    code, out, err = run(capsys, "deploy", str(work), "--note", "ชื่องานใหม่")
    assert code == 0 and "complaint v2 deployed (awaiting approval)" in out
    assert "activation request 1" in err and "another designer or an administrator" in err
    code, out, _ = run(capsys, "processes", "--json", "versions", "complaint")
    assert {v["version"]: v["state"] for v in json.loads(out)} == {2: "draft", 1: "live"}
    code, out, err = run(capsys, "processes", "activate", "complaint", "2")
    assert code == 1 and "waiting already" in err  # the same request, not a second one
    code, out, err = run(capsys, "processes", "activate", "complaint", "2", "--without-approval")
    assert code == 0 and "WITHOUT a second person's approval" in err
    code, out, _ = run(capsys, "processes", "--json", "versions", "complaint")
    assert {v["version"]: v["state"] for v in json.loads(out)} == {2: "live", 1: "previous"}
    actions = _audit(db)
    direct = [d for a, d in actions if a == "process_activated_without_approval"]
    who = cli_processes.operator()
    assert direct == [{"process_id": "complaint", "version": 2, "operator": who}]
    cancelled = [d for a, d in actions if a == "process_activation_cancelled"]
    assert cancelled and "activated directly" in cancelled[0]["reason"]


def test_export_writes_the_archive_the_same_bytes_twice_and_import_makes_a_draft(
    db, tmp_path, capsys
):
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    assert run(capsys, "processes", "export", "complaint", "1", str(first))[0] == 0
    assert run(capsys, "processes", "export", "complaint", "1", str(second))[0] == 0
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("process.json"))
    assert "complaint.bpmn" in names and "forms/screen.json" in names
    assert manifest["process_id"] == "complaint" and manifest["version"] == 1
    assert manifest["pins"] == {"agency_handling": 1}
    code, out, _ = run(capsys, "processes", "--json", "import", str(first))
    assert code == 0
    imported = json.loads(out)
    assert imported["process_id"] == "complaint" and "complaint.bpmn" in imported["files"]
    assert imported["open"] == f"/staff/designer/drafts/{imported['draft_id']}"
    code, _, err = run(capsys, "processes", "import", str(first), "--process", "agency_handling")
    assert code == 1 and "not «agency_handling»" in err
    code, out, _ = run(capsys, "deploy", str(first))
    assert code == 0 and "complaint v1 unchanged (live)" in out  # the same content hash
    actions = [a for a, _d in _audit(db)]
    assert actions.count("process_exported") == 2 and "process_imported" in actions
