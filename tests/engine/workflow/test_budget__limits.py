"""A BPMN script's budget: memory bombs and slow loops fail fast and leave the case as it was
(issue 13, finding 16)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from engine.errors import WorkflowFailed
from engine.models import AuditEvent, Case, WorkflowInstance
from engine.workflow import budget, definitions, versions
from engine.workflow.scripting import RestrictedEnvironment, ScriptLimitExceeded, ScriptRejected
from tests.engine.helpers import open_case
from tests.resets import reset_processes

BOMBS = {
    "doubling a list": "x = [1]\nfor i in range(22):\n    x = x + x",
    "doubling in place": "x = [1]\nfor i in range(22):\n    x += x",
    "extending by itself": "x = [1]\nfor i in range(22):\n    x.extend(x)",
    "padding text": "x = 'a'.ljust(10 ** 9)",
    "padding through the type": "x = str.ljust('a', 10 ** 9)",
    "a wide % format": "x = '%999999999d' % 1",
    "replacing into a bigger text": "x = 'a' * 1000000\nx = x.replace('a', 'aa')",
    "joining a million": "x = ','.join(['a' * 1000] * 2000)",
    "shared references": "x = [1] * 1000\ny = [x] * 1000\nz = [y] * 1000",
}


@pytest.mark.parametrize("source", BOMBS.values(), ids=BOMBS.keys())
def test_a_memory_bomb_fails_fast_with_a_limit_error(source):
    started = time.monotonic()
    context = {"kept": 1}
    with pytest.raises(ScriptLimitExceeded):
        RestrictedEnvironment().execute(source, context)
    assert time.monotonic() - started < 1.0
    assert context == {"kept": 1}  # a run that failed leaves the task data as it was


@pytest.mark.parametrize(
    "source", ["x = f'{1:>999999999}'", "w = 9\nx = f'{1:>{w}}'"], ids=["written", "from data"]
)
def test_f_string_widths_of_millions_are_refused_before_running(source):
    with pytest.raises(ScriptRejected, match="format widths"):
        RestrictedEnvironment().execute(source, {})


def test_a_run_past_its_time_budget_stops_at_the_next_step(monkeypatch):
    monkeypatch.setattr(budget, "SECONDS_LIMIT", 0.0)  # no sleeping: the budget is already spent
    with pytest.raises(ScriptLimitExceeded, match="time limit"):
        RestrictedEnvironment().execute("x = [i for i in range(3)]", {})


def test_ordinary_scripts_still_work():
    context: dict = {}
    source = "x = [i * 2 for i in range(100)]\ny = '%d items' % len(x)\nz = f'{len(x):>5}'"
    RestrictedEnvironment().execute(source + "\nw = 'a' + 'b'\nx.extend([1])", context)
    assert (len(context["x"]), context["y"], context["z"], context["w"]) == (
        101,
        "100 items",
        "  100",
        "ab",
    )


def counts(factory) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with factory() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model))
            for model in (Case, WorkflowInstance, AuditEvent)
        )


def test_a_deployed_doubling_script_fails_the_new_case_fast_and_stores_nothing(
    factory, clock, staff
):
    files = definitions.read_process_files()
    files["complaint.bpmn"] = files["complaint.bpmn"].replace(
        "agency_outcome = None\n",
        "agency_outcome = None\nbig = [1]\nfor i in range(22):\n    big = big + big\n",
        1,
    )
    with factory.begin() as session:
        deployed = versions.deploy(session, clock(), files, "complaint")
    assert deployed.created
    before = counts(factory)
    try:
        started = time.monotonic()
        with pytest.raises(WorkflowFailed) as failed:
            open_case(factory, clock, staff["intake"])
        assert time.monotonic() - started < 2.0
        message = failed.value.message("en") + failed.value.message("th")
        assert "ลงทะเบียนเรื่อง" in message and "too large" in message
        assert "big + big" not in message and "range(22)" not in message  # no source shown
        assert counts(factory) == before
    finally:
        with factory.begin() as session:
            reset_processes(session)
