"""An interrupted import (stopped, or killed mid-run) resumes without a duplicate case."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from damrong import cli
from engine.models import Case
from importer.models import ImportedRecord

HEADER = ["external_id", "title", "description", "category", "area_code", "occurred_on"]


def export(tmp_path, count: int, with_ids: bool = True):  # type: ignore[no-untyped-def]
    path = tmp_path / f"export-{count}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n in range(count):
            writer.writerow(
                [
                    f"X{n:05d}" if with_ids else "",
                    f"เรื่องร้องเรียนลำดับที่ {n}",
                    f"รายละเอียดของเรื่องร้องเรียนลำดับที่ {n} ขอให้ตรวจสอบ",
                    "labour",
                    "500101",
                    f"{n % 28 + 1}/10/2569",
                ]
            )
    return path


def counts(factory) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with factory() as session:
        cases = session.scalar(select(func.count()).select_from(Case))
        distinct = session.scalar(select(func.count(func.distinct(Case.title))))
    return cases, distinct


def run(capsys, *args: str) -> tuple[int, dict]:
    code = cli.main(["import", *args, "--quiet"])
    return code, json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_a_stopped_run_resumes_where_it_stopped(cli_db, tmp_path, capsys):
    path = export(tmp_path, 7)
    code, first = run(capsys, str(path), "--stop-after", "3")
    assert code == 0 and first["stopped"] and first["imported"] == 3
    assert counts(cli_db) == (3, 3)
    code, second = run(capsys, str(path))
    assert (second["imported"], second["skipped"], second["stopped"]) == (4, 3, False)
    code, third = run(capsys, str(path))
    assert (third["imported"], third["skipped"]) == (0, 7)
    assert counts(cli_db) == (7, 7)


def test_rows_without_an_id_are_known_by_their_content(cli_db, tmp_path, capsys):
    path = export(tmp_path, 4, with_ids=False)
    run(capsys, str(path), "--stop-after", "2", "--source", "legacy")
    _, again = run(capsys, str(path), "--source", "legacy")
    assert (again["imported"], again["skipped"]) == (2, 2)
    assert counts(cli_db) == (4, 4)
    with cli_db() as session:
        keys = session.scalars(select(ImportedRecord.external_id)).all()
    assert all(key.startswith("sha256:") for key in keys)


def test_the_same_ids_from_another_source_are_other_cases(cli_db, tmp_path, capsys):
    path = export(tmp_path, 2)
    run(capsys, str(path), "--source", "north")
    _, other = run(capsys, str(path), "--source", "south")
    assert other["imported"] == 2
    assert counts(cli_db)[0] == 4


@pytest.mark.parametrize("signal_number", [signal.SIGKILL, signal.SIGINT], ids=["kill", "ctrl-c"])
def test_an_interrupted_import_process_resumes_without_duplicates(
    cli_db, database_url, tmp_path, signal_number
):
    rows = 300
    path = export(tmp_path, rows)
    env = {**os.environ, "DAMRONG_DATABASE_URL": database_url}
    command = [sys.executable, "-m", "damrong.cli", "import", str(path), "--source", "big"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while counts(cli_db)[0] < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal_number)  # SIGKILL leaves no chance to tidy up
    out, _ = process.communicate(timeout=30)
    if signal_number == signal.SIGINT:  # Ctrl-C: the row in hand rolls back, a summary is told
        assert process.returncode == 130
        assert json.loads(out.decode().strip().splitlines()[-1])["stopped"] is True
    interrupted = counts(cli_db)[0]
    assert 5 <= interrupted < rows, "the import finished before it could be interrupted"

    finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr[-2000:]
    summary = json.loads(finished.stdout.strip().splitlines()[-1])
    assert summary["skipped"] == interrupted
    assert summary["imported"] == rows - interrupted
    assert "300/300 rows" in finished.stderr
    assert counts(cli_db) == (rows, rows)
    with cli_db() as session:
        records = session.scalar(select(func.count()).select_from(ImportedRecord))
    assert records == rows
