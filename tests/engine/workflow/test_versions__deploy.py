"""Process versions: deploy checked first, live or draft, rollback, retire, many processes bound
to categories, forms carried by the version, and two designers deploying at once."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from engine.access.rules import Actor
from engine.errors import Conflict, DefinitionInvalid, PermissionDenied
from engine.models import AuditEvent, Category, Process, ProcessDefinition, Task, WorkflowInstance
from engine.workflow import catalog, definitions, versions
from tests.engine.helpers import complete, open_case, task_at

DESIGNER = Actor(kind="staff", label="designer", user_id=None, roles=frozenset({"designer"}))


def shipped() -> dict[str, str]:
    """The files `damrong init` deployed as the complaint process (it calls agency_handling)."""
    return dict(dict(definitions.shipped_bundles())["complaint"])


def edited(marker: str) -> dict[str, str]:
    """The shipped files with the screening task renamed (a visible, harmless change)."""
    files = shipped()
    files["complaint.bpmn"] = files["complaint.bpmn"].replace(
        'name="กลั่นกรองเรื่อง"', f'name="กลั่นกรองเรื่อง {marker}"', 1
    )
    assert marker in files["complaint.bpmn"]
    return files


def version_of(factory, case_id: int) -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        definition_id = session.get(WorkflowInstance, case_id).definition_id
        return session.get(ProcessDefinition, definition_id).version


def count_versions(factory) -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        return session.scalar(select(func.count()).select_from(ProcessDefinition))


def test_deploying_the_same_files_again_is_unchanged(factory, clock):
    with factory.begin() as session:
        again = versions.deploy(session, clock(), shipped(), "complaint")
    assert not again.created and again.live and again.definition.version == 1


def test_new_cases_start_on_the_live_version_and_running_ones_stay(factory, clock, staff):
    first, *_ = open_case(factory, clock, staff["intake"])
    with factory.begin() as session:
        v2 = catalog.deploy(session, clock(), DESIGNER, edited("v2"), note="ชื่อใหม่")
    assert v2.created and v2.live and v2.definition.version == 2
    second, *_ = open_case(factory, clock, staff["intake"])
    assert (version_of(factory, first), version_of(factory, second)) == (1, 2)
    assert task_at(factory, second, "screen").name_th.endswith("v2")
    assert not task_at(factory, first, "screen").name_th.endswith("v2")
    # Roll back: new cases start on v1 again; the v2 case still runs to the agency.
    with factory.begin() as session:
        catalog.activate(session, clock(), DESIGNER, "complaint", 1)
    third, *_ = open_case(factory, clock, staff["intake"])
    assert version_of(factory, third) == 1
    assert complete(factory, clock, staff["screener"], second, "screen", {"decision": "refer"}) in (
        "referred",
        "in_progress",
    )
    with factory() as session:
        rows = {v["version"]: v for v in catalog.list_versions(session, DESIGNER, "complaint")}
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.case_id.is_(None))
        ).all()
    assert rows[1]["state"] == "live" and rows[2]["state"] == "previous"
    assert rows[2]["running_cases"] == 1 and rows[1]["running_cases"] == 2
    assert rows[2]["note"] == "ชื่อใหม่" and rows[2]["deployed_by"] == "designer"
    assert {"process_deployed", "process_activated"} <= set(actions)


def test_a_draft_is_stored_but_not_live_until_activated(factory, clock, staff):
    with factory.begin() as session:
        draft = catalog.deploy(session, clock(), DESIGNER, edited("draft"), draft=True)
    assert draft.created and not draft.live
    case_id, *_ = open_case(factory, clock, staff["intake"])
    assert version_of(factory, case_id) == 1
    with factory.begin() as session:
        catalog.activate(session, clock(), DESIGNER, "complaint", draft.definition.version)
    later, *_ = open_case(factory, clock, staff["intake"])
    assert version_of(factory, later) == draft.definition.version


def test_redeploying_an_earlier_version_makes_it_live_again(factory, clock, staff):
    with factory.begin() as session:
        versions.deploy(session, clock(), edited("v2"), "complaint")
    with factory.begin() as session:
        back = versions.deploy(session, clock(), shipped(), "complaint")
    assert not back.created and back.live and back.definition.version == 1
    case_id, *_ = open_case(factory, clock, staff["intake"])
    assert version_of(factory, case_id) == 1


def test_a_retired_version_cannot_go_live_and_the_live_one_cannot_retire(factory, clock):
    with factory.begin() as session:
        versions.deploy(session, clock(), edited("v2"), "complaint")
    with pytest.raises(Conflict) as live, factory.begin() as session:
        catalog.retire(session, clock(), DESIGNER, "complaint", 2)
    assert "live" in live.value.message_en and "ใช้งานอยู่" in live.value.message_th
    with factory.begin() as session:
        row = catalog.retire(session, clock(), DESIGNER, "complaint", 1)
    assert row["state"] == "retired"
    with pytest.raises(Conflict), factory.begin() as session:
        catalog.activate(session, clock(), DESIGNER, "complaint", 1)


def test_a_refused_deploy_changes_nothing(factory, clock, staff):
    files = shipped()
    files["complaint.bpmn"] = files["complaint.bpmn"].replace('id="screen"', "id='Start'", 1)
    before = count_versions(factory)
    with pytest.raises(DefinitionInvalid) as refused, factory.begin() as session:
        catalog.deploy(session, clock(), DESIGNER, files)
    assert refused.value.findings and all(f.file for f in refused.value.findings)
    assert count_versions(factory) == before
    case_id, *_ = open_case(factory, clock, staff["intake"])  # new cases still open
    assert version_of(factory, case_id) == 1


@pytest.mark.parametrize("role", ["intake", "screener", "supervisor", "labour", "executive"])
def test_only_designers_and_admins_manage_processes(factory, clock, staff, role):
    with pytest.raises(PermissionDenied), factory.begin() as session:
        catalog.deploy(session, clock(), staff[role], edited("x"))
    with pytest.raises(PermissionDenied), factory.begin() as session:
        catalog.bind_category(session, clock(), staff[role], "labour", "complaint")
    with pytest.raises(PermissionDenied), factory() as session:
        catalog.list_processes(session, staff[role])
    assert count_versions(factory) == 2  # the two shipped processes


def test_a_category_bound_to_another_process_starts_its_cases_there(factory, clock, staff):
    files = edited("labour process")
    files["complaint.bpmn"] = (
        files["complaint.bpmn"]
        .replace('id="complaint"', 'id="labour_complaint"')
        .replace('processRef="complaint"', 'processRef="labour_complaint"')
    )
    with factory.begin() as session:
        deployed = catalog.deploy(
            session, clock(), staff["admin"], files, categories=["labour"], note="แรงงาน"
        )
    assert deployed.definition.process_id == "labour_complaint"
    labour, *_ = open_case(factory, clock, staff["intake"], category="labour")
    other, *_ = open_case(factory, clock, staff["intake"], category="consumer")
    with factory() as session:

        def process_of(case_id: int) -> str:
            instance = session.get(WorkflowInstance, case_id)
            return session.get(ProcessDefinition, instance.definition_id).process_id

        assert (process_of(labour), process_of(other)) == ("labour_complaint", "complaint")
        assert session.get(Category, "labour").process_id == "labour_complaint"
        changed = session.scalar(
            select(AuditEvent).where(AuditEvent.action == "category_process_changed")
        )
        assert changed.status_before == "complaint" and changed.status_after == "labour_complaint"
    # Changing the case's category during screening does not change its process.
    complete(
        factory,
        clock,
        staff["screener"],
        labour,
        "screen",
        {"decision": "refer", "category": "consumer"},
    )
    with factory() as session:
        assert process_of(labour) == "labour_complaint"


def test_binding_to_a_process_without_a_live_version_is_refused(factory, clock, staff):
    from engine.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused, factory.begin() as session:
        catalog.bind_category(session, clock(), staff["admin"], "labour", "no_such_process")
    assert "process_id" in refused.value.fields
    with factory() as session:
        assert session.get(Category, "labour").process_id == "complaint"


def test_a_version_carries_its_forms_so_editing_the_library_changes_no_running_case(
    factory, clock, staff
):
    files = shipped()
    schema = definitions.forms_in(definitions.read_process_files())[0]["screen"]
    schema["title"] = "กลั่นกรองเรื่อง (แบบฟอร์มรุ่น 2)"
    import json

    files["forms/screen.json"] = json.dumps(schema, ensure_ascii=False)
    old_case, *_ = open_case(factory, clock, staff["intake"])
    with factory.begin() as session:
        v2 = versions.deploy(session, clock(), files, "complaint")
    assert v2.created, "a changed form alone makes a new version"
    new_case, *_ = open_case(factory, clock, staff["intake"])
    from engine.cases.tasks import form_of

    old_task, new_task = task_at(factory, old_case, "screen"), task_at(factory, new_case, "screen")
    with factory() as session:
        old_form = form_of(session, session.get(Task, old_task.id))
        new_form = form_of(session, session.get(Task, new_task.id))
    assert old_form["title"] != new_form["title"] == "กลั่นกรองเรื่อง (แบบฟอร์มรุ่น 2)"


def test_two_designers_deploying_at_once_one_wins_the_other_gets_a_conflict(
    factory, clock, database_url
):
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite lets one writer in at a time: the second waits, then sees the first")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def deploy(marker: str) -> None:
        try:
            with factory.begin() as session:
                # Held: the session's identity map is weak, and a dropped row would be read
                # afresh after the other commit, making the two deploys merely sequential.
                seen = session.get(Process, "complaint")
                barrier.wait(timeout=10)
                versions.deploy(session, clock(), edited(marker), "complaint")
                assert seen is session.get(Process, "complaint")
            outcomes.append("deployed")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=deploy, args=(m,)) for m in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "deployed"]
    assert count_versions(factory) == 3


def test_a_call_activity_stays_pinned_until_its_caller_is_deployed_again(factory, clock, staff):
    bundles = dict(definitions.shipped_bundles())
    handling = dict(bundles["agency_handling"])
    handling["agency_handling.bpmn"] = handling["agency_handling.bpmn"].replace(
        'name="ตอบรับเรื่อง"', 'name="ตอบรับเรื่อง (v2)"', 1
    )
    assert "(v2)" in handling["agency_handling.bpmn"]
    with factory.begin() as session:
        v2 = versions.deploy(session, clock(), handling, "agency_handling")
        stale = versions.stale_callers(session, "agency_handling")
    assert v2.created and v2.live
    assert [(s["process_id"], s["version"]) for s in stale] == [("complaint", 1)]

    def acknowledge_name(case_id: int) -> str:
        complete(factory, clock, staff["screener"], case_id, "screen", {"decision": "refer"})
        return task_at(factory, case_id, "agency_acknowledge").name_th

    pinned, *_ = open_case(factory, clock, staff["intake"])
    assert "(v2)" not in acknowledge_name(pinned)  # complaint v1 still calls handling v1
    with factory.begin() as session:
        repinned = versions.deploy(session, clock(), shipped(), "complaint")
        assert versions.stale_callers(session, "agency_handling") == []
    assert repinned.created and repinned.definition.version == 2
    assert repinned.definition.pins == {"agency_handling": v2.definition.id}
    fresh, *_ = open_case(factory, clock, staff["intake"])
    assert "(v2)" in acknowledge_name(fresh)
