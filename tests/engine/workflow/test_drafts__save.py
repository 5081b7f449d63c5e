"""Drafts on the server: copied from a version or blank, saved against a lock (a stale editor is
refused, never overwrites), validated with findings, deployed as a version waiting for a second
person's approval; other roles, hostile files and huge drafts are refused cleanly."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete, func, select

from engine.access.rules import Actor
from engine.errors import Conflict, DefinitionInvalid, PermissionDenied, ValidationFailed
from engine.models import (
    ActivationRequest,
    AuditEvent,
    Process,
    ProcessDefinition,
    ProcessDraft,
)
from engine.workflow import catalog, drafts
from engine.workflow.definitions import MAIN_PROCESS
from tests.conftest import make_user

RENAMED = 'name="กลั่นกรองเรื่อง (ร่าง)"'


@pytest.fixture(autouse=True)
def no_drafts(factory):  # type: ignore[no-untyped-def]
    """Drafts and requests are not among the tables the shared fixtures empty."""
    with factory.begin() as session:
        session.execute(delete(ActivationRequest))
        session.execute(delete(ProcessDraft))


@pytest.fixture
def designers(factory, staff) -> dict[str, Actor]:  # type: ignore[no-untyped-def]
    """Two designers at the central office, with the demo staff (admin, screener …)."""
    with factory.begin() as session:
        made = {
            name: Actor.for_user(make_user(session, name, "central", ["designer"]))
            for name in ("designer1", "designer2")
        }
    return {**staff, **made}


def new_draft(factory, clock, who: Actor, version: int | None = 1, pid: str = MAIN_PROCESS):  # type: ignore[no-untyped-def]
    """A draft of the complaint process from a version (or blank): its id and lock."""
    with factory.begin() as session:
        draft = drafts.create(session, clock(), who, pid, from_version=version, note="ร่างทดสอบ")
        return draft.id, draft.lock


def renamed_files(factory, who: Actor, draft_id: int) -> dict[str, str]:
    """The draft's files with the screening task renamed (a harmless, visible change)."""
    with factory() as session:
        files = dict(drafts.get(session, who, draft_id).files)
    files["complaint.bpmn"] = files["complaint.bpmn"].replace('name="กลั่นกรองเรื่อง"', RENAMED, 1)
    assert RENAMED in files["complaint.bpmn"]
    return files


def save(factory, clock, who: Actor, draft_id: int, files: dict, lock: int, **extra) -> int:  # type: ignore[no-untyped-def]
    with factory.begin() as session:
        return drafts.save(session, clock(), who, draft_id, files, lock, **extra)


def counts(factory) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with factory() as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(model))
            for model in (ProcessDefinition, ActivationRequest, ProcessDraft)
        )


def test_a_draft_from_a_version_copies_its_files_and_forms(factory, clock, designers):
    draft_id, lock = new_draft(factory, clock, designers["designer1"])
    with factory() as session:
        draft = drafts.get(session, designers["designer2"], draft_id)  # every designer sees it
        stored = session.scalar(
            select(ProcessDefinition).where(
                ProcessDefinition.process_id == "complaint", ProcessDefinition.version == 1
            )
        )
        loaded = drafts.content(draft)
        assert loaded["files"] == stored.files and loaded["forms"] == stored.forms
        assert (loaded["process_id"], loaded["lock"], draft.base_version) == ("complaint", lock, 1)
        assert draft.created_by == "designer1" and draft.note == "ร่างทดสอบ"
        events = session.scalars(select(AuditEvent.action)).all()
    assert "process_draft_created" in events


def test_a_blank_draft_is_a_runnable_start_and_end(factory, clock, designers):
    draft_id, _ = new_draft(factory, clock, designers["designer1"], None, "water_leak")
    with factory() as session:
        draft = drafts.get(session, designers["designer1"], draft_id)
        assert list(draft.files) == ["water_leak.bpmn"] and draft.forms == {}
        findings = drafts.validate(session, designers["designer1"], draft_id)
    assert [f for f in findings if f.severity == "error"] == []


def test_saving_moves_the_lock_and_a_stale_lock_is_refused(factory, clock, designers):
    draft_id, lock = new_draft(factory, clock, designers["designer1"])
    files = renamed_files(factory, designers["designer1"], draft_id)
    new_lock = save(factory, clock, designers["designer1"], draft_id, files, lock)
    assert new_lock == lock + 1
    with pytest.raises(Conflict) as stale:  # a second tab, still on the old lock
        save(factory, clock, designers["designer2"], draft_id, {"x.bpmn": "<x/>"}, lock)
    assert stale.value.detail["current_lock"] == new_lock
    with factory() as session:
        draft = drafts.get(session, designers["designer1"], draft_id)
        assert RENAMED in draft.files["complaint.bpmn"] and draft.updated_by == "designer1"


def test_two_editors_saving_at_once_one_wins(factory, clock, designers, database_url):
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite lets one writer in at a time: the second waits, then sees the first")
    draft_id, lock = new_draft(factory, clock, designers["designer1"])
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def edit(who: str, name: str) -> None:
        try:
            with factory.begin() as session:
                drafts.get(session, designers[who], draft_id)
                barrier.wait(timeout=10)
                drafts.save(session, clock(), designers[who], draft_id, {name: "<a/>"}, lock)
            outcomes.append(name)
        except Conflict:
            outcomes.append("conflict")

    threads = [
        threading.Thread(target=edit, args=("designer1", "a.bpmn")),
        threading.Thread(target=edit, args=("designer2", "b.bpmn")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert "conflict" in outcomes and len(outcomes) == 2
    [winner] = [o for o in outcomes if o != "conflict"]
    with factory() as session:
        draft = drafts.get(session, designers["designer1"], draft_id)
        assert list(draft.files) == [winner] and draft.lock == lock + 1


@pytest.mark.parametrize("role", ["screener", "supervisor", "executive", "labour", "intake"])
def test_other_roles_may_not_touch_drafts(factory, clock, designers, role):
    draft_id, lock = new_draft(factory, clock, designers["designer1"])
    before = counts(factory)
    who = designers[role]
    calls = [
        lambda s: drafts.create(s, clock(), who, "complaint", from_version=1),
        lambda s: drafts.get(s, who, draft_id),
        lambda s: drafts.list_drafts(s, who),
        lambda s: drafts.save(s, clock(), who, draft_id, {"a.bpmn": "<a/>"}, lock),
        lambda s: drafts.validate(s, who, draft_id),
        lambda s: drafts.deploy(s, clock(), who, draft_id, note="x"),
        lambda s: drafts.discard(s, clock(), who, draft_id),
        lambda s: drafts.reference(s, who),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied), factory.begin() as session:
            call(session)
    assert counts(factory) == before


def test_a_doctype_is_a_finding_not_a_crash(factory, clock, designers):
    draft_id, lock = new_draft(factory, clock, designers["designer1"])
    hostile = (
        '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&x;'
        "</bpmn:definitions>"
    )
    save(factory, clock, designers["designer1"], draft_id, {"complaint.bpmn": hostile}, lock)
    with factory() as session:
        findings = drafts.validate(session, designers["designer1"], draft_id)
    assert any(f.severity == "error" and f.file == "complaint.bpmn" for f in findings)
    assert not any("root:" in f.message_en for f in findings)  # /etc/passwd never read


@pytest.mark.parametrize(
    ("files", "forms", "field"),
    [
        ({"huge.bpmn": "<a/>" + " " * (5 * 1024 * 1024)}, None, "files"),
        ({"../../etc/x.bpmn": "<a/>"}, None, "files"),
        ({"notes.txt": "hello"}, None, "files"),
        ({}, None, "files"),
        ({"a.bpmn": 42}, None, "files"),
        ({f"f{i}.bpmn": "<a/>" for i in range(51)}, None, "files"),
        ({"a.bpmn": "<a/>"}, {"screen": "not a schema"}, "forms"),
        ({"a.bpmn": "<a/>"}, {"../screen": {}}, "forms"),
        ({"a.bpmn": "<a/>"}, ["screen"], "forms"),
    ],
)
def test_unfit_content_is_refused_with_the_field_named(
    factory, clock, designers, files, forms, field
):
    draft_id, lock = new_draft(factory, clock, designers["designer1"])
    with pytest.raises(ValidationFailed) as refused:
        save(factory, clock, designers["designer1"], draft_id, files, lock, forms=forms)
    assert set(refused.value.fields) == {field}
    with factory() as session:
        assert drafts.get(session, designers["designer1"], draft_id).lock == lock


def test_a_huge_draft_says_how_large_it_may_be(factory, clock, designers):
    draft_id, lock = new_draft(factory, clock, designers["designer1"])
    files = {"huge.bpmn": "ก" * (2 * 1024 * 1024)}  # 6 MB as UTF-8
    with pytest.raises(ValidationFailed) as refused:
        save(factory, clock, designers["designer1"], draft_id, files, lock)
    th, en = refused.value.fields["files"]
    assert "5 MB" in th and "5 MB" in en and "6.0 MB" in en


def test_a_draft_with_errors_deploys_nothing(factory, clock, designers):
    draft_id, lock = new_draft(factory, clock, designers["designer1"])
    files = renamed_files(factory, designers["designer1"], draft_id)
    files["complaint.bpmn"] = files["complaint.bpmn"].replace('id="screen"', 'id="1bad id"', 1)
    save(factory, clock, designers["designer1"], draft_id, files, lock)
    before = counts(factory)
    with pytest.raises(DefinitionInvalid) as refused, factory.begin() as session:
        drafts.deploy(session, clock(), designers["designer1"], draft_id, note="พัง")
    assert refused.value.findings and all(f.file for f in refused.value.findings)
    assert counts(factory) == before  # no version, no request, the draft kept


def test_deploying_stores_a_version_that_waits_for_a_second_person(factory, clock, designers):
    draft_id, lock = new_draft(factory, clock, designers["designer1"])
    files = renamed_files(factory, designers["designer1"], draft_id)
    lock = save(factory, clock, designers["designer1"], draft_id, files, lock)
    with factory.begin() as session:
        request = drafts.deploy(
            session, clock(), designers["designer1"], draft_id, note="เปลี่ยนชื่อ", lock=lock
        )
        request_id = request.id
    with factory() as session:
        request = session.get(ActivationRequest, request_id)
        assert (request.version, request.state, request.requested_by) == (2, "pending", "designer1")
        assert request.note == "เปลี่ยนชื่อ"
        versions = catalog.list_versions(session, designers["designer2"], "complaint")
        assert [(v["version"], v["state"]) for v in versions] == [(2, "draft"), (1, "live")]
        live = session.get(ProcessDefinition, session.get(Process, "complaint").live_definition_id)
        assert live.version == 1
        assert session.get(ProcessDraft, draft_id) is None  # the draft became the version
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-3:] == [
        "process_deployed",
        "process_activation_requested",
        "process_draft_deployed",
    ]


def test_deploying_an_unchanged_draft_or_from_a_stale_editor_is_refused(factory, clock, designers):
    draft_id, lock = new_draft(factory, clock, designers["designer1"])
    with pytest.raises(Conflict, match="same as complaint v1"), factory.begin() as session:
        drafts.deploy(session, clock(), designers["designer1"], draft_id)
    files = renamed_files(factory, designers["designer1"], draft_id)
    save(factory, clock, designers["designer1"], draft_id, files, lock)
    with pytest.raises(Conflict), factory.begin() as session:
        drafts.deploy(session, clock(), designers["designer1"], draft_id, lock=lock)


def test_discarding_a_draft(factory, clock, designers):
    draft_id, _ = new_draft(factory, clock, designers["designer1"])
    with factory.begin() as session:
        drafts.discard(session, clock(), designers["designer2"], draft_id)
    with factory() as session:
        assert session.get(ProcessDraft, draft_id) is None
        assert "process_draft_discarded" in session.scalars(select(AuditEvent.action)).all()


def test_a_bad_process_id_is_refused(factory, clock, designers):
    for pid in ("", "1abc", "has space", "x" * 65, "<script>"):
        with pytest.raises(ValidationFailed), factory.begin() as session:
            drafts.create(session, clock(), designers["designer1"], pid)


def test_the_reference_lists_what_a_diagram_may_name(factory, designers):
    with factory() as session:
        found = drafts.reference(session, designers["designer1"])
    assert {"screener", "agency_officer"} <= {r["code"] for r in found["roles"]}
    assert {"screen", "review", "agency_handle"} <= set(found["forms"])
    assert {"received", "closed"} <= {s["code"] for s in found["statuses"]}
    assert {"complaint", "agency_handling"} <= {p["code"] for p in found["processes"]}
    assert all(isinstance(name, str) and name != "*" for name in found["sla_policies"])


def test_the_modelers_unsaved_files_are_validated_with_the_drafts_forms(factory, clock, designers):
    draft_id, _ = new_draft(factory, clock, designers["designer1"])
    files = renamed_files(factory, designers["designer1"], draft_id)
    files["complaint.bpmn"] = files["complaint.bpmn"].replace('id="screen"', 'id="1bad"', 1)
    with factory() as session:
        given = drafts.validate(session, designers["designer1"], draft_id, files)
        stored = drafts.validate(session, designers["designer1"], draft_id)
        with pytest.raises(ValidationFailed):
            drafts.validate(session, designers["designer1"], draft_id, {"x.txt": "no"})
    assert any(f.severity == "error" for f in given)
    assert not any(f.severity == "error" for f in stored)  # the stored draft is untouched
