"""A case that cannot move is told why, naming the element, in English and Thai, and is left
as it was; cases elsewhere in the same process move."""

from __future__ import annotations

from typing import Any

import pytest

from engine.workflow import migration
from tests.engine.workflow.migration_diagrams import versions
from tests.engine.workflow.migration_diagrams.cases import (
    at_review,
    at_screening,
    in_agency_handling,
    in_reopen_window,
    run_to_end,
)

V1 = versions.shipped()


def _case(files: dict[str, str], position: Any) -> Any:
    d = versions.driver(versions.parsed(files))
    position(d)
    return d


def test_a_changed_script_the_case_has_run_blocks_it() -> None:
    files = versions.edit(V1, "complaint.bpmn", versions.REFER_SCRIPT)
    old, new = versions.parsed(V1), versions.parsed(files)
    d = _case(V1, in_agency_handling)
    tasks = versions.open_tasks(d.wf)

    result = migration.check(d.wf, old, new)
    assert not result.migratable and result.elements == ["refer"]
    assert result.reasons == [
        "The case has already run 'ส่งต่อหน่วยงาน' (refer, complaint), whose script the new "
        "version changes."
    ]
    assert result.reasons_th == [
        "เรื่องนี้ผ่าน 'ส่งต่อหน่วยงาน' (refer, complaint) มาแล้ว แต่รุ่นใหม่แก้ไขสคริปต์ของขั้นตอนนี้"
    ]
    with pytest.raises(migration.MigrationBlocked) as blocked:
        migration.migrate(d.wf, old, new)
    assert blocked.value.check == result
    assert d.wf.spec is old.spec and versions.open_tasks(d.wf) == tasks  # untouched

    screening = _case(V1, at_screening)
    assert migration.check(screening.wf, old, new).migratable  # refer is still ahead of it


def test_a_removed_task_blocks_the_cases_at_or_past_it_only() -> None:
    files = versions.edit(V1, "complaint.bpmn", versions.NO_REVIEW)
    old, new = versions.parsed(V1), versions.parsed(files)

    waiting = migration.check(_case(V1, at_review).wf, old, new)
    assert waiting.reasons == [
        "The case waits at 'ตรวจสอบผล จากหน่วยงาน' (review, complaint), which the new version "
        "removes."
    ]
    passed = migration.check(_case(V1, in_reopen_window).wf, old, new)
    assert not passed.migratable and passed.elements == ["review", "review_result"]
    assert passed.reasons[0].startswith("The case has already run 'ตรวจสอบผล จากหน่วยงาน' (review")

    d = _case(V1, in_agency_handling)
    migration.migrate(d.wf, old, new)
    assert run_to_end(d) == ["agency_handle"]  # straight on to the result, no review


def test_a_call_activity_calling_another_process_blocks_the_cases_inside_it() -> None:
    renamed = V1["agency_handling.bpmn"].replace('"agency_handling"', '"agency_handling_v2"')
    files = versions.edit(
        {**V1, "agency_handling.bpmn": renamed},
        "complaint.bpmn",
        ('calledElement="agency_handling"', 'calledElement="agency_handling_v2"'),
    )
    old, new = versions.parsed(V1), versions.parsed(files)
    inside = migration.check(_case(V1, in_agency_handling).wf, old, new)
    assert not inside.migratable and inside.elements == ["handle"]
    assert inside.reasons == [
        "The case has been in 'หน่วยงาน ดำเนินการ' (handle, complaint), whose called process "
        "'agency_handling' the new version drops.",
        "The case is inside 'หน่วยงาน ดำเนินการ' (handle, complaint), whose called process "
        "the new version changes.",
    ]
    assert migration.check(_case(V1, at_screening).wf, old, new).migratable


def test_the_called_process_is_checked_with_its_own_diff() -> None:
    files = versions.edit(
        V1,
        "agency_handling.bpmn",
        (
            '<bpmn:sequenceFlow id="flow_agency_acknowledge__mark_acknowledged" '
            'sourceRef="agency_acknowledge" targetRef="mark_acknowledged"/>',
            '<bpmn:sequenceFlow id="flow_agency_acknowledge__mark_acknowledged" '
            'sourceRef="agency_acknowledge" targetRef="handle_join"/>',
        ),
    )
    old, new = versions.parsed(V1), versions.parsed(files)
    handling = migration.check(_case(V1, in_agency_handling).wf, old, new)
    assert handling.elements == ["mark_acknowledged"]
    assert "(mark_acknowledged, agency_handling)" in handling.reasons[0]

    d = versions.driver(old)
    drive_refer(d)  # waiting for the agency to acknowledge: mark_acknowledged is ahead
    assert d.ready() == ["agency_acknowledge"]
    migration.migrate(d.wf, old, new)
    d.complete("agency_acknowledge")
    assert d.ready() == ["agency_handle"] and d.data["acknowledged"] is False  # no script now


def drive_refer(d: Any) -> None:
    d.complete("screen", decision="refer")


@pytest.mark.parametrize("gained", [True, False], ids=["gains_boundary", "loses_boundary"])
def test_boundary_events_changed_on_an_open_task_block_it(gained: bool) -> None:
    plain, reminded = V1, versions.with_reminder()
    before, after = (plain, reminded) if gained else (reminded, plain)
    old, new = versions.parsed(before), versions.parsed(after)
    result = migration.check(_case(before, in_agency_handling).wf, old, new)
    assert not result.migratable and result.elements[0] == "agency_handle"
    assert result.reasons[0] == (
        "The case waits at 'ดำเนินการ และรายงานผล' (agency_handle, agency_handling), whose "
        "boundary events the new version changes."
    )
    assert migration.check(_case(before, at_screening).wf, old, new).migratable


def test_a_case_past_a_task_whose_boundary_events_went_is_blocked() -> None:
    old, new = versions.parsed(versions.with_reminder()), versions.parsed(V1)
    result = migration.check(_case(versions.with_reminder(), at_review).wf, old, new)
    assert result.reasons == [
        "The case has already passed 'ดำเนินการ และรายงานผล' (agency_handle, agency_handling), "
        "whose boundary events the new version changes."
    ]


def test_moving_back_is_blocked_at_a_task_only_the_new_version_has() -> None:
    old, new = versions.parsed(V1), versions.parsed(versions.v2())
    d = _case(V1, at_review)
    migration.migrate(d.wf, old, new)
    d.complete("review", review_decision="accept")
    assert d.ready() == ["double_check"]
    back = migration.check(d.wf, new, old)
    assert back.elements == ["double_check"]
    assert back.reasons == [
        "The case waits at 'ตรวจซ้ำ' (double_check, complaint), which the new version removes."
    ]
    assert back.reasons_th == ["เรื่องนี้รออยู่ที่ 'ตรวจซ้ำ' (double_check, complaint) ซึ่งรุ่นใหม่ตัดออก"]
