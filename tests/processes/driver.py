"""Drive processes/complaint.bpmn through SpiffWorkflow 3.2.0 directly, and the paths to drive.

A `Driver` owns one workflow instance, fakes the engine's helper functions (recording what the
scripts asked for) and can serialize and restore the workflow after every step, as the engine
does between requests. `SCENARIOS` lists every path through the diagrams as plain functions of a
driver, so any other harness exposing the same small interface (`ready`, `lane_of`, `complete`,
`send`, `pass_time`, `status`, `resolution`, `end_event`, `ended`, `data`, `referrals`,
`notifications`, `waiting_messages`) can replay them, for example the engine's own tests through
its services.

What SpiffWorkflow 3.2.0 needs from a harness (found while writing these):
- Messages must be built with `SpiffWorkflow.spiff.specs.event_definitions.MessageEventDefinition`
  when the diagrams were parsed by SpiffBpmnParser: event definitions compare their classes, so
  the base `SpiffWorkflow.bpmn...MessageEventDefinition` matches nothing ("not waiting for ...").
  The payload is ignored (no spiffworkflow:messageVariable), which suits us: no free text in data.
- `waiting_events()` reports an event-based gateway as one nameless MultipleEventDefinition; its
  messages and timers are inside `task_spec.event_definition.event_definitions`, and the timer's
  fixed deadline is the gateway task's `internal_data["event_value"]`.
- Timers read the system clock: every step runs under `time_machine.travel(now, tick=False)`.
- The script engine is not serialized: set it again after every restore.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import time_machine
from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import EventBasedGateway
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
FILES = ("complaint.bpmn", "agency_handling.bpmn", "routing.dmn")
SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
POLICY = {"info_wait": "P30D", "reopen_window": "P14D"}
DEFAULT_AGENCIES = {"local_nuisance": "mpb"}
EPOCH = datetime(2026, 11, 2, 1, 30, tzinfo=UTC)  # a Monday, 08:30 in Bangkok
STATUSES = {"screening", "awaiting_information", "referred", "in_progress", "under_review"}
STATUSES |= {"resolved", "closed", "rejected", "withdrawn"}
# When several open elements carry a status (an agency task and a supervisor's), the first wins.
OPEN_STATUS_ORDER = ["awaiting_information", "screening", "under_review", "referred"]
OPEN_STATUS_ORDER += ["in_progress", "resolved"]

# What the engine puts into the workflow data when it opens a case.
START_DATA = {"category": "labour", "area_code": "500101", "province": "50", "channel": "web"}


def parser(replace: dict[str, etree._Element] | None = None) -> SpiffBpmnParser:
    """A parser holding the three process files (or replacements for some of them)."""
    p = SpiffBpmnParser()
    for name in FILES:
        xml = (replace or {}).get(name)
        xml = xml if xml is not None else etree.parse(str(PROCESSES / name)).getroot()
        if name.endswith(".dmn"):
            p.add_dmn_xml(xml, filename=name)
        else:
            p.add_bpmn_xml(xml, filename=name)
    return p


@cache
def specs() -> tuple[Any, dict[str, Any]]:
    """The complaint spec and its call activities' specs, parsed once and shared by every
    driver, as the engine shares one parsed definition between all its cases."""
    p = parser()
    return p.get_spec("complaint"), p.get_subprocess_specs("complaint")


class Helpers:
    """Fakes of the engine's helper functions that record every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def category_default_agency(self, category: str) -> str | None:
        self.calls.append(("category_default_agency", (category,)))
        return DEFAULT_AGENCIES.get(category)

    def refer_case(self, agency_code: str, role: str) -> None:
        self.calls.append(("refer_case", (agency_code, role)))

    def notify(self, event_name: str) -> None:
        self.calls.append(("notify", (event_name,)))

    def policy_duration(self, name: str) -> str:
        self.calls.append(("policy_duration", (name,)))
        return POLICY[name]

    def globals(self) -> dict[str, Callable[..., Any]]:
        return {
            "category_default_agency": self.category_default_agency,
            "refer_case": self.refer_case,
            "notify": self.notify,
            "policy_duration": self.policy_duration,
        }


EngineFactory = Callable[[dict[str, Callable[..., Any]]], PythonScriptEngine]


def plain_engine(helpers: dict[str, Callable[..., Any]]) -> PythonScriptEngine:
    """SpiffWorkflow's own engine with the helpers as globals."""
    return PythonScriptEngine(environment=TaskDataEnvironment(helpers))


def _props(spec: Any) -> dict[str, str]:
    return getattr(spec, "extensions", {}).get("properties", {})


class Driver:
    """One complaint workflow, moved only through what the engine can do to it."""

    def __init__(
        self,
        serialize: bool = False,
        engine: EngineFactory = plain_engine,
        parsed: tuple[Any, dict[str, Any]] | None = None,
        **data: Any,
    ) -> None:
        self.serialize = serialize
        self.engine = engine
        self.helpers = Helpers()
        self.now = EPOCH
        self.restores = 0
        spec, subprocess_specs = parsed or specs()
        with self._clock():
            self.wf = BpmnWorkflow(spec, subprocess_specs, script_engine=self._script_engine())
            for task in self.wf.get_tasks(state=TaskState.READY):
                task.set_data(**{**START_DATA, **data})
            self.wf.do_engine_steps()
        self._settle()

    # -- moving the workflow -------------------------------------------------------------------

    def _script_engine(self) -> PythonScriptEngine:
        return self.engine(self.helpers.globals())

    def _clock(self) -> time_machine.travel:
        return time_machine.travel(self.now, tick=False)

    def _settle(self) -> None:
        """Check the invariants, then save and restore as the engine does between requests."""
        assert self.status() in STATUSES, f"no status: open {self.ready()}, ended {self.ended}"
        if self.serialize:
            text = json.dumps(SERIALIZER.to_dict(self.wf))
            self.wf = SERIALIZER.from_dict(json.loads(text))
            self.wf.script_engine = self._script_engine()  # the engine is not serialized
            self.restores += 1

    def ready_tasks(self, name: str | None = None) -> list[Any]:
        tasks = self.wf.get_tasks(state=TaskState.READY, manual=True)
        return [t for t in tasks if name is None or t.task_spec.name == name]

    def ready(self) -> list[str]:
        """The ids of the open user tasks, sorted."""
        return sorted(t.task_spec.name for t in self.ready_tasks())

    def lane_of(self, name: str) -> str:
        return self.ready_tasks(name)[0].task_spec.lane

    def complete(self, name: str, **data: Any) -> None:
        """Submit the form of the one open user task with this id."""
        tasks = self.ready_tasks(name)
        assert len(tasks) == 1, f"{name} is not open (open: {self.ready()})"
        with self._clock():
            tasks[0].set_data(**data)
            tasks[0].run()
            self.wf.do_engine_steps()
        self._settle()

    def send(self, message: str) -> None:
        """Deliver a message from outside (citizen, agency system, SLA sweep)."""
        with self._clock():
            self.wf.send_event(BpmnEvent(MessageEventDefinition(message), {}))
            self.wf.do_engine_steps()
        self._settle()

    def pass_time(self, days: float) -> None:
        """Move the clock forward, then sweep the timers as the engine's scheduler does."""
        self.now += timedelta(days=days)
        with self._clock():
            self.wf.refresh_timers()
            self.wf.do_engine_steps()
        self._settle()

    # -- reading it ----------------------------------------------------------------------------

    def _waiting_events(self) -> list[tuple[Any, Any]]:
        """(task, event definition) for every event the workflow waits for, gateways opened."""
        found = []
        for task in self.wf.get_tasks(state=TaskState.WAITING):
            definition = getattr(task.task_spec, "event_definition", None)
            for d in getattr(definition, "event_definitions", None) or [definition]:
                if d is not None and d.name is not None:
                    found.append((task, d))
        return found

    def waiting_messages(self) -> list[str]:
        return sorted(
            d.name for _, d in self._waiting_events() if isinstance(d, MessageEventDefinition)
        )

    def timer_deadlines(self) -> list[str]:
        """When the waiting timers fire (ISO 8601, UTC), fixed when first checked."""
        return sorted(
            t.internal_data["event_value"]
            for t, d in self._waiting_events()
            if isinstance(d, TimerEventDefinition) and "event_value" in t.internal_data
        )

    @property
    def ended(self) -> bool:
        return self.wf.is_completed()

    @property
    def data(self) -> dict[str, Any]:
        """The workflow data: the finished workflow's, or the last completed task's."""
        if self.ended:
            return self.wf.data
        return self.wf.last_task.data if self.wf.last_task else {}

    def _ended_at(self) -> Any:
        ended = [
            t
            for t in self.wf.get_tasks(state=TaskState.COMPLETED)
            if isinstance(t.task_spec, EndEvent) and "status" in _props(t.task_spec)
        ]
        assert len(ended) <= 1, [t.task_spec.name for t in ended]
        return ended[0].task_spec if ended and self.ended else None

    def end_event(self) -> str | None:
        """The id of the end event that finished the case (the one with a `status`)."""
        spec = self._ended_at()
        return spec.name if spec else None

    def status(self) -> str | None:
        """The case status: the end event's, or that of the open tasks and awaited events."""
        spec = self._ended_at()
        if spec is not None:
            return _props(spec)["status"]
        found = set()
        for t in self.wf.get_tasks(state=TaskState.READY | TaskState.WAITING):
            found.add(_props(t.task_spec).get("status"))
            if isinstance(t.task_spec, EventBasedGateway):  # its events carry the status
                found.update(_props(out).get("status") for out in t.task_spec.outputs)
        return next((s for s in OPEN_STATUS_ORDER if s in found), None)

    def resolution(self) -> str | None:
        spec = self._ended_at()
        return _props(spec).get("resolution") if spec else None

    @property
    def referrals(self) -> list[tuple[str, str]]:
        return [args for name, args in self.helpers.calls if name == "refer_case"]

    @property
    def notifications(self) -> list[str]:
        return [args[0] for name, args in self.helpers.calls if name == "notify"]


# ---------------------------------------------------------------------------------------------
# The paths. Each takes a fresh driver (started with START_DATA: category labour, province 50).


def refer_to_agency(d: Driver, **screen: Any) -> None:
    d.complete("screen", decision="refer", **screen)
    assert d.ready() == ["agency_acknowledge"], d.ready()
    assert d.status() == "referred"


def acknowledge(d: Driver) -> None:
    d.complete("agency_acknowledge")
    assert d.ready() == ["agency_handle"]
    assert d.status() == "in_progress"


def resolved_by_agency(d: Driver) -> None:
    refer_to_agency(d)
    acknowledge(d)
    d.complete("agency_handle", action="result")
    assert d.ready() == ["review"]
    d.complete("review", review_decision="accept")
    assert d.ready() == [] and d.status() == "resolved"


def reject(d: Driver) -> None:
    assert d.ready() == ["screen"] and d.status() == "screening"
    assert d.lane_of("screen") == "screener"
    d.complete("screen", decision="reject")
    assert d.ended and d.end_event() == "rejected" and d.status() == "rejected"
    assert d.notifications == ["case_received", "case_rejected"]


def duplicate(d: Driver) -> None:
    d.complete("screen", decision="duplicate", duplicate_of="CM-2569-000123")
    assert d.ended and d.end_event() == "duplicate"
    assert (d.status(), d.resolution()) == ("closed", "duplicate")
    assert d.data["duplicate_of"] == "CM-2569-000123"


def resolve_then_window_closes(d: Driver) -> None:
    d.complete("screen", decision="resolve")
    assert d.ready() == [] and d.status() == "resolved"
    assert d.notifications[-2:] == ["result_ready", "rating_requested"]
    assert d.waiting_messages() == ["reopen", "withdraw"]
    assert d.timer_deadlines() == ["2026-11-16T01:30:00+00:00"]  # EPOCH + P14D
    d.pass_time(13)
    assert not d.ended
    d.pass_time(1.01)  # reopen_window is P14D in the fakes
    assert d.ended and d.end_event() == "closed"
    assert (d.status(), d.resolution()) == ("closed", "resolved")
    assert d.referrals == []


def request_info_then_provided(d: Driver) -> None:
    d.complete("screen", decision="request_info")
    assert d.ready() == [] and d.status() == "awaiting_information"
    assert d.notifications[-1] == "info_requested"
    d.pass_time(29)
    d.send("info_provided")
    assert d.ready() == ["screen"] and d.status() == "screening"
    d.pass_time(5)  # the info_wait timer was cancelled with the event-based gateway
    assert d.ready() == ["screen"]
    d.complete("screen", decision="reject")
    assert d.end_event() == "rejected"


def request_info_times_out(d: Driver) -> None:
    d.complete("screen", decision="request_info")
    d.pass_time(29.9)
    assert not d.ended and d.status() == "awaiting_information"
    d.pass_time(0.2)
    assert d.ended and d.end_event() == "closed_no_response"
    assert (d.status(), d.resolution()) == ("closed", "no_response")


def full_cycle_with_reopen(d: Driver) -> None:
    refer_to_agency(d)
    assert d.data["routed_agency"] == "mol"  # from routing.dmn
    assert d.referrals == [("mol", "lead")]
    assert d.lane_of("agency_acknowledge") == "agency_officer"
    acknowledge(d)
    d.complete("agency_handle", action="progress")
    d.complete("agency_handle", action="progress")
    assert d.notifications.count("progress_reported") == 2
    assert d.ready() == ["agency_handle"]
    d.complete("agency_handle", action="result")
    assert d.ready() == ["review"] and d.status() == "under_review"
    assert d.data["agency_outcome"] == "result"
    d.complete("review", review_decision="accept")
    assert d.status() == "resolved" and d.notifications[-1] == "rating_requested"
    d.pass_time(3)
    d.send("reopen")
    assert d.ready() == ["screen"] and d.notifications[-1] == "case_reopened"
    assert d.data["decision"] is None and d.data["agency"] is None
    # Reopened: a second referral must be acknowledged again by the agency.
    refer_to_agency(d)
    assert d.referrals == [("mol", "lead"), ("mol", "lead")]
    acknowledge(d)
    d.complete("agency_handle", action="result")
    d.complete("review", review_decision="accept")
    d.pass_time(15)
    assert d.end_event() == "closed"


def refer_manual_agency(d: Driver) -> None:
    refer_to_agency(d, agency="dla")
    assert d.referrals == [("dla", "lead")]


def refer_police_in_bangkok(d: Driver) -> None:  # started with police, province 10
    refer_to_agency(d)
    assert d.data["routed_agency"] == "mpb"
    assert d.referrals == [("mpb", "lead")]


def refer_police_elsewhere(d: Driver) -> None:  # started with police, province 50
    refer_to_agency(d)
    assert d.referrals == [("rtp", "lead")]


def refer_by_category_default(d: Driver) -> None:
    refer_to_agency(d, category="local_nuisance")
    assert d.data["routed_agency"] is None
    assert ("category_default_agency", ("local_nuisance",)) in d.helpers.calls
    assert d.referrals == [("mpb", "lead")]


def refer_without_route(d: Driver) -> None:
    d.complete("screen", decision="refer", category="other")
    assert d.ready() == ["screen"] and d.status() == "screening"
    assert d.data["routing_failed"] is True and d.referrals == []
    refer_to_agency(d, agency="dla")  # the screener picks the agency by hand
    assert d.data["routing_failed"] is False
    assert d.referrals == [("dla", "lead")]


def agency_declines(d: Driver) -> None:
    refer_to_agency(d)
    d.complete("agency_acknowledge")
    d.complete("agency_handle", action="decline")
    assert d.ready() == ["screen"] and d.status() == "screening"
    assert d.notifications[-1] == "referral_declined"
    assert d.data["agency"] is None and d.data["agency_outcome"] == "declined"
    refer_to_agency(d, agency="dla")  # a new referral is acknowledged afresh
    assert d.referrals == [("mol", "lead"), ("dla", "lead")]


def declined_then_unrouted_category(d: Driver) -> None:
    # routing.dmn's last row (any category) sets routed_agency = None, so a stale route from
    # an earlier referral never leaks into the next one.
    refer_to_agency(d)
    acknowledge(d)
    d.complete("agency_handle", action="decline")
    assert d.data["routed_agency"] == "mol"
    d.complete("screen", decision="refer", category="other")
    assert d.data["routed_agency"] is None and d.data["routing_failed"] is True
    assert d.ready() == ["screen"] and d.referrals == [("mol", "lead")]


def agency_asks_center(d: Driver) -> None:
    refer_to_agency(d)
    acknowledge(d)
    d.complete("agency_handle", action="info_request")
    assert d.ready() == ["answer_agency"] and d.lane_of("answer_agency") == "screener"
    assert d.status() == "in_progress"
    d.complete("answer_agency")
    assert d.ready() == ["agency_handle"]
    d.complete("agency_handle", action="result")
    assert d.ready() == ["review"]


def agency_forwards(d: Driver) -> None:
    refer_to_agency(d)
    acknowledge(d)
    d.complete("agency_handle", action="forward", agency="dla")
    assert d.referrals == [("mol", "lead"), ("dla", "lead")]
    assert d.ready() == ["agency_acknowledge"] and d.status() == "referred"
    acknowledge(d)
    d.complete("agency_handle", action="result")
    assert d.ready() == ["review"]


def agency_invites_co_handler(d: Driver) -> None:
    refer_to_agency(d)
    acknowledge(d)
    d.complete("agency_handle", action="invite", agency="dol")
    assert d.referrals == [("mol", "lead"), ("dol", "co_handler")]
    assert d.ready() == ["agency_handle"]


def review_sends_back(d: Driver) -> None:
    refer_to_agency(d)
    acknowledge(d)
    d.complete("agency_handle", action="result")
    d.complete("review", review_decision="send_back")
    # Back to the same agency, already acknowledged: straight to handling.
    assert d.ready() == ["agency_handle"] and d.status() == "in_progress"
    assert d.data["agency_outcome"] is None
    assert d.referrals == [("mol", "lead")]
    d.complete("agency_handle", action="result")
    d.complete("review", review_decision="accept")
    assert d.status() == "resolved"


def sla_breached_while_handling(d: Driver) -> None:
    refer_to_agency(d)
    acknowledge(d)
    assert "sla_breached" in d.waiting_messages()
    d.send("sla_breached")
    assert d.ready() == ["agency_handle", "supervise"]
    assert d.lane_of("supervise") == "supervisor"
    assert "sla_breached" not in d.waiting_messages()  # fires once per task instance
    d.complete("supervise", supervisor_action="remind")
    assert d.ready() == ["agency_handle"]
    d.complete("agency_handle", action="progress")
    d.send("sla_breached")  # the next agency_handle is watched again
    d.complete("supervise", supervisor_action="extend")
    d.complete("agency_handle", action="result")
    assert d.ready() == ["review"]


def sla_breached_before_acknowledgement(d: Driver) -> None:
    refer_to_agency(d)
    d.send("sla_breached")
    assert d.ready() == ["agency_acknowledge", "supervise"]
    d.complete("supervise", supervisor_action="escalate")
    assert d.ready() == ["agency_acknowledge"]


def agency_reports_while_supervisor_open(d: Driver) -> None:
    # The agency's result ends the called process with a terminate end event: the
    # supervisor's open task is cancelled and the agency's data reaches the center. (With a
    # plain end event the call activity would wait for the supervisor, then return the
    # supervisor branch's stale data: see test_spiff__quirks.)
    refer_to_agency(d)
    acknowledge(d)
    d.send("sla_breached")
    d.complete("agency_handle", action="result")
    assert d.ready() == ["review"]
    assert d.data["agency_outcome"] == "result"


def supervisor_closes_unresolvable(d: Driver) -> None:
    refer_to_agency(d)
    acknowledge(d)
    d.send("sla_breached")
    d.complete("supervise", supervisor_action="close_unresolvable")
    # A terminate end event in the called process ends only the called process (cancelling
    # the agency's open task); the call activity completes and the caller goes on.
    assert d.ready() == []
    assert d.ended and d.end_event() == "closed_unresolvable"
    assert (d.status(), d.resolution()) == ("closed", "unresolvable")
    assert d.notifications[-1] == "case_closed_unresolvable"


def supervisor_reassigns(d: Driver) -> None:
    refer_to_agency(d)
    d.send("sla_breached")
    d.complete("supervise", supervisor_action="reassign", agency="dla")
    assert d.referrals == [("mol", "lead"), ("dla", "lead")]
    assert d.ready() == ["agency_acknowledge"]  # the task stays; the new lead agency works it
    acknowledge(d)
    d.complete("agency_handle", action="result")
    assert d.ready() == ["review"]


def withdraw_while_screening(d: Driver) -> None:
    assert "withdraw" in d.waiting_messages()
    d.send("withdraw")
    assert d.ended and d.end_event() == "withdrawn" and d.status() == "withdrawn"
    assert d.ready() == []


def withdraw_while_agency_handles(d: Driver) -> None:
    # SpiffWorkflow keeps the waiting events of the caller and of the called process in one
    # event manager, so `withdraw` (a catch event on complaint's parallel listener branch) is
    # caught while the token is inside the call activity `handle`; the terminate end event
    # `withdrawn` then cancels `handle` with its called process (open tasks, boundary events).
    # An event sub-process would not do: 3.2.0 never interrupts with one (test_spiff__quirks).
    refer_to_agency(d)
    acknowledge(d)
    d.send("sla_breached")
    assert d.ready() == ["agency_handle", "supervise"]
    d.send("withdraw")
    assert d.ended and d.end_event() == "withdrawn" and d.status() == "withdrawn"
    assert d.ready() == [] and d.waiting_messages() == []
    assert not d.wf.get_active_subprocesses()


def withdraw_while_awaiting_information(d: Driver) -> None:
    d.complete("screen", decision="request_info")
    d.send("withdraw")
    assert d.end_event() == "withdrawn"
    d.pass_time(40)  # the cancelled timer never fires
    assert d.end_event() == "withdrawn"


def withdraw_while_under_review(d: Driver) -> None:
    refer_to_agency(d)
    acknowledge(d)
    d.complete("agency_handle", action="result")
    d.send("withdraw")
    assert d.end_event() == "withdrawn" and d.ready() == []


def withdraw_while_resolved(d: Driver) -> None:
    d.complete("screen", decision="resolve")
    d.pass_time(2)
    d.send("withdraw")
    assert d.ended and d.end_event() == "withdrawn" and d.status() == "withdrawn"
    d.pass_time(30)
    assert d.end_event() == "withdrawn"


@dataclass(frozen=True)
class Scenario:
    name: str
    run: Callable[[Driver], None]
    start: dict[str, Any] | None = None


SCENARIOS = [
    Scenario("reject", reject),
    Scenario("duplicate", duplicate),
    Scenario("resolve_then_window_closes", resolve_then_window_closes),
    Scenario("request_info_then_provided", request_info_then_provided),
    Scenario("request_info_times_out", request_info_times_out),
    Scenario("full_cycle_with_reopen", full_cycle_with_reopen),
    Scenario("resolved_by_agency", resolved_by_agency),
    Scenario("refer_manual_agency", refer_manual_agency),
    Scenario(
        "refer_police_in_bangkok", refer_police_in_bangkok, {"category": "police", "province": "10"}
    ),
    Scenario("refer_police_elsewhere", refer_police_elsewhere, {"category": "police"}),
    Scenario("refer_by_category_default", refer_by_category_default),
    Scenario("refer_without_route", refer_without_route),
    Scenario("agency_declines", agency_declines),
    Scenario("declined_then_unrouted_category", declined_then_unrouted_category),
    Scenario("agency_asks_center", agency_asks_center),
    Scenario("agency_forwards", agency_forwards),
    Scenario("agency_invites_co_handler", agency_invites_co_handler),
    Scenario("review_sends_back", review_sends_back),
    Scenario("sla_breached_while_handling", sla_breached_while_handling),
    Scenario("sla_breached_before_acknowledgement", sla_breached_before_acknowledgement),
    Scenario("agency_reports_while_supervisor_open", agency_reports_while_supervisor_open),
    Scenario("supervisor_closes_unresolvable", supervisor_closes_unresolvable),
    Scenario("supervisor_reassigns", supervisor_reassigns),
    Scenario("withdraw_while_screening", withdraw_while_screening),
    Scenario("withdraw_while_agency_handles", withdraw_while_agency_handles),
    Scenario("withdraw_while_awaiting_information", withdraw_while_awaiting_information),
    Scenario("withdraw_while_under_review", withdraw_while_under_review),
    Scenario("withdraw_while_resolved", withdraw_while_resolved),
]
