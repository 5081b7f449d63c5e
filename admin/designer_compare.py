"""Two versions of a process side by side (frontend/compare → build/compare.js on the process
page): each version's diagram files and the element ids to colour, from the same comparison as
the page's tables (engine/workflow/diff.py). Designers and administrators only; JSON errors.
"""

from __future__ import annotations

from flask import request

from admin.designer_json import json_errors
from admin.edge import actor, blueprint, reading
from engine.access.checks import check_may_design
from engine.errors import ValidationFailed
from engine.workflow import catalog
from engine.workflow.diff import diff_elements
from engine.workflow.diffview import marks_by_file

MAX_VERSION = 2**31 - 1  # a 32-bit column


def version_arg(name: str) -> int:
    """`?from=` or `?to=`: a version number, or a 422 naming the parameter."""
    raw = request.args.get(name, "")
    if not (raw.isascii() and raw.isdigit() and len(raw) < 11) or not 1 <= int(raw) <= MAX_VERSION:
        raise ValidationFailed.one(
            name,
            f"พารามิเตอร์ {name} ต้องเป็นเลขรุ่น (จำนวนเต็มบวก)",
            f"The {name} parameter must be a version number (a positive whole number).",
        )
    return int(raw)


def diagram_names(process_id: str, *file_sets: dict) -> list[str]:
    """The BPMN files of either version, the process's own file first."""
    names = sorted({n for files in file_sets for n in files if n.endswith(".bpmn")})
    own = f"{process_id}.bpmn"
    return ([own] if own in names else []) + [n for n in names if n != own]


@blueprint.get("/designer/processes/<process_id>/compare.json")
@json_errors
def designer_compare(process_id: str):  # type: ignore[no-untyped-def]
    """{"process_id", "from": {version, files}, "to": {version, files}, "diagrams": [names],
    "changes": diff_elements(…), "marks": {file: {added, removed, changed: [ids]}}}."""
    me = actor()
    check_may_design(me)  # who asks, before what they sent
    old_version, new_version = version_arg("from"), version_arg("to")
    if old_version == new_version:
        raise ValidationFailed.one("to", "เลือกสองรุ่นที่ต่างกัน", "Choose two different versions.")
    with reading() as db:
        old = catalog.version_detail(db, me, process_id, old_version)
        new = catalog.version_detail(db, me, process_id, new_version)
    changes = diff_elements(old["files"], new["files"])
    return {
        "process_id": process_id,
        "from": {"version": old_version, "files": old["files"]},
        "to": {"version": new_version, "files": new["files"]},
        "diagrams": diagram_names(process_id, old["files"], new["files"]),
        "changes": changes,
        "marks": marks_by_file(changes),
    }
