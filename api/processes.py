"""Process versions over REST (designer and admin roles): validate, deploy, list, activate,
retire, diff, migrate running cases, and bind a category to a process."""

from __future__ import annotations

from datetime import datetime

from flask import Response, jsonify, request

from api import process_uploads as uploads
from api.edge import blueprint, current_actor, json_body, lang, reading, services, writing
from engine.access.checks import check_may_design
from engine.errors import DefinitionInvalid, ValidationFailed
from engine.statuses import STATUSES
from engine.workflow import approvals, archive, catalog, versions

# Version numbers and case ids are 32-bit columns: a larger number is no row, not an overflow.
MAX_ID = 2**31 - 1


def _refused(exc: DefinitionInvalid):  # type: ignore[no-untyped-def]
    body = {
        "error": {"code": exc.code, "message": exc.message(lang()), "fields": {}},
        "findings": [f.as_json(lang()) for f in exc.findings],
    }
    return jsonify(body), 422


@blueprint.post("/processes/validate")
def validate_process():  # type: ignore[no-untyped-def]
    """Validate uploaded files without storing anything: the findings."""
    with reading() as session:
        check_may_design(current_actor(session))
        files = uploads.uploaded()
        result, _resolved, _pins, _files = versions.check(
            session,
            files,
            uploads.process_id(),
            apply_rewrites=uploads.flag("apply_rewrites"),
        )
    return {"findings": [f.as_json(lang()) for f in result.findings]}


@blueprint.post("/processes")
def deploy_process():  # type: ignore[no-untyped-def]
    """Deploy uploaded files as a new version: as a draft (201), or meant to go live: stored and
    its activation asked for (202 with the request; a second person approves). 422: findings."""
    actor = current_actor()
    check_may_design(actor)
    files = uploads.uploaded()
    process_id = uploads.process_id()
    note = request.form.get("note", "")[:2000]
    asked = None
    try:
        with writing() as session:
            now = services().clock()
            if uploads.flag("draft"):
                deployed = catalog.deploy(
                    session,
                    now,
                    actor,
                    files,
                    process_id=process_id,
                    note=note,
                    draft=True,
                    apply_rewrites=uploads.flag("apply_rewrites"),
                )
            else:
                deployed, asked = approvals.deploy_for_approval(
                    session,
                    now,
                    actor,
                    files,
                    process_id=process_id,
                    note=note,
                    apply_rewrites=uploads.flag("apply_rewrites"),
                )
            body = _deployed(session, deployed)
            if asked is not None:
                body["activation_request"] = approvals.request_json(asked)
    except DefinitionInvalid as exc:
        return _refused(exc)
    if asked is not None:
        return body, 202
    return body, 201 if deployed.created else 200


def _deployed(session, deployed: versions.Deployed) -> dict:  # type: ignore[no-untyped-def]
    definition = deployed.definition
    assert definition is not None
    return {
        "process_id": definition.process_id,
        "version": definition.version,
        "live": deployed.live,
        "created": deployed.created,
        "findings": [f.as_json(lang()) for f in deployed.findings],
        "stale_callers": versions.stale_callers(session, definition.process_id)
        if deployed.live
        else [],
    }


@blueprint.get("/processes")
def get_processes():  # type: ignore[no-untyped-def]
    """Every process with its live version, running cases and categories."""
    with reading() as session:
        return {"processes": catalog.list_processes(session, current_actor(session))}


@blueprint.get("/processes/<process_id>/versions")
def get_versions(process_id: str):  # type: ignore[no-untyped-def]
    """A process's versions, newest first."""
    with reading() as session:
        return {"versions": catalog.list_versions(session, current_actor(session), process_id)}


@blueprint.get(f"/processes/<process_id>/versions/<int(max={MAX_ID}):version>")
def get_version(process_id: str, version: int):  # type: ignore[no-untyped-def]
    """One version with its files, forms and task settings."""
    with reading() as session:
        return catalog.version_detail(session, current_actor(session), process_id, version)


@blueprint.post(f"/processes/<process_id>/versions/<int(max={MAX_ID}):version>/activate")
def activate_version(process_id: str, version: int):  # type: ignore[no-untyped-def]
    """Ask for a version to go live (202 with the request), or approve someone else's pending
    request for it (200: live now, or at the time asked for). Four eyes: never one person."""
    actor = current_actor()
    check_may_design(actor)
    note, activate_at = _request_fields()
    with writing() as session:
        row, decided = approvals.ask_or_approve(
            session, services().clock(), actor, process_id, version, note, activate_at
        )
        body = approvals.request_json(row)
    return body, 200 if decided else 202


def _request_fields() -> tuple[str, datetime | None]:
    """The optional JSON body of an activation: a note and a later time to go live."""
    if not request.get_data():
        return "", None
    data = json_body()
    note = data.get("note", "")
    if not isinstance(note, str) or len(note) > approvals.MAX_TEXT:
        raise ValidationFailed.one(
            "note",
            f"«note» ต้องเป็นข้อความไม่เกิน {approvals.MAX_TEXT} ตัวอักษร",
            f"«note» must be text of at most {approvals.MAX_TEXT} characters.",
        )
    raw = data.get("activate_at")
    if raw is None:
        return note, None
    when = None
    if isinstance(raw, str) and len(raw) <= 40:
        try:
            when = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            when = None
    if when is None or when.tzinfo is None:
        raise ValidationFailed.one(
            "activate_at",
            "«activate_at» ต้องเป็นเวลาแบบ ISO 8601 พร้อมเขตเวลา เช่น 2026-12-31T08:30:00+07:00",
            "«activate_at» must be an ISO 8601 time with its offset, e.g. "
            "2026-12-31T08:30:00+07:00.",
        )
    return note, when


@blueprint.get("/processes/activation-requests")
def get_activation_requests():  # type: ignore[no-untyped-def]
    """Requests to make a version live, newest first (?process_id=, ?open=true: still waiting)."""
    process_id = request.args.get("process_id") or None
    if process_id is not None and len(process_id) > 64:
        raise ValidationFailed.one(
            "process_id",
            "รหัสกระบวนงานยาวได้ไม่เกิน 64 ตัวอักษร",
            "A process id has at most 64 characters.",
        )
    open_only = request.args.get("open", "").strip().lower() in uploads.TRUE
    with reading() as session:
        rows = approvals.list_requests(
            session, current_actor(session), process_id=process_id, open_only=open_only
        )
        return {"requests": [approvals.request_json(r) for r in rows]}


REQUEST = f"/processes/activation-requests/<int(max={MAX_ID}):request_id>"


@blueprint.post(f"{REQUEST}/approve")
def approve_activation(request_id: int):  # type: ignore[no-untyped-def]
    """Another designer or an administrator approves: live now (or at the time asked for)."""
    return _decide(request_id, "approve")


@blueprint.post(f"{REQUEST}/reject")
def reject_activation(request_id: int):  # type: ignore[no-untyped-def]
    """Another designer or an administrator refuses, with a reason («reason»)."""
    return _decide(request_id, "reject")


@blueprint.post(f"{REQUEST}/cancel")
def cancel_activation(request_id: int):  # type: ignore[no-untyped-def]
    """The one who asked (or an administrator) withdraws a request still waiting."""
    return _decide(request_id, "cancel")


def _decide(request_id: int, decision: str):  # type: ignore[no-untyped-def]
    actor = current_actor()
    check_may_design(actor)
    data = json_body() if request.get_data() else {}
    text = data.get("reason" if decision == "reject" else "note", "")
    if not isinstance(text, str):
        field = "reason" if decision == "reject" else "note"
        raise ValidationFailed.one(field, f"«{field}» ต้องเป็นข้อความ", f"«{field}» must be text.")
    with writing() as session:
        now = services().clock()
        if decision == "approve":
            row = approvals.approve(session, now, actor, request_id, text)
        elif decision == "reject":
            row = approvals.reject(session, now, actor, request_id, text)
        else:
            row = approvals.cancel(session, now, actor, request_id)
        return approvals.request_json(row)


@blueprint.get(f"/processes/<process_id>/versions/<int(max={MAX_ID}):version>/export")
def export_version(process_id: str, version: int):  # type: ignore[no-untyped-def]
    """The version as a zip for review in git (process.json, diagrams, forms/, scenarios/)."""
    actor = current_actor()
    with writing() as session:  # the export is audited
        name, data = archive.export_version(session, services().clock(), actor, process_id, version)
    return _zip_response(name, data)


def _zip_response(name: str, data: bytes):  # type: ignore[no-untyped-def]
    response = Response(data, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@blueprint.post("/processes/import")
@blueprint.post("/processes/<process_id>/import")
def import_archive(process_id: str | None = None):  # type: ignore[no-untyped-def]
    """A draft from an exported zip (multipart field «archive»): 201 with the draft; a refused
    archive is 422 naming what is wrong, and nothing is stored."""
    actor = current_actor()
    check_may_design(actor)
    upload = request.files.get("archive")
    if upload is None:
        raise ValidationFailed.one(
            "archive",
            "ต้องแนบไฟล์ zip ที่ส่งออกจาก Damrong (multipart ชื่อ archive)",
            "Attach a zip exported from Damrong (multipart field «archive»).",
        )
    raw = upload.read()
    with writing() as session:
        draft = archive.import_archive(session, services().clock(), actor, raw, process_id)
        body = {
            "draft_id": draft.id,
            "process_id": draft.process_id,
            "lock": draft.lock,
            "files": sorted(draft.files or {}),
            "forms": sorted(draft.forms or {}),
            "scenarios": sorted(draft.scenarios or {}),
        }
    return body, 201


@blueprint.post(f"/processes/<process_id>/versions/<int(max={MAX_ID}):version>/retire")
def retire_version(process_id: str, version: int):  # type: ignore[no-untyped-def]
    """Start no new case on a version."""
    actor = current_actor()
    with writing() as session:
        return catalog.retire(session, services().clock(), actor, process_id, version)


@blueprint.get("/processes/<process_id>/diff")
def diff_versions(process_id: str):  # type: ignore[no-untyped-def]
    """Elements added, removed and changed between two versions (?from=&to=)."""
    from engine.workflow import diff

    check_may_design(current_actor())  # who asks first: 401/403 before any 422
    numbers = []
    for name in ("from", "to"):
        raw = request.args.get(name, "")
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:  # not «²», which int() refuses
            raise ValidationFailed.one(
                name, f"«{name}» ต้องเป็นเลขรุ่น", f"«{name}» must be a version number."
            )
        numbers.append(int(raw))
    with reading() as session:
        old = versions.find(session, process_id, numbers[0])
        new = versions.find(session, process_id, numbers[1])
        return diff.diff_versions(old.files, old.forms, new.files, new.forms)


@blueprint.post("/processes/<process_id>/migrations")
def migrate_cases(process_id: str):  # type: ignore[no-untyped-def]
    """Move running cases between versions: a per-case report (dry_run first)."""
    actor = current_actor()
    check_may_design(actor)
    data = json_body()
    numbers = {}
    for name in ("from_version", "to_version"):
        value = data.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 10**9:
            raise ValidationFailed.one(
                name, f"«{name}» ต้องเป็นเลขรุ่น", f"«{name}» must be a version number."
            )
        numbers[name] = value
    case_ids = data.get("case_ids")
    if case_ids is not None and (
        not isinstance(case_ids, list)
        or len(case_ids) > 100_000
        or not all(
            isinstance(i, int) and not isinstance(i, bool) and 0 < i <= MAX_ID for i in case_ids
        )
    ):
        raise ValidationFailed.one(
            "case_ids", "«case_ids» ต้องเป็นรายการเลขเรื่อง", "«case_ids» must be a list of case ids."
        )
    dry_run = data.get("dry_run", True)
    if not isinstance(dry_run, bool):
        raise ValidationFailed.one(
            "dry_run", "«dry_run» ต้องเป็น true หรือ false", "«dry_run» must be true or false."
        )
    statuses = _names(data, "statuses", STATUSES)
    elements = _names(data, "elements", None)
    return catalog.migrate(
        services().writer,
        services().clock,
        actor,
        process_id,
        numbers["from_version"],
        numbers["to_version"],
        case_ids=case_ids,
        statuses=statuses,
        elements=elements,
        dry_run=dry_run,
    )


def _names(data: dict, field: str, allowed) -> list[str] | None:  # type: ignore[no-untyped-def]
    """An optional list of statuses or element ids that chooses the cases to move."""
    value = data.get(field)
    if value is None:
        return None
    if (
        not isinstance(value, list)
        or not 0 < len(value) <= 200
        or not all(isinstance(v, str) and 0 < len(v) <= 64 for v in value)
        or (allowed is not None and not set(value) <= set(allowed))
    ):
        raise ValidationFailed.one(
            field,
            f"«{field}» ต้องเป็นรายการชื่อ ({'สถานะเรื่อง' if allowed else 'รหัสขั้นตอน'})",
            f"«{field}» must be a list of {'case statuses' if allowed else 'element ids'}.",
        )
    return value


@blueprint.put("/categories/<code>/process")
def bind_category(code: str):  # type: ignore[no-untyped-def]
    """Bind a category to a process: its new cases start on the process's live version."""
    actor = current_actor()
    check_may_design(actor)
    data = json_body()
    process_id = data.get("process_id")
    if not isinstance(process_id, str) or not process_id.strip() or len(process_id) > 64:
        raise ValidationFailed.one(
            "process_id", "ต้องระบุรหัสกระบวนงาน", "Give the process id («process_id»)."
        )
    with writing() as session:
        catalog.bind_category(session, services().clock(), actor, code, process_id.strip())
    return {"category": code, "process_id": process_id.strip()}
