"""`damrong check` on a demo database: exit 0 while every case agrees with its workflow, exit 1
naming the case once a row is changed behind the workflow's back."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from damrong import cli

ROOT = Path(__file__).resolve().parents[2]


def _check_command() -> list[str]:
    """`damrong check` once damrong/cli.py has the subcommand; until then the module itself."""
    subcommands = next(
        action for action in cli.parser()._actions if isinstance(action, argparse._SubParsersAction)
    )
    if "check" in subcommands.choices:
        return [sys.executable, "-m", "damrong.cli", "check"]
    return [sys.executable, "-m", "damrong.cli_check"]


def _run(command: list[str], url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DAMRONG_DATABASE_URL": url, "DAMRONG_SECRET_KEY": "test-check"}
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('check') / 'demo.db'}"
    made = _run([sys.executable, "-m", "damrong.cli", "init", "--demo"], url)
    assert made.returncode == 0, made.stderr
    return url


def test_check_passes_on_the_demo_and_fails_on_a_changed_status(demo_url):
    ok = _run(_check_command(), demo_url)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.startswith("OK: ")

    engine = create_engine(demo_url)
    with engine.begin() as connection:
        case_id, status = connection.execute(
            text("SELECT id, status FROM cases WHERE status = 'in_progress' ORDER BY id LIMIT 1")
        ).one()
        connection.execute(
            text("UPDATE cases SET status = 'screening' WHERE id = :id"), {"id": case_id}
        )
    try:
        broken = _run(_check_command(), demo_url)
        assert broken.returncode == 1, broken.stdout + broken.stderr
        assert (
            f"case {case_id}: status is screening but the workflow says {status}"
            in broken.stdout.splitlines()
        )
        assert broken.stdout.splitlines()[-1].startswith("DISAGREE: ")

        as_json = _run([*_check_command(), "--json"], demo_url)
        assert as_json.returncode == 1
        report = json.loads(as_json.stdout)
        assert report["ok"] is False and report["cases"] >= 8
        assert {d["case_id"] for d in report["disagreements"]} == {case_id}

        others = _ids_but(engine, case_id)
        only = _run([*_check_command(), *(f"--case={i}" for i in others)], demo_url)
        assert only.returncode == 0, only.stdout + only.stderr
    finally:
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE cases SET status = :status WHERE id = :id"),
                {"status": status, "id": case_id},
            )
        engine.dispose()


def _ids_but(engine, leave_out: int) -> list[int]:  # type: ignore[no-untyped-def]
    """The demo's case ids but one."""
    with engine.connect() as connection:
        ids = connection.execute(text("SELECT id FROM cases ORDER BY id")).scalars().all()
    return [i for i in ids if i != leave_out]


def test_check_reports_a_deleted_task_row(demo_url):
    engine = create_engine(demo_url)
    with engine.begin() as connection:
        row = connection.execute(text("SELECT * FROM tasks ORDER BY id LIMIT 1")).mappings().one()
        connection.execute(text("DELETE FROM tasks WHERE id = :id"), {"id": row["id"]})
    try:
        broken = _run([*_check_command(), f"--case={row['case_id']}"], demo_url)
        assert broken.returncode == 1
        assert f"case {row['case_id']}: open user task {row['step']} has no task row" in (
            broken.stdout.splitlines()
        )
    finally:
        with engine.begin() as connection:
            columns = ", ".join(row)
            values = ", ".join(f":{name}" for name in row)
            connection.execute(text(f"INSERT INTO tasks ({columns}) VALUES ({values})"), dict(row))
        engine.dispose()
    assert _run(_check_command(), demo_url).returncode == 0
