"""The versions the migration tests move cases between: the shipped processes and edited copies.

Each edit is a text replacement on the shipped files that must match, so a change to the shipped
diagrams that invalidates an edit fails loudly instead of testing nothing.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine.workflow import spiff
from engine.workflow.definitions import read_process_files
from tests.processes import driver as shipped_driver

Files = tuple[tuple[str, str], ...]  # hashable, so parsed versions can be cached

REVIEW_NAME = (
    'value="Review the agency\'s result"',
    'value="Check the agency\'s result"',
)
DOUBLE_CHECK = (  # a task after review: review → double_check → review_result
    '<bpmn:sequenceFlow id="flow_review__review_result" sourceRef="review" '
    'targetRef="review_result"/>',
    '<bpmn:sequenceFlow id="flow_review__double_check" sourceRef="review" '
    'targetRef="double_check"/>\n'
    '    <bpmn:userTask id="double_check" name="ตรวจซ้ำ">\n'
    "      <bpmn:extensionElements><spiffworkflow:properties>\n"
    '        <spiffworkflow:property name="status" value="under_review"/>\n'
    '        <spiffworkflow:property name="form" value="review"/>\n'
    '        <spiffworkflow:property name="name_en" value="Check again"/>\n'
    "      </spiffworkflow:properties></bpmn:extensionElements>\n"
    "    </bpmn:userTask>\n"
    '    <bpmn:sequenceFlow id="flow_double_check__review_result" sourceRef="double_check" '
    'targetRef="review_result"/>',
)
DOUBLE_CHECK_LANE = (
    "<bpmn:flowNodeRef>review</bpmn:flowNodeRef>",
    "<bpmn:flowNodeRef>review</bpmn:flowNodeRef>\n"
    "        <bpmn:flowNodeRef>double_check</bpmn:flowNodeRef>",
)
INFO_WAIT_10D = ('policy_duration("info_wait")', '"P10D"')
REFER_SCRIPT = ('refer_case(agency_to_refer, "lead")', 'refer_case(agency_to_refer, role="lead")')
NO_REVIEW = (
    '<bpmn:sequenceFlow id="flow_agency_result__review" sourceRef="agency_result" '
    'targetRef="review" name="รายงานผล">',
    '<bpmn:sequenceFlow id="flow_agency_result__review" sourceRef="agency_result" '
    'targetRef="to_notify" name="รายงานผล">',
)
SUPERVISE_NAME = ('name="พิจารณา เรื่องล่าช้า"', 'name="พิจารณาเรื่องที่ล่าช้า"')
# A reminder to the agency five days after agency_handle opens (non-interrupting timer).
REMINDER = (
    '<bpmn:sequenceFlow id="flow_handle_join__agency_handle"',
    '<bpmn:boundaryEvent id="remind_agency" name="เตือนหน่วยงาน" attachedToRef="agency_handle" '
    'cancelActivity="false">\n'
    "      <bpmn:outgoing>flow_remind_agency__send_reminder</bpmn:outgoing>\n"
    '      <bpmn:timerEventDefinition id="remind_agency_def">\n'
    '        <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"P5D"</bpmn:timeDuration>\n'
    "      </bpmn:timerEventDefinition>\n"
    "    </bpmn:boundaryEvent>\n"
    '    <bpmn:scriptTask id="send_reminder" name="ส่งคำเตือน" scriptFormat="python">\n'
    '      <bpmn:script>notify("agency_reminded")</bpmn:script>\n'
    "    </bpmn:scriptTask>\n"
    '    <bpmn:endEvent id="reminded" name="เตือนแล้ว"/>\n'
    '    <bpmn:sequenceFlow id="flow_remind_agency__send_reminder" sourceRef="remind_agency" '
    'targetRef="send_reminder"/>\n'
    '    <bpmn:sequenceFlow id="flow_send_reminder__reminded" sourceRef="send_reminder" '
    'targetRef="reminded"/>\n'
    '    <bpmn:sequenceFlow id="flow_handle_join__agency_handle"',
)
REMINDER_LANE = (
    "<bpmn:flowNodeRef>agency_handle</bpmn:flowNodeRef>",
    "<bpmn:flowNodeRef>agency_handle</bpmn:flowNodeRef>\n"
    "        <bpmn:flowNodeRef>remind_agency</bpmn:flowNodeRef>\n"
    "        <bpmn:flowNodeRef>send_reminder</bpmn:flowNodeRef>\n"
    "        <bpmn:flowNodeRef>reminded</bpmn:flowNodeRef>",
)
REMINDER_7D = ('"P5D"</bpmn:timeDuration>', '"P7D"</bpmn:timeDuration>')


def shipped() -> dict[str, str]:
    """The shipped BPMN and DMN files."""
    return {k: v for k, v in read_process_files().items() if k.endswith((".bpmn", ".dmn"))}


def edit(files: dict[str, str], name: str, *replacements: tuple[str, str]) -> dict[str, str]:
    """A copy of the files with replacements made in one of them (each must match once)."""
    text = files[name]
    for old, new in replacements:
        assert text.count(old) == 1, f"{name}: {old!r} matches {text.count(old)} times"
        text = text.replace(old, new)
    return {**files, name: text}


def v2(files: dict[str, str] | None = None) -> dict[str, str]:
    """Version 2: review renamed, a task after review, the information wait shortened."""
    base = files or shipped()
    return edit(base, "complaint.bpmn", REVIEW_NAME, DOUBLE_CHECK, DOUBLE_CHECK_LANE, INFO_WAIT_10D)


def with_reminder(files: dict[str, str] | None = None, *more: tuple[str, str]) -> dict[str, str]:
    """The agency is reminded five days after agency_handle opens (a timer in the call)."""
    return edit(files or shipped(), "agency_handling.bpmn", REMINDER, REMINDER_LANE, *more)


@cache
def _parsed(files: Files) -> spiff.ParsedDefinition:
    return spiff.parse(dict(files), "complaint")


def parsed(files: dict[str, str]) -> spiff.ParsedDefinition:
    """The files parsed as the engine parses them (cached per content)."""
    return _parsed(tuple(sorted(files.items())))


def driver(version: spiff.ParsedDefinition, serialize: bool = False) -> Any:
    """A fresh case on a version, moved by the shipped processes' test driver."""
    return shipped_driver.Driver(serialize, parsed=(version.spec, version.subprocess_specs))


def open_tasks(wf: Any) -> dict[str, list[str]]:
    """READY and WAITING tasks (and running call activities): element → task ids."""
    found: dict[str, list[str]] = {}
    live = TaskState.READY | TaskState.WAITING | TaskState.STARTED
    for task in wf.get_tasks(state=live):
        found.setdefault(task.task_spec.name, []).append(str(task.id))
    return {k: sorted(v) for k, v in sorted(found.items())}


def timers(wf: Any) -> dict[str, str]:
    """Each waiting timer's fixed fire time, by the element that waits."""
    found = {}
    for task in wf.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        inner = getattr(definition, "event_definitions", None) or [definition]
        if any(isinstance(d, TimerEventDefinition) for d in inner):
            found[task.task_spec.name] = task.internal_data.get("event_value")
    return found
