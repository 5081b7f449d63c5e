"""An administrator moves running cases to a new process version: in batches, each case under
its lock, keeping its task rows' deadlines, assignees and drafts and its timers' fire times."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.access.rules import Actor
from engine.models import AuditEvent, Case, ProcessDefinition, Task, Timer, WorkflowInstance
from engine.workflow import definitions, moving, spiff
from tests.engine.helpers import complete, open_case, open_tasks, send
from tests.engine.workflow.migration_diagrams import versions

ADMIN = Actor.system("process admin")


def _store(session, clock, files: dict[str, str], tasks: dict | None = None) -> ProcessDefinition:  # type: ignore[no-untyped-def]
    """A new version of complaint, stored as deploy stores one (a draft: new cases stay on v1)."""
    live = session.get(ProcessDefinition, definitions.live(session, "complaint"))
    latest = session.scalar(
        select(func.max(ProcessDefinition.version)).where(
            ProcessDefinition.process_id == "complaint"
        )
    )
    extra = {
        "forms": dict(live.forms or {}),
        "tasks": tasks if tasks is not None else dict(live.tasks or {}),
        "pins": dict(live.pins or {}),
    }
    row = ProcessDefinition(
        process_id="complaint",
        version=latest + 1,
        content_hash=spiff.content_hash(files),
        files=files,
        spec=spiff.dump_spec(spiff.parse(files, "complaint")),
        serializer_version=spiff.SERIALIZER_VERSION,
        deployed_at=clock(),
        deployed_by="test",
        **{k: v for k, v in extra.items() if hasattr(ProcessDefinition, k)},
    )
    session.add(row)
    session.flush()
    return row


def _v2_tasks(live: ProcessDefinition) -> dict:
    tasks = {k: dict(v) for k, v in (getattr(live, "tasks", None) or {}).items()}
    if "review" in tasks:
        tasks["review"]["name_en"] = "Check the agency's result"
        tasks["double_check"] = {**tasks["review"], "name_th": "ตรวจซ้ำ", "name_en": "Check again"}
    return tasks


@pytest.fixture
def four_cases(factory, clock, staff):  # type: ignore[no-untyped-def]
    """Cases at screening, in the agency's hands, at review and in the reopen window."""
    ids = [open_case(factory, clock, staff["intake"])[0] for _ in range(4)]
    screening, handling, review, resolved = ids
    for case_id in (handling, review, resolved):
        complete(factory, clock, staff["screener"], case_id, "screen", {"decision": "refer"})
        complete(factory, clock, staff["labour"], case_id, "agency_acknowledge", {})
    for case_id in (review, resolved):
        complete(factory, clock, staff["labour"], case_id, "agency_handle", _result())
    complete(factory, clock, staff["screener"], resolved, "review", {"review_decision": "accept"})
    return ids


def _result() -> dict:
    return {"action": "result", "result_text": "ดำเนินการแก้ไขเรียบร้อยแล้ว จ่ายค่าจ้างครบ"}


def _rows(factory, case_ids: list[int]) -> tuple[dict, dict]:  # type: ignore[no-untyped-def]
    with factory() as session:
        tasks = {
            r.id: (r.case_id, r.spiff_task_id, r.due_at, r.at_risk_at, r.assignee_id, r.draft)
            for r in session.scalars(select(Task).where(Task.case_id.in_(case_ids)))
        }
        timers = sorted(
            (t.case_id, t.event_name, t.fire_at)
            for t in session.scalars(select(Timer).where(Timer.case_id.in_(case_ids)))
        )
    return tasks, timers


def _definition_of(factory, case_id: int) -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        return session.get(WorkflowInstance, case_id).definition_id


def test_cases_move_keeping_their_rows_and_run_on_the_new_version(
    factory, clock, staff, four_cases
) -> None:
    screening, handling, review, resolved = four_cases
    with factory.begin() as session:
        v1 = definitions.live(session, "complaint")
        live = session.get(ProcessDefinition, v1)
        v2 = _store(session, clock, versions.v2(), _v2_tasks(live)).id
        row = session.scalar(select(Task).where(Task.case_id == review))
        row.draft = {"review_decision": "accept"}  # half-filled form: must survive
    tasks, timers = _rows(factory, four_cases)
    assert any(name == "resolved_wait" for _, name, _ in timers)

    with factory() as session:
        planned = moving.plan_cases(session, "complaint", v1, v2)
    assert planned == four_cases
    clock.advance(days=2)

    dry = moving.migrate_cases(factory, clock, ADMIN, v1, v2, planned, dry_run=True)
    assert [(e["case_id"], e["migratable"], e["migrated"]) for e in dry] == [
        (case_id, True, False) for case_id in four_cases
    ]
    assert {_definition_of(factory, c) for c in four_cases} == {v1}

    report = moving.migrate_cases(
        factory, clock, ADMIN, v1, v2, planned, dry_run=False, batch_size=3
    )
    assert all(e["migrated"] and e["reasons"] == [] for e in report), report
    assert {_definition_of(factory, c) for c in four_cases} == {v2}
    assert _rows(factory, four_cases) == (tasks, timers)  # same rows, deadlines, drafts, timers
    review_row = next(r for r in open_tasks(factory, review))
    assert (review_row.step, review_row.name_en) == ("review", "Check the agency's result")
    with factory() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "process_migrated")
        ).all()
        assert sorted(e.case_id for e in events) == four_cases
        assert events[0].detail["to_version"] == session.get(ProcessDefinition, v2).version

    complete(factory, clock, staff["screener"], review, "review", {"review_decision": "accept"})
    assert [t.step for t in open_tasks(factory, review)] == ["double_check"]
    assert send(factory, clock, staff["screener"], resolved, "reopen") == "screening"


def test_a_blocked_case_stays_and_says_why_while_the_others_move(
    factory, clock, staff, four_cases
) -> None:
    screening, handling, review, resolved = four_cases
    files = versions.edit(versions.shipped(), "complaint.bpmn", versions.REFER_SCRIPT)
    with factory.begin() as session:
        v1 = definitions.live(session, "complaint")
        v2 = _store(session, clock, files).id
    report = moving.migrate_cases(factory, clock, ADMIN, v1, v2, four_cases, dry_run=False)
    by_case = {e["case_id"]: e for e in report}
    assert by_case[screening]["migrated"] is True
    for case_id in (handling, review, resolved):
        entry = by_case[case_id]
        assert (entry["migratable"], entry["migrated"], entry["elements"]) == (
            False,
            False,
            ["refer"],
        )
        assert "(refer, complaint)" in entry["reasons"][0] and entry["reasons_th"]
        assert _definition_of(factory, case_id) == v1


def test_a_case_whose_move_fails_is_reported_and_rolled_back_alone(
    factory, clock, staff, four_cases
) -> None:
    screening, handling, review, resolved = four_cases
    with factory.begin() as session:
        v1 = definitions.live(session, "complaint")
        v2 = _store(session, clock, versions.v2()).id
        session.get(WorkflowInstance, handling).state = b"not a workflow"
    report = moving.migrate_cases(
        factory, clock, ADMIN, v1, v2, four_cases, dry_run=False, batch_size=2
    )
    failed = [e for e in report if not e["migrated"]]
    assert [e["case_id"] for e in failed] == [handling]
    assert failed[0]["reasons"][0].startswith("The move failed: ")
    assert {_definition_of(factory, c) for c in (screening, review, resolved)} == {v2}
    assert _definition_of(factory, handling) == v1


def test_planning_selects_by_status_element_and_id(factory, clock, staff, four_cases) -> None:
    screening, handling, review, resolved = four_cases
    with factory.begin() as session:
        v1 = definitions.live(session, "complaint")
        v2 = _store(session, clock, versions.v2()).id
    with factory() as session:

        def plan(**only: list) -> list[int]:
            return moving.plan_cases(session, "complaint", v1, v2, **only)

        assert plan(statuses=["under_review"]) == [review]
        assert plan(elements=["agency_handle"]) == [handling]
        assert plan(elements=["resolved_wait"]) == [resolved]  # a timer waits there
        assert plan(case_ids=[resolved, screening]) == [screening, resolved]
        assert plan(statuses=["screening", "resolved"]) == [screening, resolved]


def _views(factory, case_ids: list[int]) -> dict[int, list[tuple]]:  # type: ignore[no-untyped-def]
    return {
        c: [(t.step, t.name_en, t.role, t.form, t.org_unit_id) for t in open_tasks(factory, c)]
        for c in case_ids
    }


def test_moving_back_restores_the_first_versions_rows(factory, clock, staff, four_cases) -> None:
    with factory.begin() as session:
        v1 = definitions.live(session, "complaint")
        tasks = _v2_tasks(session.get(ProcessDefinition, v1))
        v2 = _store(session, clock, versions.v2(), tasks).id
    before, views = _rows(factory, four_cases), _views(factory, four_cases)
    forth = moving.migrate_cases(factory, clock, ADMIN, v1, v2, four_cases, dry_run=False)
    back = moving.migrate_cases(factory, clock, ADMIN, v2, v1, four_cases, dry_run=False)
    assert all(e["migrated"] for e in forth + back)
    assert _rows(factory, four_cases) == before and _views(factory, four_cases) == views
    with factory() as session:
        assert session.get(Case, four_cases[0]).status == "screening"


def test_the_new_versions_task_table_decides_role_form_and_names(
    factory, clock, staff, four_cases
) -> None:
    review = four_cases[2]
    with factory.begin() as session:
        v1 = definitions.live(session, "complaint")
        live = session.get(ProcessDefinition, v1)
        tasks = _v2_tasks(live)
        changed = {
            "role": "supervisor",
            "form": "supervise",
            "name_th": "ตรวจผล",
            "name_en": "Check",
        }
        tasks["review"] = {**tasks.get("review", {}), **changed}
        v2 = _store(session, clock, versions.v2(), tasks).id
        row = session.scalar(select(Task).where(Task.case_id == review))
        row.assignee_id = staff["screener"].user_id
    (kept,) = _rows(factory, [review])[0].values()
    moving.migrate_cases(factory, clock, ADMIN, v1, v2, [review], dry_run=False)
    (row,) = open_tasks(factory, review)
    assert (row.role, row.form, row.name_th, row.name_en) == (
        "supervisor",
        "supervise",
        "ตรวจผล",
        "Check",
    )
    assert _rows(factory, [review])[0][row.id] == kept  # assignee, deadlines, draft stay
