"""Choosing the process to deploy and parsing it with SpiffWorkflow, as the engine will run it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine.workflow import spiff
from engine.workflow.findings import ERROR, Finding
from engine.workflow.validation.documents import Document, at, find, read
from engine.workflow.validation.events import call_targets, process_ids


def choose(docs: list[Document], process_id: str | None) -> tuple[str | None, list[Finding]]:
    """The process to deploy: the one named, or the one executable process nobody calls."""
    processes = [(doc, p) for doc in docs for p in doc.processes() if p.get("id")]
    first_file = docs[0].name if docs else "-"
    twice = _duplicates(processes)
    if twice:
        return None, twice
    if process_id is not None:
        if any(p.get("id") == process_id for _, p in processes):
            return process_id, []
        known = ", ".join(sorted(p.get("id") for _, p in processes)) or "-"
        return None, [
            _problem(
                first_file,
                "unknown-process",
                f"ไม่พบกระบวนงาน '{process_id}' ในไฟล์ (กระบวนงานที่มี: {known})",
                f"No process '{process_id}' in these files (processes found: {known}).",
            )
        ]
    called = {target for _, _, target in call_targets(docs)}
    candidates = [(doc, p) for doc, p in processes if _executable(p) and p.get("id") not in called]
    if len(candidates) == 1:
        return candidates[0][1].get("id"), []
    if not candidates:
        # Name each process that is there and why it is no candidate (most modelers' files
        # are descriptive: isExecutable="false").
        found = [
            at(
                doc,
                p,
                ERROR,
                "not-executable",
                f'กระบวนงาน {p.get("id")} ไม่ได้ระบุว่าทำงานได้ (isExecutable="true")',
                f'The process {p.get("id")} is not executable (isExecutable is not "true").',
            )
            for doc, p in processes
            if not _executable(p)
        ]
        return None, found or [
            _problem(
                first_file,
                "no-process",
                "ไม่พบกระบวนงานที่ทำงานได้ (isExecutable) ซึ่งไม่ถูกเรียกจากกระบวนงานอื่น",
                "No executable process that no other process calls: nothing to deploy.",
            )
        ]
    names = ", ".join(p.get("id") for _, p in candidates)
    return None, [
        at(
            doc,
            process,
            ERROR,
            "several-processes",
            f"มีกระบวนงานหลักได้หลายกระบวนงาน ({names}) โปรดระบุว่าจะติดตั้งกระบวนงานใด",
            f"Several processes could be the one to deploy ({names}); name one.",
        )
        for doc, process in candidates
    ]


def _duplicates(processes: list[tuple[Document, Any]]) -> list[Finding]:
    """A second process with an id already used: SpiffWorkflow cannot tell them apart."""
    first: dict[str, Document] = {}
    findings = []
    for doc, process in processes:
        process_id = process.get("id")
        if process_id not in first:
            first[process_id] = doc
            continue
        findings.append(
            at(
                doc,
                process,
                ERROR,
                "duplicate-process",
                f"กระบวนงาน '{process_id}' มีอยู่แล้วใน {first[process_id].name} รหัสต้องไม่ซ้ำกัน",
                f"Process '{process_id}' is already defined in {first[process_id].name}; "
                "process ids must be unique.",
            )
        )
    return findings


def _executable(process: Any) -> bool:
    # SpiffWorkflow's reading: a process without isExecutable is executable
    return process.get("isExecutable", "true") == "true"


def _problem(file: str, code: str, message_th: str, message_en: str) -> Finding:
    return Finding(file, None, None, None, ERROR, code, message_th, message_en)


def deployed_documents(
    docs: list[Document], called: Mapping[str, Mapping[str, str]]
) -> list[Document]:
    """The files of deployed processes that these files call but do not contain."""
    known = process_ids(docs)
    decisions = _decision_ids(docs)
    added: list[Document] = []
    wanted = [target for _, _, target in call_targets(docs) if target not in known]
    while wanted:
        target = wanted.pop()
        if target in known or target not in called:
            continue
        found, _ = read(called[target], called=True)
        for doc in found:
            ids = process_ids([doc]) or _decision_ids([doc])
            if ids & (known | decisions) or not ids:
                continue  # the files given win over a deployed version of the same thing
            added.append(doc)
            known |= process_ids([doc])
            decisions |= _decision_ids([doc])
            wanted.extend(t for _, _, t in call_targets([doc]) if t not in known)
        known.add(target)  # asked once, whether or not the deployed files define it
    return added


def _decision_ids(docs: list[Document]) -> set[str]:
    return {
        node.get("id")
        for doc in docs
        if doc.kind == "dmn"
        for node in doc.root.iter("{*}decision")
        if node.get("id")
    }


def parse(
    docs: list[Document], process_id: str
) -> tuple[spiff.ParsedDefinition | None, list[Any], list[Finding]]:
    """SpiffWorkflow's parse of the process, every process spec to check, and parse errors.

    The specs to check include the executable processes of the files that the chosen process
    does not call, so their code is compiled too."""
    parser = SpiffBpmnParser()
    try:
        for doc in docs:
            if doc.kind == "dmn":
                parser.add_dmn_xml(doc.root, filename=doc.name)
            else:
                parser.add_bpmn_xml(doc.root, filename=doc.name)
        spec = parser.get_spec(process_id)
        subs = parser.get_subprocess_specs(process_id, require_call_activity_specs=False)
    except Exception as exc:  # the parser raises many types; each is a finding, never a crash
        return None, [], [parse_error(exc, docs)]
    subs = {name: sub for name, sub in subs.items() if sub is not None}
    parsed = spiff.ParsedDefinition(process_id, spec, subs)
    specs, findings = [spec, *subs.values()], []
    given = {p.get("id") for d in docs if not d.called for p in d.processes() if _executable(p)}
    for other in sorted(given - {process_id, *subs}):
        try:
            specs.append(parser.get_spec(other))
            specs.extend(s for s in parser.get_subprocess_specs(other, None, False).values() if s)
        except Exception as exc:
            findings.append(parse_error(exc, docs))
    return parsed, specs, findings


def parse_error(exc: Exception, docs: list[Document]) -> Finding:
    """A parse error as a finding, keeping the element, name, line and file SpiffWorkflow gave."""
    element = getattr(exc, "id", None) or _named_in(str(exc), docs)
    located = find([d for d in docs if d.name == getattr(exc, "file_name", None)] or docs, element)
    line = getattr(exc, "line_number", None)
    if not isinstance(line, int):
        line = located[1].sourceline if located else None
    file = getattr(exc, "file_name", None) or (located[0].name if located else None)
    name = getattr(exc, "name", None) or (located[1].get("name") if located else None)
    name = " ".join(name.split()) if name else None
    if isinstance(exc, ValidationException):
        detail = str(exc.args[0]) if exc.args else type(exc).__name__
        detail += f" ({exc.tag})" if getattr(exc, "tag", None) else ""
    else:
        detail = f"{type(exc).__name__}: {exc}"
    where = f"{element}: " if element else ""
    return Finding(
        file=file or (docs[0].name if docs else "-"),
        line=line,
        element=element,
        name=name,
        severity=ERROR,
        code="parse-error",
        message_th=f"{where}SpiffWorkflow อ่านแผนภาพนี้ไม่ได้: {detail}",
        message_en=f"{where}SpiffWorkflow cannot read this diagram: {detail}",
    )


def _named_in(message: str, docs: list[Document]) -> str | None:
    """The id of the element a message names ("Data Store with name X …") when SpiffWorkflow
    gave no id: the finding then points at it and its line."""
    match = re.search(r"with name (.+?) has\b", message)
    if not match:
        return None
    wanted = " ".join(match.group(1).split())
    for doc in docs:
        for node_id, node in doc.ids.items():
            if " ".join((node.get("name") or "").split()) == wanted:
                return node_id
    return None
