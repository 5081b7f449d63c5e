"""Every path through complaint.bpmn and agency_handling.bpmn, run on raw SpiffWorkflow twice:
straight through, and with the workflow serialized and restored after every step."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from SpiffWorkflow.util.task import TaskState

from engine.clock import MovableClock
from engine.workflow import definitions, materialize, spiff
from engine.workflow.scripting import make_script_engine


@dataclass
class Recorder:
    """Fake helpers that record what the scripts asked for."""

    referrals: list[tuple[str, str]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    def helpers(self) -> dict:
        return {
            "category_default_agency": lambda c: "dla" if c == "local_nuisance" else None,
            "refer_case": lambda agency, role="lead": self.referrals.append((agency, role)),
            "notify": self.notices.append,
            "policy_duration": lambda name: "P30D",
            "province_of": lambda code: code[:2],
        }


class Driver:
    """Runs a case's workflow step by step, optionally saving and restoring between steps."""

    def __init__(self, restore: bool, category: str = "labour", province: str = "50") -> None:
        self.parsed = spiff.parse(definitions.read_process_files(), "complaint")
        self.restore, self.clock, self.rec = restore, MovableClock(), Recorder()
        self.engine = make_script_engine(self.rec.helpers())
        with spiff.running_at(self.clock):
            self.wf = spiff.new_workflow(self.parsed, self.engine)
            for task in self.wf.get_tasks(state=TaskState.READY):
                task.set_data(
                    category=category, province=province, area_code=province + "01", channel="web"
                )
            self._settle()

    def _settle(self) -> None:
        self.wf.refresh_timers()
        self.wf.do_engine_steps()
        materialize.end_if_final(self.wf)
        if self.restore:
            blob = spiff.dump_state(self.wf)
            self.wf = spiff.load_state(self.parsed, blob, self.engine)

    def ready(self) -> list[str]:
        return sorted(
            t.task_spec.name for t in self.wf.get_tasks(state=TaskState.READY, manual=True)
        )

    def do(self, step: str, **data: object) -> Driver:
        [task] = [
            t
            for t in self.wf.get_tasks(state=TaskState.READY, manual=True)
            if t.task_spec.name == step
        ]
        with spiff.running_at(self.clock):
            task.set_data(**data)
            task.run()
            self._settle()
        return self

    def send(self, message: str) -> Driver:
        with spiff.running_at(self.clock):
            self.wf.send_event(spiff.message_event(message))
            self._settle()
        return self

    def wait(self, days: int) -> Driver:
        self.clock.advance(days=days)
        with spiff.running_at(self.clock):
            self._settle()
        return self

    @property
    def status(self) -> tuple[str | None, str | None]:
        return materialize.derive_status(self.wf)


def referred(d: Driver) -> Driver:
    return d.do("screen", decision="refer").do("agency_acknowledge")


PATHS = {
    "reject": (lambda d: d.do("screen", decision="reject"), ("rejected", None), []),
    "duplicate": (
        lambda d: d.do("screen", decision="duplicate", duplicate_of="ABCD-EFGH-JKM"),
        ("closed", "duplicate"),
        [],
    ),
    "resolve_then_window_closes": (
        lambda d: d.do("screen", decision="resolve").wait(31),
        ("closed", "resolved"),
        [],
    ),
    "resolve_then_reopen": (
        lambda d: d.do("screen", decision="resolve").send("reopen"),
        ("screening", None),
        [],
    ),
    "info_provided": (
        lambda d: d.do("screen", decision="request_info").send("info_provided"),
        ("screening", None),
        [],
    ),
    "info_timeout": (
        lambda d: d.do("screen", decision="request_info").wait(31),
        ("closed", "no_response"),
        [],
    ),
    "refer_by_dmn_to_result_accepted": (
        lambda d: (
            referred(d)
            .do("agency_handle", action="progress")
            .do("agency_handle", action="progress")
            .do("agency_handle", action="result")
            .do("review", review_decision="accept")
        ),
        ("resolved", None),
        [("mol", "lead")],
    ),
    "refer_by_hand": (
        lambda d: d.do("screen", decision="refer", agency="moph"),
        ("referred", None),
        [("moph", "lead")],
    ),
    "no_route_back_to_screening": (
        lambda d: d.do("screen", decision="refer", category="other"),
        ("screening", None),
        [],
    ),
    "decline_back_to_screening": (
        lambda d: referred(d).do("agency_handle", action="decline"),
        ("screening", None),
        [("mol", "lead")],
    ),
    "agency_asks_the_center": (
        lambda d: referred(d).do("agency_handle", action="info_request").do("answer_agency"),
        ("in_progress", None),
        [("mol", "lead")],
    ),
    "forward": (
        lambda d: referred(d).do("agency_handle", action="forward", agency="dol"),
        ("referred", None),
        [("mol", "lead"), ("dol", "lead")],
    ),
    "invite": (
        lambda d: referred(d).do("agency_handle", action="invite", agency="dla"),
        ("in_progress", None),
        [("mol", "lead"), ("dla", "co_handler")],
    ),
    "send_back": (
        lambda d: (
            referred(d)
            .do("agency_handle", action="result")
            .do("review", review_decision="send_back")
        ),
        ("in_progress", None),
        [("mol", "lead")],
    ),
    "sla_breach_then_reassign": (
        lambda d: (
            referred(d)
            .send("sla_breached")
            .do("supervise", supervisor_action="reassign", agency="dla")
        ),
        ("in_progress", None),
        [("mol", "lead"), ("dla", "lead")],
    ),
    "sla_breach_close_unresolvable": (
        lambda d: (
            referred(d).send("sla_breached").do("supervise", supervisor_action="close_unresolvable")
        ),
        ("closed", "unresolvable"),
        [("mol", "lead")],
    ),
    "withdraw_while_screening": (lambda d: d.send("withdraw"), ("withdrawn", None), []),
    "withdraw_inside_agency_handling": (
        lambda d: referred(d).send("withdraw"),
        ("withdrawn", None),
        [("mol", "lead")],
    ),
    "withdraw_while_resolved": (
        lambda d: d.do("screen", decision="resolve").send("withdraw"),
        ("withdrawn", None),
        [],
    ),
}


@pytest.mark.parametrize("restore", [False, True], ids=["straight", "restored"])
@pytest.mark.parametrize("name", sorted(PATHS))
def test_path(name: str, restore: bool) -> None:
    drive, expected_status, expected_referrals = PATHS[name]
    driver = drive(Driver(restore))
    assert driver.status == expected_status
    assert driver.rec.referrals == expected_referrals
    if expected_status[0] in ("closed", "rejected", "withdrawn"):
        assert driver.ready() == []


@pytest.mark.parametrize("restore", [False, True], ids=["straight", "restored"])
def test_breach_opens_supervisor_task_without_cancelling_the_agency(restore: bool) -> None:
    driver = referred(Driver(restore)).send("sla_breached")
    assert driver.ready() == ["agency_handle", "supervise"]
    assert driver.status == ("in_progress", None)
    driver.do("supervise", supervisor_action="remind")
    assert driver.ready() == ["agency_handle"]


@pytest.mark.parametrize("restore", [False, True], ids=["straight", "restored"])
def test_police_in_bangkok_route_to_the_metropolitan_police(restore: bool) -> None:
    driver = Driver(restore, category="police", province="10").do("screen", decision="refer")
    assert driver.rec.referrals == [("mpb", "lead")]
    elsewhere = Driver(restore, category="police", province="50").do("screen", decision="refer")
    assert elsewhere.rec.referrals == [("rtp", "lead")]


def test_category_default_agency_when_no_rule_matches() -> None:
    driver = Driver(False, category="local_nuisance").do("screen", decision="refer")
    assert driver.rec.referrals == [("dla", "lead")]


def test_notifications_follow_the_lifecycle() -> None:
    driver = referred(Driver(True)).do("agency_handle", action="progress")
    driver.do("agency_handle", action="result").do("review", review_decision="accept")
    assert driver.rec.notices == [
        "case_received",
        "progress_reported",
        "result_ready",
        "rating_requested",
    ]


def test_reopen_window_is_thirty_days_on_the_injected_clock() -> None:
    driver = Driver(False).do("screen", decision="resolve")
    # The withdrawal listener waits too; the reopen timer sits on the event-based gateway.
    [waiting] = [
        t
        for t in driver.wf.get_tasks(state=TaskState.WAITING)
        if t.task_spec.name == "resolved_wait"
    ]
    fire_at = materialize._timer_fire_time(waiting)
    assert fire_at - driver.clock() == timedelta(days=30)
