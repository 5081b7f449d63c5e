"""The process designer's pages: the library of processes, one process (versions, compare, ask
for activation or a rollback, retire), a draft (the modeler, deploy, discard) and the four-eyes
decisions. Designers and administrators only: every view calls a checked engine service first.
The modeler's JSON is in admin/designer_json.py, moving running cases in admin/designer_migrate.py.
"""

from __future__ import annotations

import json
from datetime import datetime

from flask import current_app, flash, redirect, render_template, request, url_for
from jinja2 import TemplateNotFound

from admin.edge import actor, blueprint, reading, safe_next, services, writing
from engine.access.checks import check_may_design, may_approve_activation, may_cancel_activation
from engine.errors import DefinitionInvalid, ValidationFailed
from engine.models import Process
from engine.workflow import approvals, catalog, drafts, versions
from engine.workflow.diff import diff_versions
from engine.workflow.diffview import decision_tables
from web.i18n import BANGKOK, current_lang, t

MAX_VERSION = 2**31 - 1  # a 32-bit column (the form's version field; <int:…> is bounded)
MODELER = "staff/designer/modeler.html"
STATES = {
    "live": ("ใช้งานอยู่", "Live"),
    "draft": ("ยังไม่เปิดใช้", "Not live yet"),
    "previous": ("รุ่นก่อนหน้า", "Previous"),
    "retired": ("เลิกใช้แล้ว", "Retired"),
}
REQUEST_STATES = {
    "pending": ("รออนุมัติ", "Awaiting approval"),
    "scheduled": ("อนุมัติแล้ว รอเวลาเปิดใช้", "Approved, scheduled"),
    "activated": ("อนุมัติและเปิดใช้แล้ว", "Approved and live"),
    "rejected": ("ไม่อนุมัติ", "Rejected"),
    "cancelled": ("ยกเลิกคำขอ", "Withdrawn"),
    "failed": ("เปิดใช้ไม่สำเร็จ", "Could not go live"),
}
DATES = ("deployed_at", "activated_at", "retired_at", "updated_at")


def dated(row: dict) -> dict:
    """A catalog row with its ISO times as datetimes (for be_date)."""
    return {k: datetime.fromisoformat(v) if k in DATES and v else v for k, v in row.items()}


def shown(value: object) -> str:
    """A changed value as text: as written, or JSON (Thai kept readable) for lists and objects."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def request_rows(rows: list) -> list[dict]:
    """Activation requests as the pages show them, with what this user may do to each."""
    me = actor()
    return [
        {
            "row": r,
            "state": approvals.state_label(r),
            "may_decide": r.state == approvals.PENDING and may_approve_activation(me, r),
            "may_cancel": approvals.state_label(r) in ("pending", "scheduled")
            and may_cancel_activation(me, r),
        }
        for r in rows
    ]


def refusal(exc: ValidationFailed, status: int = 422):  # type: ignore[no-untyped-def]
    """A refused form as the error page, naming what is wrong (Thai or English)."""
    index = 1 if current_lang() == "en" else 0
    messages = [pair[index] for pair in exc.fields.values()] or [exc.message(current_lang())]
    page = render_template("staff/error.html", message=" ".join(messages), status=status)
    return page, status


@blueprint.get("/designer/")
def designer():  # type: ignore[no-untyped-def]
    """The library: every process with its versions, the decision tables of the live versions
    (which processes carry each), the requests waiting, the drafts."""
    me = actor()
    with reading() as db:
        processes = catalog.list_processes(db, me)
        tables: dict[tuple[str, str | None], dict] = {}
        for process in processes:
            rows = catalog.list_versions(db, me, process["process_id"])
            process["recent"] = [dated(v) for v in rows[:5]]
            if process["live_version"] is not None:
                pid, live = process["process_id"], process["live_version"]
                files = catalog.version_detail(db, me, pid, live)["files"]
                for found in decision_tables(files):
                    row = tables.setdefault((found["file"], found["decision"]), {**found})
                    row.setdefault("carriers", []).append((process, live))
        waiting = request_rows(approvals.list_requests(db, me, open_only=True))
        every = drafts.list_drafts(db, me)
        return render_template(
            "staff/designer/library.html",
            processes=[dated(p) for p in processes],
            decisions=sorted(tables.values(), key=lambda r: (r["file"], r["decision"] or "")),
            waiting=waiting,
            mine=[d for d in every if d.created_by == me.label],
            others=[d for d in every if d.created_by != me.label],
            states=STATES,
            request_states=REQUEST_STATES,
        )


@blueprint.get("/designer/processes/<process_id>")
def designer_process(process_id: str):  # type: ignore[no-untyped-def]
    """One process: its versions, the requests about it, and what changed between two versions."""
    me = actor()
    with reading() as db:
        rows = [dated(v) for v in catalog.list_versions(db, me, process_id)]
        process = next(p for p in catalog.list_processes(db, me) if p["process_id"] == process_id)
        requests = request_rows(approvals.list_requests(db, me, process_id=process_id))
        numbers = [v["version"] for v in rows]
        chosen = _pair(numbers)
        changes = None
        if chosen:
            old = versions.find(db, process_id, chosen[0])
            new = versions.find(db, process_id, chosen[1])
            changes = diff_versions(old.files, old.forms, new.files, new.forms)
        waiting = {r["row"].version for r in requests if r["state"] in ("pending", "scheduled")}
        return render_template(
            "staff/designer/process.html",
            process=dated(process),
            versions=rows,
            requests=requests,
            waiting=waiting,
            chosen=chosen,
            changes=changes,
            shown=shown,
            states=STATES,
            request_states=REQUEST_STATES,
        )


def _pair(numbers: list[int]) -> tuple[int, int] | None:
    """The two versions to compare (?from=&to=), when both are versions of this process."""
    raw = (request.args.get("from", ""), request.args.get("to", ""))
    if not all(v.isascii() and v.isdigit() and len(v) < 10 for v in raw):
        return None
    pair = (int(raw[0]), int(raw[1]))
    return pair if pair[0] != pair[1] and set(pair) <= set(numbers) else None


@blueprint.post("/designer/drafts")
def designer_new_process():  # type: ignore[no-untyped-def]
    """A blank draft of a new process (a start and an end event to draw from)."""
    try:
        with writing() as db:
            draft = drafts.create(
                db,
                services().clock(),
                actor(),
                request.form.get("process_id", "").strip(),
                note=request.form.get("note", ""),
            )
            draft_id = draft.id
    except ValidationFailed as exc:
        return refusal(exc)
    return redirect(url_for("staff.designer_draft", draft_id=draft_id))


@blueprint.post("/designer/processes/<process_id>/drafts")
def designer_new_draft(process_id: str):  # type: ignore[no-untyped-def]
    """A draft copied from one version of a process (the live one unless another is chosen)."""
    raw = request.form.get("version", "")
    try:
        with writing() as db:
            stored = catalog.list_versions(db, actor(), process_id)  # who asks: checked first
            live = [v["version"] for v in stored if v["live"]]
            version = _version(raw) if raw else (live[0] if live else None)
            draft = drafts.create(
                db,
                services().clock(),
                actor(),
                process_id,
                from_version=version,
                note=request.form.get("note", ""),
            )
            draft_id = draft.id
    except ValidationFailed as exc:
        return refusal(exc)
    flash(t("สร้างร่างแล้ว การแก้ไขจะบันทึกอัตโนมัติ", "Draft created; your changes save themselves."))
    return redirect(url_for("staff.designer_draft", draft_id=draft_id))


def _version(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_VERSION or int(raw) < 1:
        raise ValidationFailed.one("version", "เลขรุ่นไม่ถูกต้อง", "Not a version number.")
    return int(raw)


@blueprint.get("/designer/drafts/<int:draft_id>")
def designer_draft(draft_id: int):  # type: ignore[no-untyped-def]
    """The draft in the modeler (bpmn-js), with deploy and discard; without the modeler's
    bundle, a plain page listing the files, with validate and deploy forms."""
    with reading() as db:
        draft = drafts.get(db, actor(), draft_id)
        process = db.get(Process, draft.process_id)
        name = (process.name_th, process.name_en) if process else (draft.process_id,) * 2
        context = {
            "draft": draft,
            "sizes": {n: len(x.encode()) for n, x in (draft.files or {}).items()},
            "process_id": draft.process_id,
            "title": t(f"{name[0]} (ร่าง #{draft.id})", f"{name[1]} (draft #{draft.id})"),
            "load_url": url_for("staff.designer_content", draft_id=draft_id),
            "save_url": url_for("staff.designer_save", draft_id=draft_id),
            "validate_url": url_for("staff.designer_validate", draft_id=draft_id),
            "reference_url": url_for("staff.designer_reference"),
            "lock": draft.lock,
            "back_url": url_for("staff.designer_process", process_id=draft.process_id)
            if process
            else url_for("staff.designer"),
        }
        return render_template("staff/designer/draft.html", modeler=_has_modeler(), **context)


def _has_modeler() -> bool:
    """Whether the modeler's page template is installed (frontend/designer/README.md)."""
    try:
        current_app.jinja_env.get_template(MODELER)
    except TemplateNotFound:
        return False
    return True


@blueprint.post("/designer/drafts/<int:draft_id>/deploy")
def designer_deploy(draft_id: int):  # type: ignore[no-untyped-def]
    """Store the draft as a version and ask a second person to activate it; refused, the page
    lists every finding (file, line, element) and nothing is stored."""
    check_may_design(actor())  # who asks, before what they sent
    try:
        activate_at = _when(request.form.get("activate_at", ""))
        with writing() as db:
            asked = drafts.deploy(
                db,
                services().clock(),
                actor(),
                draft_id,
                note=request.form.get("note", ""),
                activate_at=activate_at,
            )
            process_id, version = asked.process_id, asked.version
    except DefinitionInvalid as exc:
        page = render_template(
            "staff/designer/findings.html", findings=exc.findings, draft_id=draft_id
        )
        return page, 422
    except ValidationFailed as exc:
        return refusal(exc)
    flash(
        t(
            f"ติดตั้งรุ่น {version} แล้ว (ยังไม่เปิดใช้) ส่งคำขอเปิดใช้ให้ผู้ออกแบบคนอื่นหรือผู้ดูแลระบบอนุมัติ",
            f"Version {version} is stored (not live yet); another designer or an administrator "
            "must approve its activation.",
        )
    )
    return redirect(url_for("staff.designer_process", process_id=process_id))


def _when(raw: str) -> datetime | None:
    """A scheduled time from a datetime-local field, in Thailand's time zone."""
    if not raw.strip():
        return None
    try:
        return datetime.fromisoformat(raw.strip()[:16]).replace(tzinfo=BANGKOK)
    except ValueError as exc:
        raise ValidationFailed.one(
            "activate_at", "เวลาที่จะเปิดใช้ไม่ถูกต้อง", "The time to go live is not a valid time."
        ) from exc


@blueprint.post("/designer/drafts/<int:draft_id>/discard")
def designer_discard(draft_id: int):  # type: ignore[no-untyped-def]
    """Throw a draft away."""
    with writing() as db:
        drafts.discard(db, services().clock(), actor(), draft_id)
    flash(t("ลบร่างแล้ว", "The draft has been discarded."))
    return redirect(url_for("staff.designer"))


@blueprint.post("/designer/processes/<process_id>/versions/<int:version>/request")
def designer_request(process_id: str, version: int):  # type: ignore[no-untyped-def]
    """Ask for a stored version to go live: a draft version, or an earlier one (a rollback)."""
    check_may_design(actor())  # who asks, before what they sent
    try:
        activate_at = _when(request.form.get("activate_at", ""))
        with writing() as db:
            approvals.request_activation(
                db,
                services().clock(),
                actor(),
                process_id,
                version,
                request.form.get("note", ""),
                activate_at,
            )
    except ValidationFailed as exc:
        return refusal(exc)
    flash(
        t(
            f"ส่งคำขอเปิดใช้รุ่น {version} แล้ว รอผู้ออกแบบคนอื่นหรือผู้ดูแลระบบอนุมัติ",
            f"Asked for version {version} to go live; another designer or an administrator "
            "approves it.",
        )
    )
    return redirect(url_for("staff.designer_process", process_id=process_id))


@blueprint.post("/designer/processes/<process_id>/versions/<int:version>/retire")
def designer_retire(process_id: str, version: int):  # type: ignore[no-untyped-def]
    """Start no new case on a version (cases running on it go on)."""
    with writing() as db:
        catalog.retire(db, services().clock(), actor(), process_id, version)
    flash(t(f"เลิกใช้รุ่น {version} แล้ว", f"Version {version} is retired."))
    return redirect(url_for("staff.designer_process", process_id=process_id))


def _decided(request_id: int, what: str):  # type: ignore[no-untyped-def]
    me, now = actor(), services().clock()
    try:
        with writing() as db:
            if what == "approve":
                row = approvals.approve(db, now, me, request_id, request.form.get("note", ""))
            elif what == "reject":
                row = approvals.reject(db, now, me, request_id, request.form.get("reason", ""))
            else:
                row = approvals.cancel(db, now, me, request_id)
            outcome, version = approvals.state_label(row), row.version
            process_id = row.process_id
    except ValidationFailed as exc:
        return refusal(exc)
    th, en = REQUEST_STATES[outcome]
    flash(t(f"รุ่น {version}: {th}", f"Version {version}: {en}"))
    back = url_for("staff.designer_process", process_id=process_id)
    return redirect(safe_next(request.form.get("next"), back))


@blueprint.post("/designer/approvals/<int:request_id>/approve")
def designer_approve(request_id: int):  # type: ignore[no-untyped-def]
    """A second person approves: the version goes live (now, or at the time asked for)."""
    return _decided(request_id, "approve")


@blueprint.post("/designer/approvals/<int:request_id>/reject")
def designer_reject(request_id: int):  # type: ignore[no-untyped-def]
    """A second person refuses, with a reason."""
    return _decided(request_id, "reject")


@blueprint.post("/designer/approvals/<int:request_id>/cancel")
def designer_cancel(request_id: int):  # type: ignore[no-untyped-def]
    """The one who asked (or an administrator) withdraws the request."""
    return _decided(request_id, "cancel")
