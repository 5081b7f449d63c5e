"""Moving running cases between two versions of a process, dry run first: the page lists what
would happen to each case (moves, or stays and why), the POST moves them and shows the result
with a link to move them back. Designers and administrators only (catalog.migrate checks)."""

from __future__ import annotations

import re

from flask import render_template, request

from admin.designer import dated, refusal
from admin.edge import actor, blueprint, reading, services
from engine.access.checks import check_may_design
from engine.errors import ValidationFailed
from engine.statuses import STATUSES
from engine.workflow import catalog

SHOWN = 500  # cases listed on the page; the counts cover all of them
ELEMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,63}")


def _choice(values) -> dict:  # type: ignore[no-untyped-def]
    """The form's fields: from, to (version numbers), status, element; each checked."""
    numbers = {}
    for name in ("from", "to"):
        raw = values.get(name, "")
        if raw and not (raw.isascii() and raw.isdigit() and len(raw) < 10):
            raise ValidationFailed.one(
                name, f"«{name}» ต้องเป็นเลขรุ่น", f"«{name}» must be a version number."
            )
        numbers[name] = int(raw) if raw else None
    status = values.get("status", "") or None
    if status is not None and status not in STATUSES:
        raise ValidationFailed.one("status", "ไม่มีสถานะนี้", "There is no such status.")
    element = values.get("element", "").strip() or None
    if element is not None and not ELEMENT.fullmatch(element):
        raise ValidationFailed.one(
            "element", "รหัสขั้นตอนไม่ถูกต้อง", "Not an element id (as written in the diagram)."
        )
    return {"from": numbers["from"], "to": numbers["to"], "status": status, "element": element}


def _migrate(process_id: str, chosen: dict, dry_run: bool) -> dict:
    return catalog.migrate(
        services().writer,
        services().clock,
        actor(),
        process_id,
        chosen["from"],
        chosen["to"],
        statuses=[chosen["status"]] if chosen["status"] else None,
        elements=[chosen["element"]] if chosen["element"] else None,
        dry_run=dry_run,
    )


def _page(process_id: str, chosen: dict, report: dict | None, status: int = 200):  # type: ignore[no-untyped-def]
    with reading() as db:
        rows = [dated(v) for v in catalog.list_versions(db, actor(), process_id)]
    page = render_template(
        "staff/designer/migrate.html",
        process_id=process_id,
        versions=rows,
        chosen=chosen,
        report=report,
        shown=SHOWN,
        statuses=STATUSES,
        case_links="admin" in actor().roles,  # designers do not read cases
    )
    return page, status


@blueprint.get("/designer/processes/<process_id>/migrate")
def designer_migrate(process_id: str):  # type: ignore[no-untyped-def]
    """The form, and with two versions chosen, a dry run: what each case would do."""
    check_may_design(actor())
    try:
        chosen = _choice(request.args)
        report = None
        if chosen["from"] and chosen["to"]:
            report = _migrate(process_id, chosen, dry_run=True)
    except ValidationFailed as exc:
        return refusal(exc)
    return _page(process_id, chosen, report)


@blueprint.post("/designer/processes/<process_id>/migrate")
def designer_migrate_run(process_id: str):  # type: ignore[no-untyped-def]
    """Move the chosen cases (each under its own lock, audited); the result per case."""
    check_may_design(actor())
    try:
        chosen = _choice(request.form)
        if not (chosen["from"] and chosen["to"]):
            raise ValidationFailed.one(
                "to", "เลือกรุ่นต้นทางและปลายทาง", "Choose the version to move from and to."
            )
        report = _migrate(process_id, chosen, dry_run=False)
    except ValidationFailed as exc:
        return refusal(exc)
    return _page(process_id, chosen, report)
