"""What the case's BPMN diagram should highlight: done, active and waiting elements."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from engine.access.rules import Actor
from engine.cases.intake import get_case
from engine.models import ProcessDefinition, WorkflowInstance
from engine.workflow import progress

_PROCESS_ID = re.compile(r"<(?:bpmn2?:)?process\b[^>]*\bid=\"([^\"]+)\"")


def diagram_state(session: Session, actor: Actor, case_id: int) -> list[dict]:
    """One entry per diagram the case has run through (main process first): its XML and the
    element ids completed, active and waiting. The workflow is loaded read-only."""
    case = get_case(session, actor, case_id)
    instance = session.get(WorkflowInstance, case.id)
    definition = session.get(ProcessDefinition, instance.definition_id)
    files = dict(definition.files or {})
    for pinned in (definition.pins or {}).values():  # the called processes' own diagrams
        called = session.get(ProcessDefinition, pinned)
        for name, xml in (called.files or {}).items() if called else ():
            files.setdefault(name, xml)
    main, states = progress.element_states(session, case)
    by_process = {
        pid: (file_name, xml)
        for file_name, xml in sorted(files.items())
        if file_name.endswith(".bpmn")
        for pid in _PROCESS_ID.findall(xml)
    }
    order = [main] + sorted(p for p in states if p != main)
    return [
        {
            "process_id": pid,
            "file": by_process[pid][0],
            "xml": by_process[pid][1],
            **{k: sorted(v) for k, v in states[pid].items()},
        }
        for pid in order
        if pid in by_process and pid in states
    ]
