"""Test-runs through the real services in a transaction rolled back at the end: what they
report, where they stop, and that nothing of them stays (rows, ids, caches)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.access.rules import Actor
from engine.cases import trial
from engine.errors import PermissionDenied
from engine.models import AuditEvent, ProcessDefinition, ProcessDraft
from engine.models.base import Base
from engine.workflow import definitions, drafts, scenarios, spiff
from tests.conftest import make_user

SCREEN = 'name="กลั่นกรองเรื่อง"'


def _designer(factory) -> Actor:  # type: ignore[no-untyped-def]
    with factory.begin() as session:
        return Actor.for_user(make_user(session, "designer", "central", ["designer"]))


def _draft(factory, designer, label: str | None = None) -> int:  # type: ignore[no-untyped-def]
    """A draft of complaint v1, its screening task renamed when `label` is given."""
    with factory.begin() as session:
        draft = drafts.create(session, definitions_now(), designer, "complaint", from_version=1)
        if label:
            bpmn = draft.files["complaint.bpmn"].replace(SCREEN, f'name="{label}"', 1)
            draft.files = {**draft.files, "complaint.bpmn": bpmn}
        session.flush()
        return draft.id


def definitions_now():  # type: ignore[no-untyped-def]
    from engine.workflow.testrun import EPOCH

    return EPOCH


def _counts(factory) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with factory() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        }


def _caches() -> tuple:  # type: ignore[type-arg]
    """What the process-wide caches hold (committed versions only: a run adds nothing)."""
    return (
        sorted(definitions._parsed),
        sorted(definitions._forms),
        spiff.load_spec.cache_info().currsize,
    )


def _shipped(name: str) -> dict:
    return scenarios.read_shipped("complaint")[name]


@pytest.mark.parametrize(
    "name", ["refer_agency_and_close", "request_info_then_withdraw", "sla_breach_escalates"]
)
def test_a_shipped_scenario_passes_on_v1_and_leaves_nothing(factory, name: str) -> None:  # type: ignore[no-untyped-def]
    designer = _designer(factory)
    trial.run_version(factory, designer, "complaint", 1, {"name": "warm"})  # v1 cached for good
    before, caches = _counts(factory), _caches()
    result = trial.run_version(factory, designer, "complaint", 1, _shipped(name))
    assert result.passed, (result.failed, result.problems)
    assert result.path == _shipped(name)["expect"]["path"]
    assert _counts(factory) == before
    assert _caches() == caches


def test_the_result_says_what_happened(factory) -> None:  # type: ignore[no-untyped-def]
    result = trial.run_version(
        factory, _designer(factory), "complaint", 1, _shipped("sla_breach_escalates")
    )
    assert [s.status for s in result.steps] == [
        "screening", "referred", "in_progress", "in_progress", "in_progress", "under_review"
    ]  # fmt: skip
    breach = result.steps[3]
    assert breach.completed == ["await_breach"] and "sla_breached" in breach.outbox
    assert [t["step"] for t in result.tasks] == ["review"] and result.tasks[0]["schema"]
    assert result.referrals == [{"agency": "mol", "name_th": "กระทรวงแรงงาน", "role": "lead"}]
    assert {"event": "case_received", "recipient": result.outbox[0]["recipient"]}.items() <= (
        result.outbox[0].items()
    )
    assert result.waiting == ["withdraw"] and result.active == ["review"]
    main = result.diagrams[0]
    assert main["process_id"] == "complaint" and "screen" in main["completed"]
    assert main["active"] == ["review"] and "<bpmn:definitions" in main["xml"]
    assert {d["process_id"] for d in result.diagrams} == {"complaint", "agency_handling"}


def test_a_draft_runs_as_a_version_that_never_stays(factory) -> None:  # type: ignore[no-untyped-def]
    designer = _designer(factory)
    first = _draft(factory, designer, "กลั่นกรอง แบบ ก")
    second = _draft(factory, designer, "กลั่นกรอง แบบ ข")
    plain = {"name": "open_only"}
    trial.run_draft(factory, designer, first, plain)  # the committed versions it reads, cached
    before, caches = _counts(factory), _caches()
    # On SQLite both runs store their version under the same id, rolled back in between:
    # the second must not be served the first one's parsed diagram from a cache.
    for draft_id, label in ((first, "กลั่นกรอง แบบ ก"), (second, "กลั่นกรอง แบบ ข")):
        result = trial.run_draft(factory, designer, draft_id, plain)
        assert result.passed and result.status == "screening"
        assert [t["name_th"] for t in result.tasks] == [label]
    assert _counts(factory) == before
    assert _caches() == caches
    with factory() as session:
        assert (
            session.scalar(select(func.count()).select_from(ProcessDefinition))
            == before["process_definitions"]
        )


def test_a_failing_step_stops_the_run_and_names_step_and_element(factory) -> None:  # type: ignore[no-untyped-def]
    document = {
        "name": "wrong_order",
        "steps": [{"complete": "review", "data": {}}, {"message": "withdraw"}],
    }
    result = trial.run_version(factory, _designer(factory), "complaint", 1, document)
    assert not result.passed and len(result.steps) == 2  # the start, then the failing step
    failed = result.failed
    assert failed is not None and failed.index == 0 and failed.label == "complete review"
    assert "«review» is not open now" in failed.message_en and "screen" in failed.message_en
    assert "review" in failed.message_th
    assert result.status == "screening" and [t["step"] for t in result.tasks] == ["screen"]


def test_bad_form_data_gets_the_officials_errors(factory) -> None:  # type: ignore[no-untyped-def]
    document = {"name": "bad_form", "steps": [{"complete": "screen", "data": {"decision": "x"}}]}
    result = trial.run_version(factory, _designer(factory), "complaint", 1, document)
    failed = result.failed
    assert failed is not None and set(failed.errors) == {"decision"}
    th, en = failed.errors["decision"]
    assert th and en and th != en
    assert result.status == "screening"


def test_a_message_nothing_waits_for_is_a_clear_failure(factory) -> None:  # type: ignore[no-untyped-def]
    document = {"name": "early", "steps": [{"message": "info_provided"}]}
    result = trial.run_version(factory, _designer(factory), "complaint", 1, document)
    assert "not waiting for «info_provided»" in result.failed.message_en


def test_a_draft_that_does_not_deploy_says_why(factory) -> None:  # type: ignore[no-untyped-def]
    designer = _designer(factory)
    draft_id = _draft(factory, designer)
    with factory.begin() as session:
        draft = session.get(ProcessDraft, draft_id)
        draft.files = {"complaint.bpmn": "<not xml"}
    result = trial.run_draft(factory, designer, draft_id, {"name": "x"})
    assert result.failed.kind == "start" and result.failed.message_en
    assert result.path == [] and result.status is None


def test_only_designers_and_admins_run_scenarios(factory, staff) -> None:  # type: ignore[no-untyped-def]
    for who in ("screener", "supervisor", "executive", "labour"):
        with pytest.raises(PermissionDenied):
            trial.run_version(factory, staff[who], "complaint", 1, {"name": "x"})
    assert trial.run_version(factory, staff["admin"], "complaint", 1, {"name": "x"}).passed


def test_scenarios_are_kept_on_the_draft_without_moving_its_lock(factory, clock) -> None:  # type: ignore[no-untyped-def]
    designer = _designer(factory)
    draft_id = _draft(factory, designer)
    with factory.begin() as session:
        lock = session.get(ProcessDraft, draft_id).lock
        scenarios.store(session, clock(), designer, draft_id, {"name": "mine", "steps": []})
    with factory.begin() as session:
        draft = session.get(ProcessDraft, draft_id)
        assert draft.lock == lock and "mine" in draft.scenarios
        assert set(draft.scenarios) >= {"refer_agency_and_close", "mine"}  # v1's came along
        scenarios.remove(session, clock(), designer, draft_id, "mine")
    with factory.begin() as session:
        assert "mine" not in session.get(ProcessDraft, draft_id).scenarios
        actions = session.scalars(select(AuditEvent.action)).all()
        assert {"process_scenario_saved", "process_scenario_deleted"} <= set(actions)


def test_deploying_a_draft_keeps_its_scenarios_on_the_version(factory, clock) -> None:  # type: ignore[no-untyped-def]
    designer = _designer(factory)
    draft_id = _draft(factory, designer, "กลั่นกรอง ใหม่")
    with factory.begin() as session:
        scenarios.store(session, clock(), designer, draft_id, {"name": "mine"})
        request = drafts.deploy(session, clock(), designer, draft_id, note="ทดสอบ")
    with factory() as session:
        stored = session.scalar(
            select(ProcessDefinition).where(
                ProcessDefinition.process_id == "complaint",
                ProcessDefinition.version == request.version,
            )
        )
        assert "mine" in stored.scenarios and "sla_breach_escalates" in stored.scenarios
        shipped = session.scalar(
            select(ProcessDefinition).where(
                ProcessDefinition.process_id == "complaint", ProcessDefinition.version == 1
            )
        )
        assert set(shipped.scenarios) == set(scenarios.read_shipped("complaint"))
