"""What SpiffWorkflow 3.2.0 does that shaped the diagrams. If one of these starts failing after
an upgrade, SpiffWorkflow changed: revisit the design decision named in the test.

1. Event sub-processes never interrupt. `isInterrupting` is not read: a message start event
   starts the event sub-process beside the main flow, which carries on, and the process cannot
   complete while the sub-process's branch is open. Triggering one also rewires the *parsed
   spec* (BpmnStartTask.trigger_wf connects Start to the sub-process), so every later instance
   built from that shared spec starts the sub-process at once and waits for it to end.
   => complaint.bpmn has no event sub-process: `withdraw` is an intermediate message catch
   event on a parallel branch opened at the start, and `withdrawn` is a terminate end event;
   every other end event of the complaint terminates too, which ends the waiting branch.
2. One event manager for the whole tree: a message reaches a catch event of the caller while
   the token is inside the call activity, and a terminate end event in the caller cancels the
   call activity with its called process (open user tasks, waiting boundary events).
3. A terminate end event in a called process ends only that called process (its open tasks are
   cancelled); the call activity then completes and copies the data of that end event's task
   back to the caller (`update_data` takes `subworkflow.last_task.data`).
4. A plain end event in a called process whose other branch is still open (a supervisor's
   task opened by a non-interrupting boundary event) leaves the call activity open; when the
   other branch ends later, its (stale) data is what returns to the caller.
   => `result_reported` and `declined_end` in agency_handling.bpmn are terminate end events.
5. With SpiffBpmnParser, messages are `SpiffWorkflow.spiff.specs.event_definitions.
   MessageEventDefinition`; event definitions compare classes, so a message built from the base
   class in `SpiffWorkflow.bpmn.specs.event_definitions` matches nothing.
6. The catch events after an event-based gateway lose their event definitions to the gateway;
   `waiting_events()` shows the gateway as one nameless MultipleEventDefinition.
"""

from __future__ import annotations

import copy

import pytest
from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.message import (
    MessageEventDefinition as BaseMessageEventDefinition,
)
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from tests.processes import driver as drv
from tests.processes.driver import PROCESSES, SCENARIOS, SERIALIZER, Driver

EVENT_SUBPROCESS = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"
    targetNamespace="https://damrong.go.th/test">
  <bpmn:message id="message_stop" name="stop"/>
  <bpmn:process id="main" isExecutable="true">
    <bpmn:startEvent id="begin"/>
    <bpmn:userTask id="wait"/>
    <bpmn:endEvent id="done"/>
    <bpmn:sequenceFlow id="f1" sourceRef="begin" targetRef="wait"/>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="done"/>
    <bpmn:subProcess id="stopping" triggeredByEvent="true">
      <bpmn:startEvent id="stop" isInterrupting="true">
        <bpmn:messageEventDefinition messageRef="message_stop"/>
      </bpmn:startEvent>
      <bpmn:endEvent id="stopped"/>
      <bpmn:sequenceFlow id="f3" sourceRef="stop" targetRef="stopped"/>
    </bpmn:subProcess>
  </bpmn:process>
</bpmn:definitions>"""


def _ready(wf: BpmnWorkflow) -> list[str]:
    return sorted(t.task_spec.name for t in wf.get_tasks(state=TaskState.READY, manual=True))


def test_1_event_subprocesses_neither_interrupt_nor_leave_the_spec_alone() -> None:
    parser = SpiffBpmnParser()
    parser.add_bpmn_xml(etree.fromstring(EVENT_SUBPROCESS), filename="main.bpmn")
    spec, subprocesses = parser.get_spec("main"), parser.get_subprocess_specs("main")
    assert [s.name for s in spec.start.outputs] == ["begin"]

    first = BpmnWorkflow(spec, subprocesses)
    first.do_engine_steps()
    first.send_event(BpmnEvent(MessageEventDefinition("stop"), {}))
    first.do_engine_steps()
    assert _ready(first) == ["wait"] and not first.is_completed()  # not interrupted
    assert [s.name for s in spec.start.outputs] == ["begin", "stopping"]  # the spec changed

    second = BpmnWorkflow(spec, subprocesses)  # a new case on the same parsed definition
    second.do_engine_steps()
    second.get_next_task(spec_name="wait").run()
    second.do_engine_steps()
    assert not second.is_completed()  # its main path ended, but it waits for "stopping"


def test_1_our_cases_leave_the_shared_spec_as_parsed() -> None:
    spec, subprocesses = drv.specs()
    before = SERIALIZER.to_dict(spec), {k: SERIALIZER.to_dict(v) for k, v in subprocesses.items()}
    for scenario in SCENARIOS:
        scenario.run(Driver(**(scenario.start or {})))
    after = SERIALIZER.to_dict(spec), {k: SERIALIZER.to_dict(v) for k, v in subprocesses.items()}
    assert after == before


def test_2_withdraw_inside_the_call_activity_cancels_the_called_process() -> None:
    d = Driver()
    d.complete("screen", decision="refer")
    d.complete("agency_acknowledge")
    d.send("sla_breached")
    assert d.waiting_messages() == ["withdraw"]  # sla_breached fired; withdraw waits above
    d.send("withdraw")
    states = {t.task_spec.name: t.state for t in d.wf.get_tasks()}
    assert states["agency_handle"] == TaskState.CANCELLED
    assert states["supervise"] == TaskState.CANCELLED
    assert states["handle"] == TaskState.CANCELLED
    assert d.end_event() == "withdrawn" and d.wf.is_completed()


def test_3_terminate_in_the_called_process_returns_to_the_caller() -> None:
    d = Driver()
    d.complete("screen", decision="refer")
    d.complete("agency_acknowledge")
    d.send("sla_breached")
    d.complete("supervise", supervisor_action="close_unresolvable")
    states = {t.task_spec.name: t.state for t in d.wf.get_tasks()}
    assert states["agency_handle"] == TaskState.CANCELLED  # the agency's open task
    assert states["unresolvable"] == TaskState.COMPLETED  # terminate, in agency_handling
    assert states["handle"] == TaskState.COMPLETED  # the call activity returned normally
    assert states["notify_unresolvable"] == TaskState.COMPLETED  # and the caller went on
    assert d.end_event() == "closed_unresolvable"


def test_4_a_plain_end_would_leave_the_case_waiting_for_the_next_breach_for_ever() -> None:
    tree = etree.parse(str(PROCESSES / "agency_handling.bpmn")).getroot()
    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
    plain = copy.deepcopy(tree)
    for end in ("result_reported", "declined_end"):
        node = plain.find(f".//bpmn:endEvent[@id='{end}']/bpmn:terminateEventDefinition", ns)
        node.getparent().remove(node)
    p = drv.parser({"agency_handling.bpmn": plain})
    d = Driver(parsed=(p.get_spec("complaint"), p.get_subprocess_specs("complaint")))
    d.complete("screen", decision="refer")
    d.complete("agency_acknowledge")
    d.send("sla_breached")
    d.complete("agency_handle", action="result")
    assert d.ready() == ["supervise"]  # the call activity stays open for the supervisor
    [task] = d.wf.get_tasks(state=TaskState.READY, manual=True)
    task.set_data(supervisor_action="remind")
    task.run()
    d.wf.do_engine_steps()
    # ...and after the supervisor acts, the branch waits for the next breach: nothing ends it.
    assert d.ready() == [] and not d.wf.is_completed()
    assert d.waiting_messages() == ["sla_breached", "withdraw"]


def test_5_messages_must_use_the_spiff_event_definition_class() -> None:
    d = Driver()
    with pytest.raises(WorkflowException, match="not waiting for withdraw"):
        d.wf.send_event(BpmnEvent(BaseMessageEventDefinition("withdraw"), {}))
    d.wf.send_event(BpmnEvent(MessageEventDefinition("withdraw"), {}))


def test_6_waiting_events_hide_what_an_event_based_gateway_waits_for() -> None:
    d = Driver()
    d.complete("screen", decision="resolve")
    pending = sorted((e.event_type, e.name) for e in d.wf.waiting_events())
    assert pending == [("MessageEventDefinition", "withdraw"), ("MultipleEventDefinition", None)]
    assert d.waiting_messages() == ["reopen", "withdraw"]  # the driver looks inside
    assert len(d.timer_deadlines()) == 1
