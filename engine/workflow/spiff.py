"""The one wrapper that owns SpiffWorkflow: parse, deploy-check, create, run, save and restore."""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from uuid import UUID

from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import WorkflowConverter
from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition

from engine.clock import Clock

SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
SERIALIZER_VERSION = SERIALIZER.VERSION
_WORKFLOW_CONVERTER = SERIALIZER.registry.convert_from_dict["BpmnWorkflow"].args[0].__self__

# SpiffWorkflow's timers read the system clock directly. Damrong's clock is injected, so the
# timer module sees whichever clock the current operation runs under.
_current_clock: ContextVar[Clock | None] = ContextVar("damrong_clock", default=None)


class _ClockedDatetime(datetime):
    @classmethod
    def now(cls, tz=None):  # type: ignore[no-untyped-def,override]
        clock = _current_clock.get()
        if clock is None:
            return datetime.now(tz)
        instant = clock()
        return instant.astimezone(tz) if tz else instant


def install_timer_clock() -> None:
    """Make SpiffWorkflow's timers read the injected clock (the composition root calls this).

    Without it the timers read the system clock: right in production, wrong in any test or
    tool that moves time."""
    spiff_timer.datetime = _ClockedDatetime  # type: ignore[misc]


@contextmanager
def running_at(clock: Clock) -> Iterator[None]:
    """Run workflow code with SpiffWorkflow's timers reading the injected clock."""
    token = _current_clock.set(clock)
    try:
        yield
    finally:
        _current_clock.reset(token)


@dataclass(frozen=True)
class ParsedDefinition:
    """A parsed process: its top spec and the specs of its call activities."""

    process_id: str
    spec: object
    subprocess_specs: dict
    # Each user task's resolved settings by element id (engine/workflow/tasktable.py).
    tasks: dict = field(default_factory=dict, compare=False)


def content_hash(files: Mapping[str, str]) -> str:
    """The SHA-256 of a definition's files, the key it is stored under."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name].encode() + b"\0")
    return digest.hexdigest()


def xml(text: str) -> etree._Element:
    """Parse an untrusted BPMN or DMN text: no entity resolved, no DTD or network fetched.

    A new parser per call: lxml parsers are not to be shared between threads."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(text.encode("utf-8"), parser)


def parse(files: Mapping[str, str], process_id: str) -> ParsedDefinition:
    """Parse BPMN and DMN texts with SpiffBpmnParser and return the named process."""
    parser = SpiffBpmnParser()
    for name, text in sorted(files.items()):
        if not name.endswith((".bpmn", ".dmn")):
            continue  # task forms travel with the diagrams
        root = xml(text)
        if name.endswith(".dmn"):
            parser.add_dmn_xml(root, filename=name)
        else:
            parser.add_bpmn_xml(root, filename=name)
    spec = parser.get_spec(process_id)
    return ParsedDefinition(process_id, spec, parser.get_subprocess_specs(process_id))


def dump_spec(parsed: ParsedDefinition) -> bytes:
    """Serialize the specs once per definition version (JSON, compressed)."""
    dct = {
        "spec": SERIALIZER.to_dict(parsed.spec),
        "subprocess_specs": {k: SERIALIZER.to_dict(v) for k, v in parsed.subprocess_specs.items()},
    }
    return zlib.compress(json.dumps(dct, separators=(",", ":")).encode(), 6)


@lru_cache(maxsize=32)
def load_spec(definition_hash: str, blob: bytes, process_id: str) -> ParsedDefinition:
    """Restore (and cache) the specs of a stored definition version."""
    dct = json.loads(zlib.decompress(blob))
    spec = SERIALIZER.from_dict(dct["spec"])
    subs = {k: SERIALIZER.from_dict(v) for k, v in dct["subprocess_specs"].items()}
    return ParsedDefinition(process_id, spec, subs)


def new_workflow(parsed: ParsedDefinition, script_engine: object) -> BpmnWorkflow:
    """A fresh instance of the process, run with the given (restricted) script engine."""
    return BpmnWorkflow(parsed.spec, parsed.subprocess_specs, script_engine=script_engine)


def dump_state(workflow: BpmnWorkflow) -> bytes:
    """The instance state alone, without the spec the definition already holds."""
    conv = _WORKFLOW_CONVERTER
    # BpmnWorkflowConverter.to_dict without its spec: converting the spec is most of its cost.
    dct = WorkflowConverter.to_dict(conv, workflow)
    dct["subprocesses"] = conv.mapping_to_dict(workflow.subprocesses)
    dct["bpmn_events"] = SERIALIZER.registry.convert(workflow.bpmn_events)
    dct["typename"] = "BpmnWorkflow"
    return zlib.compress(json.dumps(dct, separators=(",", ":")).encode(), 1)


def load_state(parsed: ParsedDefinition, blob: bytes, script_engine: object) -> BpmnWorkflow:
    """Restore an instance on its own definition's cached specs."""
    dct = json.loads(zlib.decompress(blob))
    conv = _WORKFLOW_CONVERTER
    workflow = BpmnWorkflow(parsed.spec, parsed.subprocess_specs, deserializing=True)
    workflow.tasks = conv.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
    workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
    conv.set_default_attributes(workflow, dct)
    conv.subprocesses_from_dict(dct["subprocesses"], workflow)
    workflow.bpmn_events = SERIALIZER.registry.restore(dct.pop("bpmn_events", []))
    workflow.script_engine = script_engine
    return workflow


def message_event(name: str, payload: Mapping[str, object] | None = None) -> BpmnEvent:
    """A message from outside the workflow (an agency or a citizen action)."""
    return BpmnEvent(MessageEventDefinition(name), dict(payload or {}))
