"""Deploying process definitions: checked when deployed, stored once by content hash."""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.access.rules import TASK_ROLES
from engine.errors import DefinitionInvalid
from engine.models import ProcessDefinition
from engine.workflow import expressions, spiff

PROCESSES_DIR = Path(__file__).resolve().parents[2] / "processes"
MAIN_PROCESS = "complaint"

# Other processes may deploy: a version they deploy is picked up here within CURRENT_TTL_S.
CURRENT_TTL_S = 5.0

_parsed: dict[str, spiff.ParsedDefinition] = {}
_current: dict[str, tuple[int, str, float]] = {}


def read_process_files(directory: Path = PROCESSES_DIR) -> dict[str, str]:
    """The BPMN and DMN files of a directory, by file name."""
    files = sorted([*directory.glob("*.bpmn"), *directory.glob("*.dmn")])
    return {path.name: path.read_text(encoding="utf-8") for path in files}


def check(files: Mapping[str, str], process_id: str) -> spiff.ParsedDefinition:
    """Parse and lint a definition; raise DefinitionInvalid listing every problem found."""
    problems: list[str] = []
    for name, text in files.items():
        if re.search(r"\$\{", text):
            problems.append(f"{name}: JUEL expression '${{…}}' (expressions are Python here)")
        if re.search(r'\bid="Start"', text):
            problems.append(f"{name}: an element with id 'Start' collides with the engine")
    try:
        parsed = spiff.parse(files, process_id)
    except Exception as exc:  # the parser raises many types; all mean "cannot deploy"
        raise DefinitionInvalid([*problems, f"parse error: {exc}"]) from exc
    problems.extend(_check_user_tasks(parsed))
    problems.extend(expressions.compile_all([parsed.spec, *parsed.subprocess_specs.values()]))
    if problems:
        raise DefinitionInvalid(problems)
    return parsed


def _check_user_tasks(parsed: spiff.ParsedDefinition) -> list[str]:
    from forms.loader import FormNotFound, load_schema

    problems = []
    specs = [parsed.spec, *parsed.subprocess_specs.values()]
    for process in specs:
        for spec in process.task_specs.values():
            if not getattr(spec, "manual", False):
                continue
            props = spec.extensions.get("properties", {}) if hasattr(spec, "extensions") else {}
            where = f"{process.name}/{spec.name}"
            if spec.lane not in TASK_ROLES:
                problems.append(f"{where}: user task lane '{spec.lane}' is not a role")
            if "status" not in props:
                problems.append(f"{where}: user task has no 'status' property")
            try:
                load_schema(props.get("form", ""))
            except FormNotFound:
                problems.append(f"{where}: form '{props.get('form')}' not found in forms/")
    return problems


def deploy(
    session: Session,
    now: datetime,
    files: Mapping[str, str] | None = None,
    process_id: str = MAIN_PROCESS,
    deployed_by: str = "system",
) -> tuple[ProcessDefinition, bool]:
    """Store a definition version unless the same content is already stored; (row, created)."""
    files = dict(files if files is not None else read_process_files())
    digest = spiff.content_hash(files)
    existing = session.scalar(
        select(ProcessDefinition).where(ProcessDefinition.content_hash == digest)
    )
    if existing is not None:
        return existing, False
    parsed = check(files, process_id)
    latest = session.scalar(
        select(func.max(ProcessDefinition.version)).where(
            ProcessDefinition.process_id == process_id
        )
    )
    definition = ProcessDefinition(
        process_id=process_id,
        version=(latest or 0) + 1,
        content_hash=digest,
        files=files,
        spec=spiff.dump_spec(parsed),
        serializer_version=spiff.SERIALIZER_VERSION,
        deployed_at=now,
        deployed_by=deployed_by,
    )
    session.add(definition)
    session.flush()
    _parsed[digest] = parsed
    _current.pop(process_id, None)
    return definition, True


def current(session: Session, process_id: str = MAIN_PROCESS) -> tuple[int, str]:
    """(id, content hash) of the newest deployed version of a process; new cases start on it."""
    cached = _current.get(process_id)
    if cached is not None and time.monotonic() - cached[2] < CURRENT_TTL_S:
        return cached[0], cached[1]
    row = session.execute(
        select(ProcessDefinition.id, ProcessDefinition.content_hash)
        .where(ProcessDefinition.process_id == process_id)
        .order_by(ProcessDefinition.version.desc())
        .limit(1)
    ).first()
    if row is None:
        raise DefinitionInvalid([f"process '{process_id}' is not deployed; run `damrong deploy`"])
    _current[process_id] = (row.id, row.content_hash, time.monotonic())
    return row.id, row.content_hash


def forget_current() -> None:
    """Drop the cached newest version (after versions were removed by hand, e.g. in tests)."""
    _current.clear()


def parsed_for(session: Session, definition_id: int, content_hash: str) -> spiff.ParsedDefinition:
    """The parsed specs of a stored version, restored once per process and kept."""
    found = _parsed.get(content_hash)
    if found is None:
        definition = session.get(ProcessDefinition, definition_id)
        found = spiff.load_spec(definition.content_hash, definition.spec, definition.process_id)
        _parsed[content_hash] = found
    return found
