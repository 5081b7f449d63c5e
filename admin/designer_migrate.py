"""Moving running cases between two versions of a process, dry run first, in batches.

The form picks the cases (by version, status, current step) and starts a dry run; its page shows
the progress and then, page by page, whether each case can move and why not. From a finished dry
run the designer moves exactly the cases it found movable; that run's page shows its progress, the
result, and a way back (a dry run over the moved cases in the other direction). The request that
starts a run works on it for a moment; the scheduler's `migration_runs` job finishes the rest, and
the page reloads itself while the run goes on. Designers and administrators only (the engine's
migrationruns services check)."""

from __future__ import annotations

import re

from flask import redirect, render_template, request, url_for

from admin.designer import dated, refusal
from admin.edge import actor, blueprint, reading, services
from engine.access.checks import check_may_design
from engine.errors import ValidationFailed
from engine.statuses import STATUSES
from engine.workflow import catalog, migrationruns

PER_PAGE = 100
ELEMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,63}")
MAX_PAGE = 10_000


def _number(values, name: str) -> int | None:  # type: ignore[no-untyped-def]
    raw = values.get(name, "")
    if raw and not (raw.isascii() and raw.isdigit() and len(raw) < 10):
        raise ValidationFailed.one(
            name, f"«{name}» ต้องเป็นเลขรุ่น", f"«{name}» must be a version number."
        )
    return int(raw) if raw else None


def _choice(values) -> dict:  # type: ignore[no-untyped-def]
    """The form's fields: from, to (version numbers), status, element; each checked."""
    numbers = {name: _number(values, name) for name in ("from", "to")}
    status = values.get("status", "") or None
    if status is not None and status not in STATUSES:
        raise ValidationFailed.one("status", "ไม่มีสถานะนี้", "There is no such status.")
    element = values.get("element", "").strip() or None
    if element is not None and not ELEMENT.fullmatch(element):
        raise ValidationFailed.one(
            "element", "รหัสขั้นตอนไม่ถูกต้อง", "Not an element id (as written in the diagram)."
        )
    return {"from": numbers["from"], "to": numbers["to"], "status": status, "element": element}


@blueprint.get("/designer/processes/<process_id>/migrate")
def designer_migrate(process_id: str):  # type: ignore[no-untyped-def]
    """The form choosing the cases, and this process's latest runs."""
    me = actor()
    check_may_design(me)
    try:
        chosen = _choice(request.args)
    except ValidationFailed as exc:
        return refusal(exc)
    with reading() as db:
        rows = [dated(v) for v in catalog.list_versions(db, me, process_id)]
        runs = migrationruns.recent(db, me, process_id)
    return render_template(
        "staff/designer/migrate.html",
        process_id=process_id,
        versions=rows,
        chosen=chosen,
        runs=runs,
        statuses=STATUSES,
    )


@blueprint.post("/designer/processes/<process_id>/migrate")
def designer_migrate_run(process_id: str):  # type: ignore[no-untyped-def]
    """Start a dry run over the chosen cases (nothing moves), then show its page."""
    check_may_design(actor())
    try:
        chosen = _choice(request.form)
        if not (chosen["from"] and chosen["to"]):
            raise ValidationFailed.one(
                "to", "เลือกรุ่นต้นทางและปลายทาง", "Choose the version to move from and to."
            )
        run_id = migrationruns.start(
            services().writer,
            services().clock,
            actor(),
            process_id,
            chosen["from"],
            chosen["to"],
            statuses=[chosen["status"]] if chosen["status"] else None,
            elements=[chosen["element"]] if chosen["element"] else None,
            dry_run=True,
        )
    except ValidationFailed as exc:
        return refusal(exc)
    return _carried_on(run_id)


@blueprint.get("/designer/migrations/<int:run_id>")
def designer_migration(run_id: int):  # type: ignore[no-untyped-def]
    """A run: its progress, then its outcomes page by page (all, moved, can move, blocked)."""
    me = actor()
    check_may_design(me)
    only = request.args.get("only") or None
    raw_page = request.args.get("page", "1")
    if not (raw_page.isascii() and raw_page.isdigit() and 0 < int(raw_page) <= MAX_PAGE):
        return refusal(ValidationFailed.one("page", "เลขหน้าไม่ถูกต้อง", "Not a page number."))
    page = int(raw_page)
    try:
        with reading() as db:
            run = migrationruns.summary(db, me, run_id)
            rows, total = migrationruns.outcomes(
                db, me, run_id, only=only, page=page, per_page=PER_PAGE
            )
            now = migrationruns.where_now(db, [r.case_id for r in rows])
    except ValidationFailed as exc:
        return refusal(exc)
    pages = max(1, -(-total // PER_PAGE))
    return render_template(
        "staff/designer/migration.html",
        run=run,
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        only=only,
        filters=migrationruns.OUTCOMES,
        now=now,
        statuses=STATUSES,
        case_links="admin" in me.roles,  # designers do not read cases
    )


@blueprint.post("/designer/migrations/<int:run_id>/move")
def designer_migration_move(run_id: int):  # type: ignore[no-untyped-def]
    """Move the cases a finished dry run found movable."""
    new_id = migrationruns.move_checked(services().writer, services().clock, actor(), run_id)
    return _carried_on(new_id)


@blueprint.post("/designer/migrations/<int:run_id>/undo")
def designer_migration_undo(run_id: int):  # type: ignore[no-untyped-def]
    """A dry run taking a finished move's cases back to the version they came from."""
    new_id = migrationruns.undo(services().writer, services().clock, actor(), run_id)
    return _carried_on(new_id)


@blueprint.post("/designer/migrations/<int:run_id>/continue")
def designer_migration_continue(run_id: int):  # type: ignore[no-untyped-def]
    """Work on a run now (when the scheduler is not running, or to hurry a small one)."""
    check_may_design(actor())
    with reading() as db:
        migrationruns.summary(db, actor(), run_id)  # 404 for a run that does not exist
    return _carried_on(run_id)


@blueprint.post("/designer/migrations/<int:run_id>/cancel")
def designer_migration_cancel(run_id: int):  # type: ignore[no-untyped-def]
    """Stop a run after its current batch; what it moved stays moved and can be taken back."""
    migrationruns.cancel(services().writer, services().clock, actor(), run_id)
    return redirect(url_for("staff.designer_migration", run_id=run_id))


def _carried_on(run_id: int):  # type: ignore[no-untyped-def]
    migrationruns.carry_on(services().writer, services().clock, run_id, actor())
    return redirect(url_for("staff.designer_migration", run_id=run_id))
