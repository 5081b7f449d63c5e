"""Moving one running workflow to another version of its process, in memory (no database).

SpiffWorkflow 3.2's `SpecDiff` says which element of the old version is which of the new; its
`migrate_workflow` then resets every READY and WAITING task, clearing each timer's fixed fire
time (an SLA or a reopen window would start again) and the task's own data. Our rules instead:

- A case is blocked only when a task it has run (COMPLETED) or is running (STARTED) belongs to an
  element the new version removes or whose behaviour it changes: script, condition, decision
  table, called process id, type, data mapping, loop or gateway settings. Names, lanes, forms,
  properties, timers and flows are no behaviour of a task already run: they apply to tasks opened
  from now on (open ones are refreshed). A call activity is unchanged when only the process it
  calls changed: a case inside it has that process migrated with its own diff. An open task
  whose element is removed, or whose boundary events changed, has nowhere to go: that blocks too.
- Open tasks stay as they are (id, data, internal data), so a timer whose definition did not
  change keeps its fire time. A duration timer whose duration changed keeps its start and takes
  the new duration; another changed timer is computed afresh at the next refresh. A task whose
  element changed type is reset as SpiffWorkflow would. Predicted tasks are predicted again
  from the new flows; cancelled tasks of removed elements are dropped (history only).

Task ids never change, so no id map is needed; a task's element may (SpecDiff aligns a renamed
id), so callers refresh their rows from `task.task_spec`. Moving back is the same call reversed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.control import BoundaryEventJoin, BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    DurationTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.util.diff import SpecDiff
from SpiffWorkflow.util.task import TaskState

from engine.workflow.spiff import SERIALIZER, ParsedDefinition

RAN = TaskState.COMPLETED | TaskState.STARTED
OPEN = TaskState.READY | TaskState.WAITING | TaskState.ERROR
LIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED
DROPPABLE = TaskState.CANCELLED | TaskState.PREDICTED_MASK | TaskState.FUTURE
BOUNDARY = (BoundaryEventSplit, BoundaryEventJoin)  # specs the parser adds around a task

# Serialized spec keys that are no behaviour of a task already run (see the module docstring).
NOT_BEHAVIOUR = {
    "name", "bpmn_id", "bpmn_name", "description", "documentation", "lane", "lookahead",
    "inputs", "outputs", "manual", "event_definition", "default_task_spec", "choice",
}  # fmt: skip
EXTENSIONS_NOT_BEHAVIOUR = {"properties", "instructionsForEndUser", "unitTests"}
WHAT = {  # a serialized spec key as people say it (English, Thai)
    "script": ("script", "สคริปต์"),
    "prescript": ("pre-script", "สคริปต์ก่อนทำงาน"),
    "postscript": ("post-script", "สคริปต์หลังทำงาน"),
    "cond_task_specs": ("conditions", "เงื่อนไข"),
    "decision_table": ("decision table", "ตารางตัดสินใจ"),
    "spec": ("called process", "กระบวนงานที่เรียก"),
    "typename": ("element type", "ประเภทขั้นตอน"),
    "extensions": ("extensions", "ส่วนขยาย"),
    "io_specification": ("data inputs and outputs", "ข้อมูลเข้าและออก"),
}


@dataclass
class Check:
    """Whether a workflow can move to the other version and, if not, why (English and Thai)."""

    migratable: bool
    reasons: list[str] = field(default_factory=list)
    reasons_th: list[str] = field(default_factory=list)
    elements: list[str] = field(default_factory=list)  # the element ids the reasons name


class MigrationBlocked(Exception):
    """A workflow that cannot move: `check` says why."""

    def __init__(self, check: Check) -> None:
        super().__init__("; ".join(check.reasons))
        self.check = check


@dataclass
class _SpecPlan:
    """One process spec, old → new: what became of each old element, by name."""

    new_spec: object
    aligned: dict[str, object]  # old element name -> new task spec (None: removed)
    behaviour: dict[str, list[str]]  # old element name -> behaviour keys that changed
    retyped: set[str]
    restructured: bool  # flows, elements added or removed: predicted tasks are stale

    def align(self, spec) -> object | None:  # type: ignore[no-untyped-def]
        found = self.aligned.get(spec.name, False)
        return self.new_spec.task_specs.get(spec.name) if found is False else found  # type: ignore[attr-defined]


@dataclass
class _Plan:
    old: ParsedDefinition
    new: ParsedDefinition
    top: _SpecPlan
    called: dict[str, _SpecPlan]  # called (or embedded) process id -> its plan


_plans: dict[tuple[int, int], _Plan] = {}


def _conditions_changed(old: list[dict], new: list[dict]) -> bool:
    """Conditions moved to an inserted element are no change; a changed expression is."""
    before = {c["task_spec"]: c["condition"] for c in old}
    after = {c["task_spec"]: c["condition"] for c in new}
    if any(before[t] != after[t] for t in before.keys() & after.keys()):
        return True
    return sorted(map(str, before.values())) != sorted(map(str, after.values()))


def _behaviour(old_spec, new_spec) -> list[str]:  # type: ignore[no-untyped-def]
    before, after = SERIALIZER.registry.convert(old_spec), SERIALIZER.registry.convert(new_spec)
    if before.get("typename") != after.get("typename"):
        return ["typename"]
    changed = []
    for key in sorted(before.keys() | after.keys()):
        old_value, new_value = before.get(key), after.get(key)
        if key in NOT_BEHAVIOUR or old_value == new_value:
            continue
        if key == "cond_task_specs" and not _conditions_changed(old_value or [], new_value or []):
            continue
        if key == "extensions":
            strip = EXTENSIONS_NOT_BEHAVIOUR
            old_value = {k: v for k, v in (old_value or {}).items() if k not in strip}
            new_value = {k: v for k, v in (new_value or {}).items() if k not in strip}
            if old_value == new_value:
                continue
        changed.append(key)
    return changed


def _spec_plan(old_spec, new_spec) -> _SpecPlan:  # type: ignore[no-untyped-def]
    diff = SpecDiff(SERIALIZER.registry, old_spec, new_spec)
    aligned = {spec.name: new for spec, new in diff.alignment.items()}
    behaviour, retyped = {}, set()
    restructured = bool(diff.added) or any(new is None for new in diff.alignment.values())
    for spec, new in diff.alignment.items():
        if new is None:
            continue
        if [s.name for s in spec.outputs] != [s.name for s in new.outputs]:
            restructured = True
        if diff.comparisons.get(spec):
            behaviour[spec.name] = _behaviour(spec, new)
            if behaviour[spec.name] == ["typename"]:
                retyped.add(spec.name)
    return _SpecPlan(new_spec, aligned, behaviour, retyped, restructured)


def plan(old: ParsedDefinition, new: ParsedDefinition) -> _Plan:
    """The spec-level diff of two versions, computed once per pair and kept."""
    key = (id(old), id(new))
    found = _plans.get(key)
    if found is not None and found.old is old and found.new is new:
        return found
    called = {
        name: _spec_plan(spec, new.subprocess_specs[name])
        for name, spec in old.subprocess_specs.items()
        if name in new.subprocess_specs
    }
    found = _Plan(old, new, _spec_plan(old.spec, new.spec), called)
    if len(_plans) >= 32:
        _plans.pop(next(iter(_plans)))
    _plans[key] = found  # the entry holds both objects, so their ids are not reused
    return found


# -- checking --------------------------------------------------------------------------------


MESSAGES = {  # (English, Thai); {label} names the element, {what} what changed
    "ran_removed": (
        "The case has already run {label}, which the new version removes.",
        "เรื่องนี้ผ่าน {label} มาแล้ว แต่รุ่นใหม่ตัดขั้นตอนนี้ออก",
    ),
    "in_removed": (
        "The case is inside {label}, which the new version removes.",
        "เรื่องนี้อยู่ระหว่าง {label} ซึ่งรุ่นใหม่ตัดออก",
    ),
    "open_removed": (
        "The case waits at {label}, which the new version removes.",
        "เรื่องนี้รออยู่ที่ {label} ซึ่งรุ่นใหม่ตัดออก",
    ),
    "ran_changed": (
        "The case has already run {label}, whose {what} the new version changes.",
        "เรื่องนี้ผ่าน {label} มาแล้ว แต่รุ่นใหม่แก้ไข{what_th}ของขั้นตอนนี้",
    ),
    "in_changed": (
        "The case is inside {label}, whose {what} the new version changes.",
        "เรื่องนี้อยู่ระหว่าง {label} ซึ่งรุ่นใหม่แก้ไข{what_th}",
    ),
    "boundary": (
        "The case waits at {label}, whose boundary events the new version changes.",
        "เรื่องนี้รออยู่ที่ {label} ซึ่งรุ่นใหม่เปลี่ยนเหตุการณ์ขอบ (boundary event) ของขั้นตอนนี้",
    ),
    "ran_boundary": (
        "The case has already passed {label}, whose boundary events the new version changes.",
        "เรื่องนี้ผ่าน {label} มาแล้ว แต่รุ่นใหม่เปลี่ยนเหตุการณ์ขอบ (boundary event) ของขั้นตอนนี้",
    ),
    "called": (
        "The case has been in {label}, whose called process '{what}' the new version drops.",
        "เรื่องนี้เข้าไปใน {label} แล้ว แต่รุ่นใหม่ไม่เรียกกระบวนงาน '{what}'",
    ),
}


class _Reasons:
    def __init__(self) -> None:
        self.check = Check(True)

    def add(self, kind: str, spec, process: str, what: list[str] | str = "") -> None:  # type: ignore[no-untyped-def]
        element = spec.bpmn_id or spec.name.split(".")[0]  # x.BoundaryEventSplit: x
        label = f"'{spec.bpmn_name or element}' ({element}, {process})"
        if isinstance(what, list):
            words = [WHAT.get(k, (k, k)) for k in what]
            what, what_th = ", ".join(w[0] for w in words), ", ".join(w[1] for w in words)
        else:
            what_th = what
        en, th = (m.format(label=label, what=what, what_th=what_th) for m in MESSAGES[kind])
        if en in self.check.reasons:
            return  # a loop ran the element more than once
        self.check.migratable = False
        self.check.reasons.append(en)
        self.check.reasons_th.append(th)
        if element not in self.check.elements:
            self.check.elements.append(element)


def _check_task(task, spec_plan: _SpecPlan, process: str, out: _Reasons) -> None:  # type: ignore[no-untyped-def]
    spec, state = task.task_spec, task.state
    new, changed = spec_plan.align(spec), spec_plan.behaviour.get(spec.name)
    if isinstance(spec, BOUNDARY):  # a split or join the parser made around task x
        waits_there = any(c.has_state(OPEN) for c in task.children)  # reported there
        if (new is None or changed) and state & (RAN | OPEN) and not waits_there:
            attached = spec._wf_spec.task_specs.get(spec.name.split(".")[0], spec)
            out.add("ran_boundary" if state & RAN else "boundary", attached, process)
        return
    doing = "in" if state == TaskState.STARTED else "ran"
    if new is None:
        if state & (RAN | OPEN):
            out.add(f"{doing}_removed" if state & RAN else "open_removed", spec, process)
        return
    if changed and state & RAN:
        out.add(f"{doing}_changed", spec, process, changed)
    if state & (TaskState.READY | TaskState.WAITING) and _boundary_changed(task, new, spec_plan):
        out.add("boundary", spec, process)


def _boundary_changed(task, new, spec_plan: _SpecPlan) -> bool:  # type: ignore[no-untyped-def]
    """An open task under a boundary split whose events changed, or one that gained some."""
    parent = task.parent.task_spec if task.parent is not None else None
    if isinstance(parent, BoundaryEventSplit):
        new_parent = spec_plan.align(parent)
        if new_parent is None:
            return True
        return sorted(s.name for s in parent.outputs) != sorted(s.name for s in new_parent.outputs)
    return any(isinstance(s, BoundaryEventSplit) for s in getattr(new, "inputs", []))


def _workflows(wf: BpmnWorkflow, the_plan: _Plan, out: _Reasons) -> list[tuple]:
    """(workflow, its plan, its new spec, its process id): the top one and each called one."""
    found = [(wf, the_plan.top, the_plan.new.spec, the_plan.old.process_id)]
    for sp in wf.subprocesses.values():
        name, caller = sp.spec.name, wf.get_task_from_id(sp.parent_task_id)
        owner = (
            the_plan.called.get(caller.workflow.spec.name) if caller.workflow is not wf else None
        )
        new_caller = (owner or the_plan.top).align(caller.task_spec)
        if name in the_plan.called and getattr(new_caller, "spec", None) == name:
            found.append((sp, the_plan.called[name], the_plan.new.subprocess_specs[name], name))
        elif not caller.has_state(TaskState.CANCELLED):
            out.add("called", caller.task_spec, caller.workflow.spec.name, name)
    return found


def _check(wf: BpmnWorkflow, the_plan: _Plan) -> tuple[Check, list[tuple]]:
    out = _Reasons()
    found = _workflows(wf, the_plan, out)
    for workflow, spec_plan, _new_spec, process in found:
        for task in workflow.tasks.values():
            _check_task(task, spec_plan, process, out)
    return out.check, found


def check(wf: BpmnWorkflow, old: ParsedDefinition, new: ParsedDefinition) -> Check:
    """Whether a workflow on `old` can move to `new`, with every reason it cannot."""
    return _check(wf, plan(old, new))[0]


# -- moving ----------------------------------------------------------------------------------


def _timers(spec) -> list[TimerEventDefinition]:  # type: ignore[no-untyped-def]
    definition = getattr(spec, "event_definition", None)
    inner = getattr(definition, "event_definitions", None) or [definition]
    return [d for d in inner if isinstance(d, TimerEventDefinition)]


def _retime(task, old: list, new: list) -> None:  # type: ignore[no-untyped-def]
    """A changed timer: a changed duration keeps its start, anything else starts afresh."""
    if [(type(d), d.expression) for d in old] == [(type(d), d.expression) for d in new]:
        return  # unchanged: the fixed fire time stays
    value = task.internal_data.get("event_value")
    durations = [d for d in [*old, *new] if isinstance(d, DurationTimerEventDefinition)]
    if len(old) == len(new) == 1 and len(durations) == 2 and isinstance(value, str):
        try:
            task.internal_data["event_value"] = _shifted(task, value, old[0], new[0])
            return
        except Exception:  # an expression that no longer evaluates: start afresh
            pass
    task.internal_data.pop("event_value", None)


def _shifted(task, value: str, old, new) -> str:  # type: ignore[no-untyped-def]
    engine = task.workflow.script_engine
    fire = TimerEventDefinition.get_datetime(value)
    before = TimerEventDefinition.parse_iso_duration(engine.evaluate(task, old.expression))
    after = TimerEventDefinition.parse_iso_duration(engine.evaluate(task, new.expression))
    start: datetime = fire - TimerEventDefinition.get_timedelta_from_end(before, fire)
    return (start + TimerEventDefinition.get_timedelta_from_start(after, start)).isoformat()


def _repredict(task) -> None:  # type: ignore[no-untyped-def]
    """Predict a live task's successors again from the new spec's flows."""
    for child in list(task.children):
        if child.has_state(TaskState.PREDICTED_MASK | TaskState.FUTURE):
            task.workflow._remove_task(child.id)
    task.task_spec._predict(task, mask=task.state | TaskState.PREDICTED_MASK | TaskState.FUTURE)


def _move(workflow, spec_plan: _SpecPlan, new_spec) -> None:  # type: ignore[no-untyped-def]
    workflow.spec = new_spec
    live, dead = [], []
    for task in list(workflow.tasks.values()):
        old_spec = task.task_spec
        new = spec_plan.align(old_spec)
        if new is None:
            dead.append(task)  # the check let only cancelled and predicted ones through
            continue
        task.task_spec = new
        if task.has_state(LIVE):
            live.append((task, old_spec))
    for task in dead:
        if task.id in workflow.tasks and task.has_state(DROPPABLE):
            _drop(task)
    for task, old_spec in live:
        if task.id not in workflow.tasks:
            continue
        if old_spec.name in spec_plan.retyped and task.has_state(OPEN):
            task.reset_branch(task.data)
            continue
        if task.state == TaskState.WAITING:
            _retime(task, _timers(old_spec), _timers(task.task_spec))
        if spec_plan.restructured:
            _repredict(task)
    if workflow.last_task is not None and workflow.last_task.id not in workflow.tasks:
        workflow.last_task = None


def _drop(task) -> None:  # type: ignore[no-untyped-def]
    top = task.workflow.top_workflow
    for gone in task:  # a cancelled call activity's called process goes with it
        if gone.id in top.subprocesses:
            top.delete_subprocess(gone)
    task.workflow._remove_task(task.id)


def migrate(wf: BpmnWorkflow, old: ParsedDefinition, new: ParsedDefinition) -> BpmnWorkflow:
    """Move a workflow from `old` to `new` in place and return it; task ids stay the same.

    Raises MigrationBlocked (with its Check) when the workflow cannot move; then it is
    left untouched."""
    the_plan = plan(old, new)
    result, found = _check(wf, the_plan)
    if not result.migratable:
        raise MigrationBlocked(result)
    for workflow, spec_plan, new_spec, _process in found:
        _move(workflow, spec_plan, new_spec)
    kept = {id(workflow) for workflow, *_ in found}
    for sp in list(wf.subprocesses.values()):
        if id(sp) not in kept and sp.parent_task_id in wf.subprocesses:
            del wf.subprocesses[sp.parent_task_id]  # a cancelled call activity's, now dead
    wf.subprocess_specs = new.subprocess_specs
    for sp in wf.subprocesses.values():  # completion goes to the new call activity spec
        caller = wf.get_task_from_id(sp.parent_task_id)
        sp.completed_event.disconnect_all()
        sp.completed_event.connect(caller.task_spec._on_subworkflow_completed, caller)
    return wf
