"""Cases of the shipped process move to an edited version wherever they wait, keep their open
tasks and timers, run to their end on it, and move back again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow

from engine.workflow import migration, spiff
from tests.engine.workflow.migration_diagrams import versions
from tests.engine.workflow.migration_diagrams.cases import (
    POSITIONS,
    at_review,
    awaiting_information,
    in_agency_handling,
    in_reopen_window,
    run_to_end,
    supervisor_open,
)

V1 = versions.shipped()
V2 = versions.v2()


@pytest.mark.parametrize("position", POSITIONS, ids=lambda p: p.__name__)
@pytest.mark.parametrize("serialize", [False, True], ids=["in_memory", "restored_each_step"])
def test_a_waiting_case_moves_keeps_its_place_and_ends_on_the_new_version(
    position: Callable[[Any], None], serialize: bool
) -> None:
    old, new = versions.parsed(V1), versions.parsed(V2)
    d = versions.driver(old, serialize)
    position(d)
    tasks, timers = versions.open_tasks(d.wf), versions.timers(d.wf)

    assert migration.check(d.wf, old, new).migratable
    assert migration.migrate(d.wf, old, new) is d.wf

    assert d.wf.spec is new.spec
    assert versions.open_tasks(d.wf) == tasks  # same elements, same task ids
    moved = versions.timers(d.wf)
    unchanged = {k: v for k, v in timers.items() if k != "await_info"}  # its duration changed
    assert {k: v for k, v in moved.items() if k != "await_info"} == unchanged
    worked = run_to_end(d)
    if "review" in worked or position is at_review:
        assert "double_check" in worked  # the new task after review
    assert d.end_event() in {"closed", "closed_no_response"}


def test_the_reopen_window_keeps_its_deadline_while_raw_spiffworkflow_restarts_it() -> None:
    old, new = versions.parsed(V1), versions.parsed(V2)
    ours, raw = versions.driver(old), versions.driver(old)
    for d in (ours, raw):
        in_reopen_window(d)
    deadline = versions.timers(ours.wf)["resolved_wait"]
    migration.migrate(ours.wf, old, new)

    top, called = diff_workflow(spiff.SERIALIZER.registry, raw.wf, new.spec, new.subprocess_specs)
    migrate_workflow(top, raw.wf, new.spec)  # as shipped: every READY and WAITING task reset
    for d in (ours, raw):
        d.pass_time(1)  # the next sweep fixes what was cleared, from its own now
    assert versions.timers(ours.wf)["resolved_wait"] == deadline
    assert versions.timers(raw.wf)["resolved_wait"] > deadline  # the window started again


def test_a_changed_duration_keeps_its_start() -> None:
    old, new = versions.parsed(V1), versions.parsed(V2)
    d = versions.driver(old)
    awaiting_information(d)
    assert versions.timers(d.wf)["await_info"] == "2026-12-02T01:30:00+00:00"  # EPOCH + 30 days
    migration.migrate(d.wf, old, new)
    assert versions.timers(d.wf)["await_info"] == "2026-11-12T01:30:00+00:00"  # EPOCH + 10 days
    d.pass_time(6.9)  # day 9.9
    assert not d.ended
    d.pass_time(0.2)
    assert d.end_event() == "closed_no_response"


@pytest.mark.parametrize("position", POSITIONS, ids=lambda p: p.__name__)
def test_moving_back_gives_the_first_version_again(position: Callable[[Any], None]) -> None:
    old, new = versions.parsed(V1), versions.parsed(V2)
    d = versions.driver(old)
    position(d)
    tasks, timers = versions.open_tasks(d.wf), versions.timers(d.wf)
    migration.migrate(d.wf, old, new)
    back = migration.check(d.wf, new, old)
    assert back.migratable, back.reasons
    migration.migrate(d.wf, new, old)
    assert d.wf.spec is old.spec and d.wf.subprocess_specs is old.subprocess_specs
    assert versions.open_tasks(d.wf) == tasks
    assert versions.timers(d.wf) == timers  # the shortened wait is long again, from its start
    assert "double_check" not in run_to_end(d)


def test_a_migrated_case_survives_a_save_and_restore_on_the_new_version() -> None:
    old, new = versions.parsed(V1), versions.parsed(V2)
    d = versions.driver(old)
    supervisor_open(d)
    migration.migrate(d.wf, old, new)
    tasks, timers = versions.open_tasks(d.wf), versions.timers(d.wf)
    restored = spiff.load_state(new, spiff.dump_state(d.wf), d.wf.script_engine)
    assert versions.open_tasks(restored) == tasks and versions.timers(restored) == timers
    d.wf = restored
    assert run_to_end(d)[:2] == ["agency_handle", "review"]  # supervise ended with the call


def test_a_timer_inside_the_call_activity_keeps_its_fire_time() -> None:
    old = versions.parsed(versions.with_reminder())
    new = versions.parsed(versions.with_reminder(V2, versions.SUPERVISE_NAME))
    d = versions.driver(old, serialize=True)
    in_agency_handling(d)
    assert versions.timers(d.wf) == {"remind_agency": "2026-11-07T01:30:00+00:00"}
    tasks = versions.open_tasks(d.wf)
    migration.migrate(d.wf, old, new)
    assert versions.open_tasks(d.wf) == tasks
    assert versions.timers(d.wf) == {"remind_agency": "2026-11-07T01:30:00+00:00"}
    d.pass_time(3.9)  # day 4.9
    assert "agency_reminded" not in d.notifications
    d.pass_time(0.2)
    assert d.notifications[-1] == "agency_reminded"
    assert run_to_end(d) == ["agency_handle", "review", "double_check"]


def test_a_changed_reminder_inside_the_call_activity_keeps_its_start() -> None:
    old = versions.parsed(versions.with_reminder())
    new = versions.parsed(versions.with_reminder(V1, versions.REMINDER_7D))
    d = versions.driver(old)
    in_agency_handling(d)
    migration.migrate(d.wf, old, new)
    assert versions.timers(d.wf) == {"remind_agency": "2026-11-09T01:30:00+00:00"}  # day 7
