"""Four eyes on the live version: one designer asks, a second person (another designer or an
administrator) approves or rejects; nobody approves their own request, a decided request stays
decided, a rollback needs the same, and an approval for a later time goes live then."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.access.rules import Actor
from engine.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from engine.models import ActivationRequest, AuditEvent, Process, ProcessDefinition
from engine.workflow import approvals, catalog, drafts
from tests.conftest import make_user
from tests.engine.workflow import test_drafts__save as drafting
from tests.engine.workflow.test_drafts__save import new_draft, renamed_files, save

designers, no_drafts = drafting.designers, drafting.no_drafts  # the drafts tests' fixtures


def deployed_v2(factory, clock, who: Actor) -> int:  # type: ignore[no-untyped-def]
    """complaint v2 deployed from a draft by `who`: the id of its pending request."""
    draft_id, lock = new_draft(factory, clock, who)
    save(factory, clock, who, draft_id, renamed_files(factory, who, draft_id), lock)
    with factory.begin() as session:
        return drafts.deploy(session, clock(), who, draft_id, note="v2").id


def live_version(factory, process_id: str = "complaint") -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        live_id = session.get(Process, process_id).live_definition_id
        return session.get(ProcessDefinition, live_id).version


def row(factory, request_id: int) -> ActivationRequest:  # type: ignore[no-untyped-def]
    with factory() as session:
        found = session.get(ActivationRequest, request_id)
        session.expunge(found)
        return found


def decide(factory, clock, what: str, who: Actor, request_id: int, text: str = "ตรวจแล้ว"):  # type: ignore[no-untyped-def]
    with factory.begin() as session:
        if what == "approve":
            return approvals.approve(session, clock(), who, request_id, text).state
        if what == "reject":
            return approvals.reject(session, clock(), who, request_id, text).state
        return approvals.cancel(session, clock(), who, request_id).state


def audit(factory) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with factory() as session:
        rows = session.execute(
            select(AuditEvent.action, AuditEvent.actor_label)
            .where(AuditEvent.case_id.is_(None))
            .order_by(AuditEvent.id)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def test_a_second_designer_approves_and_the_version_goes_live(factory, clock, designers):
    request_id = deployed_v2(factory, clock, designers["designer1"])
    assert live_version(factory) == 1
    with pytest.raises(PermissionDenied, match="another designer or an administrator"):
        decide(factory, clock, "approve", designers["designer1"], request_id)
    assert row(factory, request_id).state == "pending" and live_version(factory) == 1
    assert decide(factory, clock, "approve", designers["designer2"], request_id) == "approved"
    assert live_version(factory) == 2
    done = row(factory, request_id)
    assert (done.decided_by, done.activated_at, done.reason) == ("designer2", clock(), "ตรวจแล้ว")
    assert audit(factory)[-2:] == [
        ("process_activation_approved", "designer2"),
        ("process_activated", "designer2"),
    ]
    actions = [a for a, _ in audit(factory)]
    assert actions.index("process_activation_requested") < actions.index("process_activated")


def test_an_administrator_needs_a_second_person_too(factory, clock, designers):
    with factory.begin() as session:
        admin2 = Actor.for_user(make_user(session, "admin2", "central", ["admin"]))
    request_id = deployed_v2(factory, clock, designers["admin"])
    with pytest.raises(PermissionDenied):
        decide(factory, clock, "approve", designers["admin"], request_id)
    assert decide(factory, clock, "approve", admin2, request_id) == "approved"
    assert live_version(factory) == 2


def test_a_decided_request_stays_decided(factory, clock, designers):
    request_id = deployed_v2(factory, clock, designers["designer1"])
    decide(factory, clock, "approve", designers["admin"], request_id)
    for what, who in [
        ("approve", designers["designer2"]),
        ("reject", designers["designer2"]),
        ("cancel", designers["designer1"]),
    ]:
        with pytest.raises(Conflict, match="activated already"):
            decide(factory, clock, what, who, request_id)
    assert row(factory, request_id).decided_by == "admin"


def test_a_rejection_says_why_and_nothing_goes_live(factory, clock, designers):
    request_id = deployed_v2(factory, clock, designers["designer1"])
    with pytest.raises(ValidationFailed):
        decide(factory, clock, "reject", designers["designer2"], request_id, "  ")
    with pytest.raises(PermissionDenied):  # the one who asked withdraws, never rejects
        decide(factory, clock, "reject", designers["designer1"], request_id, "เปลี่ยนใจ")
    assert decide(factory, clock, "reject", designers["designer2"], request_id, "ชื่อผิด") == (
        "rejected"
    )
    assert live_version(factory) == 1 and row(factory, request_id).reason == "ชื่อผิด"
    with pytest.raises(Conflict):
        decide(factory, clock, "approve", designers["admin"], request_id)


@pytest.mark.parametrize("role", ["screener", "supervisor", "executive", "labour", "intake"])
def test_other_roles_neither_ask_nor_decide(factory, clock, designers, role):
    request_id = deployed_v2(factory, clock, designers["designer1"])
    who = designers[role]
    with pytest.raises(PermissionDenied), factory.begin() as session:
        approvals.request_activation(session, clock(), who, "complaint", 1)
    for what in ("approve", "reject", "cancel"):
        with pytest.raises(PermissionDenied):
            decide(factory, clock, what, who, request_id)
    with pytest.raises(PermissionDenied), factory() as session:
        approvals.list_requests(session, who)
    assert row(factory, request_id).state == "pending" and live_version(factory) == 1


def test_a_rollback_is_an_activation_and_needs_the_same_approval(factory, clock, designers):
    first = deployed_v2(factory, clock, designers["designer1"])
    decide(factory, clock, "approve", designers["designer2"], first)
    assert live_version(factory) == 2
    with factory.begin() as session:
        back = approvals.request_activation(
            session, clock(), designers["designer2"], "complaint", 1, "ย้อนกลับ"
        ).id
    with pytest.raises(PermissionDenied):
        decide(factory, clock, "approve", designers["designer2"], back)
    decide(factory, clock, "approve", designers["designer1"], back)
    assert live_version(factory) == 1
    with factory() as session:
        detail = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "process_activation_requested")
        ).all()[-1]
    assert detail["rollback"] is True and detail["version"] == 1


def test_asking_twice_for_the_live_or_a_retired_version_is_refused(factory, clock, designers):
    request_id = deployed_v2(factory, clock, designers["designer1"])
    d1 = designers["designer1"]
    with pytest.raises(Conflict, match="waiting already"), factory.begin() as session:
        approvals.request_activation(session, clock(), designers["designer2"], "complaint", 2)
    with pytest.raises(Conflict, match="live already"), factory.begin() as session:
        approvals.request_activation(session, clock(), d1, "complaint", 1)
    with pytest.raises(NotFound), factory.begin() as session:
        approvals.request_activation(session, clock(), d1, "complaint", 99)
    decide(factory, clock, "cancel", d1, request_id)
    with factory.begin() as session:
        catalog.retire(session, clock(), d1, "complaint", 2)
    with pytest.raises(Conflict, match="retired"), factory.begin() as session:
        approvals.request_activation(session, clock(), d1, "complaint", 2)
    with pytest.raises(ValidationFailed), factory.begin() as session:
        approvals.request_activation(session, clock(), d1, "complaint", 1, activate_at=clock())


def test_only_the_one_who_asked_or_an_administrator_withdraws(factory, clock, designers):
    request_id = deployed_v2(factory, clock, designers["designer1"])
    with pytest.raises(PermissionDenied, match="designer who asked"):
        decide(factory, clock, "cancel", designers["designer2"], request_id)
    assert decide(factory, clock, "cancel", designers["admin"], request_id) == "cancelled"
    with pytest.raises(Conflict):
        decide(factory, clock, "approve", designers["designer2"], request_id)
    assert live_version(factory) == 1


def test_an_approval_for_later_goes_live_when_the_time_comes(factory, clock, designers):
    d1, d2 = designers["designer1"], designers["designer2"]
    draft_id, lock = new_draft(factory, clock, d1)
    save(factory, clock, d1, draft_id, renamed_files(factory, d1, draft_id), lock)
    tonight = clock() + timedelta(hours=10)
    with factory.begin() as session:
        request_id = drafts.deploy(session, clock(), d1, draft_id, activate_at=tonight).id
    decide(factory, clock, "approve", d2, request_id)
    assert live_version(factory) == 1 and row(factory, request_id).activated_at is None
    assert approvals.activate_due(factory, clock) == {"activated": 0, "failed": 0}
    clock.advance(hours=10)
    assert approvals.activate_due(factory, clock) == {"activated": 1, "failed": 0}
    assert live_version(factory) == 2 and row(factory, request_id).activated_at == tonight
    assert approvals.activate_due(factory, clock) == {"activated": 0, "failed": 0}
    assert ("process_activated", "scheduler") in audit(factory)


def test_a_scheduled_version_retired_meanwhile_fails_with_the_reason(factory, clock, designers):
    d1, d2 = designers["designer1"], designers["designer2"]
    request_id = deployed_v2(factory, clock, d1)
    with factory.begin() as session:
        scheduled = session.get(ActivationRequest, request_id)
        scheduled.activate_at = clock() + timedelta(hours=1)
    decide(factory, clock, "approve", d2, request_id)
    with factory.begin() as session:
        catalog.retire(session, clock(), d1, "complaint", 2)
    clock.advance(hours=2)
    assert approvals.activate_due(factory, clock) == {"activated": 0, "failed": 1}
    failed = row(factory, request_id)
    assert failed.state == "failed" and "retired" in failed.reason and live_version(factory) == 1


def test_two_approvers_at_once_one_decides(factory, clock, designers, database_url):
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite lets one writer in at a time: the second waits, then sees the first")
    request_id = deployed_v2(factory, clock, designers["designer1"])
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(who: str) -> None:
        try:
            with factory.begin() as session:
                approvals.find(session, request_id)
                barrier.wait(timeout=10)
                approvals.approve(session, clock(), designers[who], request_id)
            outcomes.append("approved")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=approve, args=(w,)) for w in ("designer2", "admin")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["approved", "conflict"]
    with factory() as session:
        activated = session.scalar(
            select(func.count()).where(AuditEvent.action == "process_activated")
        )
    assert activated == 1 and live_version(factory) == 2
