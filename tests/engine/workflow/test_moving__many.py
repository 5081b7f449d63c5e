"""The quality bar for process versions: roll back a live version while a case runs on it, then
move 120 running cases (at screening, with the agency, escalated after an SLA breach, waiting
for the complainant's information, at review, in the reopen window) to a new version and back,
each after a dry run. `damrong check` finds nothing after each move, no deadline, assignee,
draft or timer fire time changes, and each moved case is audited with both versions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from damrong.wiring import make_sessionmaker
from engine.access.rules import Actor
from engine.cases import tasks
from engine.models import AuditEvent, Case, ProcessDefinition, Task, Timer, WorkflowInstance
from engine.sla.deadlines import sweep_deadlines
from engine.workflow import catalog, definitions, versions
from engine.workflow.invariants import check_cases
from engine.workflow.timers import fire_due_timers
from tests.engine.helpers import complete, open_case, open_tasks, send, status_of, task_at
from tests.engine.workflow.migration_diagrams import versions as edits

ADMIN = Actor.system("process admin")
PER_POSITION = 20  # six positions: 120 cases
SCREEN_NAME = ('name="กลั่นกรองเรื่อง"', 'name="กลั่นกรองเรื่องร้องเรียน"')
REFER = {"decision": "refer"}
RESULT = {"action": "result", "result_text": "นายจ้างจ่ายค่าจ้างครบแล้ว"}
ASK = {"decision": "request_info", "question": "ขอสำเนาสัญญาจ้าง"}
ACCEPT = {"review_decision": "accept"}


def _shipped() -> dict[str, str]:
    return dict(dict(definitions.shipped_bundles())["complaint"])


def _v2() -> dict[str, str]:
    """Screening renamed, review's English name changed, a new task after review (double_check):
    nothing a running case has done changes behaviour, so nothing blocks."""
    return edits.edit(
        _shipped(),
        "complaint.bpmn",
        SCREEN_NAME,
        edits.REVIEW_NAME,
        edits.DOUBLE_CHECK,
        edits.DOUBLE_CHECK_LANE,
    )


def _deploy(factory, clock, files: dict[str, str], *, draft: bool) -> int:  # type: ignore[no-untyped-def]
    with factory.begin() as session:
        deployed = versions.deploy(session, clock(), files, "complaint", "designer", draft=draft)
        assert deployed.created
        return deployed.definition.version


def _version_of(factory, case_ids: list[int]) -> dict[int, int]:  # type: ignore[no-untyped-def]
    with factory() as session:
        rows = session.execute(
            select(WorkflowInstance.case_id, ProcessDefinition.version)
            .join(ProcessDefinition, ProcessDefinition.id == WorkflowInstance.definition_id)
            .where(WorkflowInstance.case_id.in_(case_ids))
        )
        return dict(rows.tuples().all())


def _claim_with_draft(factory, clock, actor, case_id: int, step: str, draft: dict) -> None:  # type: ignore[no-untyped-def]
    task_id = task_at(factory, case_id, step).id
    with factory.begin() as session:
        tasks.claim(session, clock, actor, task_id)
        tasks.save_draft(session, clock, actor, task_id, draft)


def _open_many(factory, clock, staff, n: int) -> list[int]:  # type: ignore[no-untyped-def]
    return [open_case(factory, clock, staff["intake"])[0] for _ in range(n)]


def _build(factory, clock, staff) -> dict[str, list[int]]:  # type: ignore[no-untyped-def]
    """Cases at six positions, each reached through the services (see the module docstring)."""
    screener, labour = staff["screener"], staff["labour"]
    at: dict[str, list[int]] = {"escalated": _open_many(factory, clock, staff, PER_POSITION)}
    for case_id in at["escalated"]:
        complete(factory, clock, screener, case_id, "screen", REFER)
    clock.set(datetime(2026, 11, 26, 3, 0, tzinfo=UTC))  # Thursday: acknowledgements overdue
    assert sweep_deadlines(factory, clock).breached >= PER_POSITION
    for name in ("screening", "agency", "awaiting_information", "under_review", "resolved"):
        at[name] = _open_many(factory, clock, staff, PER_POSITION)
    for i, case_id in enumerate(at["screening"]):
        if i % 2:  # half of them held by an official with a half-filled form
            _claim_with_draft(factory, clock, screener, case_id, "screen", {"decision": "refer"})
    for case_id in at["awaiting_information"]:
        complete(factory, clock, screener, case_id, "screen", ASK)
    for case_id in at["agency"] + at["under_review"] + at["resolved"]:
        complete(factory, clock, screener, case_id, "screen", REFER)
        complete(factory, clock, labour, case_id, "agency_acknowledge", {})
    for case_id in at["agency"]:
        _claim_with_draft(factory, clock, labour, case_id, "agency_handle", {"action": "progress"})
    for case_id in at["under_review"] + at["resolved"]:
        complete(factory, clock, labour, case_id, "agency_handle", RESULT)
    for case_id in at["under_review"]:
        _claim_with_draft(factory, clock, screener, case_id, "review", ACCEPT)
    for case_id in at["resolved"]:
        complete(factory, clock, screener, case_id, "review", ACCEPT)
    return at


def _rows(factory, case_ids: list[int]) -> tuple[dict, dict]:  # type: ignore[no-untyped-def]
    """Task rows by id, as (case, spiff task, step, due, at risk, assignee, breaches, breached,
    draft): what a move must keep; and each case's timers as a set of (element, fire time)."""
    with factory() as session:
        task_rows = {
            t.id: (
                t.case_id,
                t.spiff_task_id,
                t.step,
                t.due_at,
                t.at_risk_at,
                t.assignee_id,
                t.breach_count,
                t.breached_at,
                t.draft,
            )
            for t in session.scalars(select(Task).where(Task.case_id.in_(case_ids)))
        }
        timers: dict[int, set] = {case_id: set() for case_id in case_ids}
        for t in session.scalars(select(Timer).where(Timer.case_id.in_(case_ids))):
            timers[t.case_id].add((t.event_name, t.fire_at))
    return task_rows, timers


def _states(factory, case_ids: list[int]) -> dict[int, tuple]:  # type: ignore[no-untyped-def]
    with factory() as session:
        rows = session.execute(
            select(
                WorkflowInstance.case_id,
                WorkflowInstance.definition_id,
                WorkflowInstance.state,
                Case.status,
                Case.updated_at,
            )
            .join(Case, Case.id == WorkflowInstance.case_id)
            .where(WorkflowInstance.case_id.in_(case_ids))
        )
        return {row[0]: tuple(row[1:]) for row in rows}


def _migrations(factory, case_ids: list[int]) -> dict[int, list[tuple]]:  # type: ignore[no-untyped-def]
    with factory() as session:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "process_migrated", AuditEvent.case_id.in_(case_ids))
            .order_by(AuditEvent.id)
        )
        found: dict[int, list[tuple]] = {case_id: [] for case_id in case_ids}
        for event in events:
            detail = event.detail
            found[event.case_id].append((detail["from_version"], detail["to_version"]))
        return found


@pytest.fixture
def reader(db_engine):  # type: ignore[no-untyped-def]
    """A read-only session factory on the test database, as `damrong check` builds."""
    return make_sessionmaker(db_engine, write=False)


def _names(factory, case_id: int) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return [(t.step, t.name_th, t.name_en) for t in open_tasks(factory, case_id)]


def _move_checked(factory, clock, reader, case_ids, versions_, blocked=None) -> dict:  # type: ignore[no-untyped-def]
    """A dry run, then the move, of every running case on one version, asserting what the
    quality bar asks of both; `blocked` are the cases expected to stay, with their elements.
    Returns the dry run's report."""
    (old, new), blocked = versions_, blocked or {}
    before, states, journal = (f(factory, case_ids) for f in (_rows, _states, _migrations))
    dry = catalog.migrate(factory, clock, ADMIN, "complaint", old, new, dry_run=True)
    assert [e["case_id"] for e in dry["cases"]] == case_ids
    assert {e["case_id"]: e["elements"] for e in dry["cases"] if not e["migratable"]} == blocked
    assert dry["migrated"] == 0 and _states(factory, case_ids) == states
    assert _rows(factory, case_ids) == before and _migrations(factory, case_ids) == journal

    moved = catalog.migrate(factory, clock, ADMIN, "complaint", old, new, dry_run=False)
    assert [e["case_id"] for e in moved["cases"] if not e["migrated"]] == sorted(blocked)
    assert _version_of(factory, case_ids) == {c: old if c in blocked else new for c in case_ids}
    assert _rows(factory, case_ids) == before  # deadlines, assignees, breaches, drafts, timers
    after = _states(factory, case_ids)
    assert {c: s[2] for c, s in after.items()} == {c: s[2] for c, s in states.items()}
    assert {c: after[c] for c in blocked} == {c: states[c] for c in blocked}  # untouched
    assert _migrations(factory, case_ids) == {
        c: journal[c] + ([] if c in blocked else [(old, new)]) for c in case_ids
    }
    assert list(check_cases(reader)) == []
    return dry


def test_many_running_cases_move_to_a_new_version_and_back(factory, clock, staff, reader):
    clock.set(datetime(2026, 11, 23, 3, 0, tzinfo=UTC))  # a Monday morning in Bangkok
    v2 = _deploy(factory, clock, _v2(), draft=False)
    born_on_v2, *_ = open_case(factory, clock, staff["intake"])
    with factory.begin() as session:
        catalog.activate(session, clock(), ADMIN, "complaint", 1)  # the rollback
    at = _build(factory, clock, staff)
    ids = sorted(case_id for group in at.values() for case_id in group)
    assert len(ids) == 6 * PER_POSITION
    assert set(_version_of(factory, ids).values()) == {1}  # new cases start on v1 again
    assert _names(factory, born_on_v2)[0][1] == "กลั่นกรองเรื่องร้องเรียน"  # v2's name
    assert complete(factory, clock, staff["screener"], born_on_v2, "screen", REFER) == "referred"
    assert _version_of(factory, [born_on_v2]) == {born_on_v2: v2}  # it still runs, on v2
    assert list(check_cases(reader)) == []
    task_rows, timers = _rows(factory, ids)
    assert all(timers[c] for c in at["awaiting_information"] + at["resolved"])
    assert {row[0] for row in task_rows.values() if row[6] == 1} == set(at["escalated"])
    clock.advance(days=3)  # a move that restarted a timer or a deadline would show it

    _move_checked(factory, clock, reader, ids, (1, v2))  # the v2 case is not on v1
    review, second = at["under_review"][:2]
    assert _names(factory, review)[0][2] == "Check the agency's result"
    assert _names(factory, at["screening"][0])[0][1] == "กลั่นกรองเรื่องร้องเรียน"
    # Moved along on v2, a case reaches the task v1 does not have: it cannot go back.
    complete(factory, clock, staff["screener"], review, "review", ACCEPT)
    assert [t.step for t in open_tasks(factory, review)] == ["double_check"]

    everyone = sorted([*ids, born_on_v2])
    dry = _move_checked(factory, clock, reader, everyone, (v2, 1), {review: ["double_check"]})
    (stuck,) = [e for e in dry["cases"] if e["case_id"] == review]
    assert "(double_check, complaint)" in stuck["reasons"][0] and stuck["reasons_th"][0]
    assert _names(factory, at["screening"][0])[0][1] == "กลั่นกรองเรื่อง"

    # Moved along on v1 now: review leads to the reopen window (no double_check), the case
    # born on v2 is acknowledged, an escalated case's supervisor acts, a reopen works.
    assert complete(factory, clock, staff["screener"], second, "review", ACCEPT) == "resolved"
    ack = complete(factory, clock, staff["labour"], born_on_v2, "agency_acknowledge", {})
    assert ack == "in_progress"
    supervise = {"supervisor_action": "remind"}
    complete(factory, clock, staff["supervisor"], at["escalated"][0], "supervise", supervise)
    assert send(factory, clock, staff["screener"], at["resolved"][0], "reopen") == "screening"
    assert list(check_cases(reader)) == []

    # The timers fire when they were set to before both moves: not a second earlier, nor later.
    waiting = [*at["awaiting_information"], *at["resolved"][1:]]
    fire_times = [fire_at for case_id in waiting for _name, fire_at in timers[case_id]]
    clock.set(min(fire_times) - timedelta(seconds=1))
    assert fire_due_timers(factory, clock).fired == 0
    clock.set(max(fire_times) + timedelta(seconds=1))  # SpiffWorkflow fires strictly after
    assert fire_due_timers(factory, clock).fired == len(waiting)
    assert {status_of(factory, case_id) for case_id in waiting} == {"closed"}
    assert list(check_cases(reader)) == []


def test_a_blocked_case_stays_on_its_version_untouched(factory, clock, staff, reader):
    """v3 changes the referral script: cases that have referred cannot move and say so, naming
    the element in English and Thai; one that has not referred moves."""
    screening, agency, resolved = _open_many(factory, clock, staff, 3)
    for case_id in (agency, resolved):
        complete(factory, clock, staff["screener"], case_id, "screen", REFER)
        complete(factory, clock, staff["labour"], case_id, "agency_acknowledge", {})
    draft = {"action": "progress"}
    _claim_with_draft(factory, clock, staff["labour"], agency, "agency_handle", draft)
    complete(factory, clock, staff["labour"], resolved, "agency_handle", RESULT)
    complete(factory, clock, staff["screener"], resolved, "review", ACCEPT)
    v3_files = edits.edit(_v2(), "complaint.bpmn", edits.REFER_SCRIPT)
    v3 = _deploy(factory, clock, v3_files, draft=True)
    clock.advance(days=1)

    ids = [screening, agency, resolved]
    dry = _move_checked(
        factory, clock, reader, ids, (1, v3), {agency: ["refer"], resolved: ["refer"]}
    )
    for entry in dry["cases"][1:]:
        assert "(refer, complaint)" in entry["reasons"][0], entry
        assert "script" in entry["reasons"][0] and "สคริปต์" in entry["reasons_th"][0]
