"""Every entry point builds its sessions with the hooks installed: the agencies' feed is written
whether a case changes in the web app, the scheduler, `damrong import` or any other command."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from agency.models import FeedEvent
from damrong import cli
from damrong.app import create_app
from damrong.config import Config
from engine.cases.intake import add_comment
from tests.agency.conftest import referred_case
from tests.damrong.layout import ROOT


def _feed(factory, case_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    with factory() as session:
        return list(
            session.scalars(
                select(FeedEvent.event)
                .where(FeedEvent.case_id == case_id)
                .order_by(FeedEvent.position)
            )
        )


ENTRY_POINTS = {
    # The web app's writer: the staff web, the API, the portal and Open311.
    "web": lambda url: (
        create_app(Config(database_url=url, secret_key="t")).extensions["damrong"].writer
    ),
    # The command line's one factory: init, deploy, users, open311-key, scheduler, import.
    "command line": lambda url: cli._factory(Config(database_url=url, secret_key="t"))[1],
}


@pytest.mark.parametrize("entry_point", sorted(ENTRY_POINTS))
def test_a_change_made_through_the_entry_point_reaches_the_agency_feed(
    entry_point, factory, clock, staff, database_url
):  # type: ignore[no-untyped-def]
    case_id = referred_case(factory, clock, staff)
    before = _feed(factory, case_id)
    writer = ENTRY_POINTS[entry_point](database_url)
    with writer.begin() as session:
        add_comment(session, clock, staff["labour"], case_id, "รับทราบ กำลังตรวจสอบ")
    assert _feed(factory, case_id) == [*before, "commented"]


def test_the_scheduler_process_writes_the_feed_when_an_agency_is_late(
    factory, clock, staff, database_url
):  # type: ignore[no-untyped-def]
    # Referred 40 days ago: the agency's acknowledgement is overdue by the real clock the
    # scheduler process reads.
    clock.set(datetime.now(UTC) - timedelta(days=40))
    case_id = referred_case(factory, clock, staff)
    env = {**os.environ, "DAMRONG_DATABASE_URL": database_url}
    command = [sys.executable, "-m", "damrong.cli", "scheduler", "--once"]
    command += ["--job", "deadline_sweep"]
    done = subprocess.run(command, env=env, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert "sla_breached" in _feed(factory, case_id)


def _calls_of(path, name: str) -> list[int]:  # type: ignore[no-untyped-def]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Attribute) and node.func.attr == name)
            or (isinstance(node.func, ast.Name) and node.func.id == name)
        )
        and _imports_engine_db(tree, name)
    ]


def _imports_engine_db(tree: ast.AST, name: str) -> bool:
    return any(
        isinstance(node, ast.ImportFrom)
        and node.module == "engine.db"
        and any(alias.name == name for alias in node.names)
        or isinstance(node, ast.ImportFrom)
        and node.module == "engine"
        and any(alias.name == "db" for alias in node.names)
        for node in ast.walk(tree)
    )


def test_only_the_wiring_builds_bare_session_factories() -> None:
    # The benchmarks and every product package build sessions through damrong.wiring.
    paths = [
        path
        for folder in ("bench", "damrong", "api", "admin", "portal", "web", "agency", "open311")
        + ("importer", "notifications", "engine")
        for path in sorted((ROOT / folder).rglob("*.py"))
    ]
    bare = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in paths
        if path.relative_to(ROOT).as_posix() not in ("damrong/wiring.py", "engine/db.py")
        for line in _calls_of(path, "make_sessionmaker")
    ]
    assert bare == []
