"""The modeler's JSON (frontend/designer/README.md): load a draft, save it against its lock (PUT
with the session's X-CSRF-Token), validate it, and the reference lists a diagram may name.
Domain errors answer as JSON ({"error": {code, message, fields}}, findings when there are some)
with the status the API would give, never as the staff web's HTML error page.
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable

from flask import jsonify, render_template, request, session

from admin.edge import actor, blueprint, reading, services, writing
from engine import errors
from engine.access.checks import check_may_design
from engine.workflow import drafts
from web.errors import status_for
from web.i18n import current_lang
from web.inputs import loads_strictly

# A draft may hold 5 MB (engine/workflow/drafts.py); a body up to twice that is read, so a
# draft just over the limit is told so in words (422) rather than cut off by the server (413).
MAX_BODY = 2 * drafts.MAX_DRAFT_BYTES


def json_errors(view: Callable) -> Callable:
    """Answer a domain error as JSON with its HTTP status."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return view(*args, **kwargs)
        except errors.DamrongError as exc:
            return error_body(exc), status_for(exc)

    return wrapped


def error_body(exc: errors.DamrongError):  # type: ignore[no-untyped-def]
    lang = current_lang()
    index = 1 if lang == "en" else 0
    fields = {k: v[index] for k, v in getattr(exc, "fields", {}).items()}
    body: dict = {"error": {"code": exc.code, "message": exc.message(lang), "fields": fields}}
    if isinstance(exc, errors.DefinitionInvalid):
        body["findings"] = [f.as_json(lang) for f in exc.findings]
    if "current_lock" in exc.detail:
        body["lock"] = exc.detail["current_lock"]
    return jsonify(body)


def json_object() -> dict:
    """The request's JSON object (up to MAX_BODY bytes), or a 422 that says what is wrong."""
    request.max_content_length = MAX_BODY
    try:
        data = loads_strictly(request.get_data(cache=False)) if request.content_length else None
    except ValueError as exc:
        raise errors.ValidationFailed.one(
            "", "อ่านข้อมูล JSON ไม่ได้", "The JSON body cannot be read."
        ) from exc
    if not isinstance(data, dict):
        raise errors.ValidationFailed.one(
            "", "ข้อมูลต้องเป็นออบเจ็กต์ JSON", "The body must be a JSON object."
        )
    return data


def check_csrf_header() -> None:
    """A PUT carries the session's CSRF token in X-CSRF-Token (the edge checks POSTs)."""
    sent = request.headers.get("X-CSRF-Token", "")
    expected = session.get("csrf") or ""
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise errors.UnreadableInput(
            "The page expired or the request did not come from it; reload and try again.",
            "หน้านี้หมดอายุหรือคำขอไม่ได้ส่งมาจากหน้านี้ กรุณาโหลดหน้าใหม่แล้วลองอีกครั้ง",
        )


@blueprint.get("/designer/drafts/<int:draft_id>/content")
@json_errors
def designer_content(draft_id: int):  # type: ignore[no-untyped-def]
    """The draft as the modeler loads it: process id, files, forms, lock."""
    with reading() as db:
        return drafts.content(drafts.get(db, actor(), draft_id))


@blueprint.put("/designer/drafts/<int:draft_id>/content")
@json_errors
def designer_save(draft_id: int):  # type: ignore[no-untyped-def]
    """Save {"files", "lock"} (and "forms", "note" when sent): {"lock": the next lock}, 409
    when the draft was saved elsewhere since that lock."""
    check_may_design(actor())  # who asks, then whether the page sent its token, then the body
    check_csrf_header()
    data = json_object()
    with writing() as db:
        lock = drafts.save(
            db,
            services().clock(),
            actor(),
            draft_id,
            data.get("files"),
            data.get("lock"),
            forms=data.get("forms"),
            note=data.get("note"),
        )
    return {"lock": lock}


@blueprint.post("/designer/drafts/<int:draft_id>/validate")
@json_errors
def designer_validate(draft_id: int):  # type: ignore[no-untyped-def]
    """The findings of the draft (or of the files sent, not saved): JSON for the modeler, a page
    for the plain form."""
    check_may_design(actor())
    files = json_object().get("files") if request.is_json else None
    with reading() as db:
        findings = drafts.validate(db, actor(), draft_id, files)
    if not request.is_json:
        page = render_template(
            "staff/designer/findings.html", findings=findings, draft_id=draft_id, checked=True
        )
        return page
    return {"findings": [f.as_json(current_lang()) for f in findings]}


@blueprint.get("/designer/reference")
@json_errors
def designer_reference():  # type: ignore[no-untyped-def]
    """What a diagram may name: roles, forms, SLA policies, statuses, processes."""
    with reading() as db:
        return drafts.reference(db, actor())
