"""A process version or a draft as a zip for review in git, and such a zip imported as a new
draft (engine/workflow/archive.py reads it as hostile input). Designers and administrators only:
every view calls a checked engine service first; exports and imports are audited there."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for

from admin.edge import actor, blueprint, services, writing
from engine.access.checks import check_may_design
from engine.errors import ValidationFailed
from engine.workflow import archive, safezip
from web.i18n import current_lang, t

IMPORT_PAGE = "staff/designer/import.html"


def _zip(name: str, data: bytes) -> Response:
    response = Response(data, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@blueprint.get("/designer/processes/<process_id>/versions/<int(max=2147483647):version>/export.zip")
def designer_export_version(process_id: str, version: int):  # type: ignore[no-untyped-def]
    """A stored version as a zip: process.json, its diagrams, forms/ and scenarios/."""
    with writing() as db:  # the export is audited
        name, data = archive.export_version(db, services().clock(), actor(), process_id, version)
    return _zip(name, data)


@blueprint.get("/designer/drafts/<int:draft_id>/export.zip")
def designer_export_draft(draft_id: int):  # type: ignore[no-untyped-def]
    """A draft as a zip, in the same layout as a version's."""
    with writing() as db:
        name, data = archive.export_draft(db, services().clock(), actor(), draft_id)
    return _zip(name, data)


@blueprint.get("/designer/import")
def designer_import_page():  # type: ignore[no-untyped-def]
    """The upload form: a zip exported from Damrong becomes a new draft (?process_id=: of that
    process only)."""
    check_may_design(actor())
    process_id = request.args.get("process_id", "").strip()[:64] or None
    return render_template(IMPORT_PAGE, process_id=process_id, message=None, limits=_limits())


@blueprint.post("/designer/import")
def designer_import():  # type: ignore[no-untyped-def]
    """A new draft from an uploaded zip (of any process); refused: the form again, saying why."""
    return _imported(None)


@blueprint.post("/designer/processes/<process_id>/import")
def designer_import_into(process_id: str):  # type: ignore[no-untyped-def]
    """A new draft of this process from an uploaded zip (an archive of another is refused)."""
    return _imported(process_id)


def _imported(process_id: str | None):  # type: ignore[no-untyped-def]
    check_may_design(actor())  # who asks, before what they sent
    upload = request.files.get("archive")
    try:
        if upload is None or not upload.filename:
            raise safezip.refused(
                "เลือกไฟล์ zip ที่ส่งออกจาก Damrong ก่อน", "Choose a zip exported from Damrong first."
            )
        with writing() as db:
            draft = archive.import_archive(
                db, services().clock(), actor(), upload.read(), process_id
            )
            draft_id, pid = draft.id, draft.process_id
    except ValidationFailed as exc:
        index = 1 if current_lang() == "en" else 0
        message = " ".join(p[index] for p in exc.fields.values()) or exc.message(current_lang())
        page = render_template(
            IMPORT_PAGE, process_id=process_id, message=message, limits=_limits()
        )
        return page, 422
    flash(
        t(
            f"นำเข้าเป็นร่างของ {pid} แล้ว ตรวจสอบและติดตั้งจากหน้านี้ได้",
            f"Imported as a draft of {pid}; check and deploy it from here.",
        )
    )
    return redirect(url_for("staff.designer_draft", draft_id=draft_id))


def _limits() -> dict[str, int]:
    return {
        "entries": safezip.MAX_ENTRIES,
        "entry_mb": safezip.MAX_ENTRY_BYTES // (1024 * 1024),
        "total_mb": safezip.MAX_TOTAL_BYTES // (1024 * 1024),
        "depth": safezip.MAX_JSON_DEPTH,
    }
