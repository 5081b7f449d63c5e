"""File a complaint from a phone: the intake form, photos, consent, then the receipt."""

from __future__ import annotations

from flask import make_response, redirect, render_template, request, session, url_for
from sqlalchemy import select

from engine.access.rules import Actor
from engine.access.secrets import make_tracking_token
from engine.cases.intake import open_case
from engine.errors import RateLimited, ValidationFailed
from engine.models import Category
from engine.reference.choices import seed_choices
from forms.formdata import form_errors, parse_form
from forms.render import Field, error_summary, is_refresh, render_custom, render_field, script
from portal import kept, uploads
from portal.device import count_filing, remember_device
from portal.pages import (
    CSRF_KEY,
    blueprint,
    lang,
    message_page,
    pick,
    reading,
    services,
    writing,
)
from web.links import public_url

HONEYPOT = "website"
RECEIPT_KEY = "portal_receipt"
CITIZEN = Actor(kind="citizen", label="complainant")  # filing: no case to prove yet
SHOWN_FIELDS = [
    "title",
    "description",
    "category",
    "occurred_on",
    "area_code",
    "address_text",
    "lat",
    "lon",
    "anonymous",
    "complainant.name",
    "complainant.phone",
    "complainant.email",
    "confidential",
    "consent",
    "publish",
]


def _categories() -> list[Category]:
    with reading() as db:
        return list(
            db.scalars(select(Category).where(Category.active.is_(True)).order_by(Category.code))
        )


def _kept(tokens: list[str], newly: list[kept.Kept] | None = None) -> list[kept.Kept]:
    """The files this form already holds: those kept before, and any just kept."""
    with reading() as db:
        before = kept.shown(db, services().clock(), _form_session(), tokens)
    return before + list(newly or [])


def _form_session() -> str:
    """The form's session (its CSRF token, checked on every POST): kept files belong to it."""
    return str(session.get(CSRF_KEY) or "")


def _page(values: dict, errors: dict, status: int = 200, files: list | None = None):  # type: ignore[no-untyped-def]
    choices = {**seed_choices(), "category": _categories()}
    fields = {
        name: render_field("intake", name, values, errors, lang(), choices=choices)
        for name in SHOWN_FIELDS
    }
    upload = Field(
        name="photos",
        widget="file",
        label=pick(("รูปถ่ายหรือเอกสาร (ถ้ามี)", "Photos or documents (optional)")),
        hint=pick(
            (
                f"ไม่เกิน {uploads.MAX_FILES} ไฟล์ ไฟล์ละไม่เกิน "
                f"{uploads.MAX_FILE_BYTES // 1048576} MB: รูปภาพ JPEG PNG WebP GIF หรือ PDF "
                "ระบบจะลบข้อมูลแฝงในรูป เช่น พิกัด GPS ออกให้",
                f"Up to {uploads.MAX_FILES} files of at most "
                f"{uploads.MAX_FILE_BYTES // 1048576} MB each: JPEG, PNG, WebP, GIF images or "
                "PDF. Hidden data in photos, such as GPS position, is removed.",
            )
        ),
        error=pick(errors["photos"]) if "photos" in errors else "",
        multiple=True,
        accept=uploads.ACCEPT,
        lang=lang(),
    )
    summary = error_summary("intake", errors, lang(), anchors={"photos": "f-photos"})
    config = services().config
    return (
        render_template(
            "portal/complaint.html",
            fields=fields,
            upload=render_custom(upload, lang()),
            summary=summary,
            form_script=script(),
            tile_url=getattr(config, "map_tile_url", ""),
            tile_attribution=getattr(config, "map_tile_attribution", ""),
            honeypot=HONEYPOT,
            kept_files=files or [],
        ),
        status,
    )


@blueprint.get("/complaint")
def complaint_form():  # type: ignore[no-untyped-def]
    """The empty complaint form (and a device cookie, so this phone is counted on its own)."""
    return remember_device(make_response(_page({}, {})))


@blueprint.post("/complaint")
def complaint_submit():  # type: ignore[no-untyped-def]
    """Check everything, open the case with channel "web", store the files, show the receipt."""
    if request.form.get(HONEYPOT):  # people never see this field; form-filling robots do
        return message_page(
            ("ส่งเรื่องไม่สำเร็จ", "The complaint was not sent"),
            ("กรุณาลองใหม่อีกครั้ง", "Please try again."),
            400,
        )
    data = parse_form("intake", request.form)
    tokens = request.form.getlist("kept_file")
    dropped = request.form.get("drop_file")
    if dropped:  # the complainant removed a kept file: the same form again, without it
        with writing() as db:
            kept.drop(db, services().clock(), _form_session(), dropped)
        return _page(data, {}, files=_kept([t for t in tokens if t != dropped]))
    if is_refresh(request.form):
        return _page(data, {}, files=_kept(tokens))
    data["channel"] = "web"
    if data.get("anonymous"):
        person = data.get("complainant") or {}
        data["complainant"] = {k: v for k, v in person.items() if k in ("phone", "email")}
    if data.get("complainant"):
        data["complainant"]["preferred_language"] = lang()
    else:
        data.pop("complainant", None)
    errors: dict = {
        k: (e.message_th, e.message_en)
        for k, e in form_errors("intake", data, {"channel": "web"}).items()
    }
    files, problem = _new_files(len(tokens))
    if problem:
        errors["photos"] = problem
    if errors:
        return _again(data, errors, tokens, files)
    try:
        with writing() as db:
            # Only complaints about to be opened count: corrections and area lists are free.
            count_filing(db)  # per device cookie, or per address without one
            held = kept.take(db, services().clock(), _form_session(), tokens)
            opened = open_case(db, services().clock, CITIZEN, dict(data))
            uploads.store_files(db, services().clock(), opened.case.id, held + files, "intake")
            code, number = opened.case.tracking_code, opened.case.registration_number
    except ValidationFailed as exc:
        return _again(data, dict(exc.fields), tokens, files)
    except RateLimited as exc:
        return _too_many(exc.retry_after)
    # The receipt is this answer itself: the secret goes to this browser once and is kept
    # nowhere, not even in the session cookie. A new form token makes a reload that would send
    # the complaint again fail as an expired form instead of filing it twice.
    session.pop(CSRF_KEY, None)
    return _receipt({"code": code, "secret": opened.citizen_secret, "number": number})


def _new_files(already: int) -> tuple[list[uploads.CleanFile], tuple[str, str] | None]:
    """The files attached this time that pass the checks, and what to say about the rest."""
    raw = [(f.filename or "", f.read()) for f in request.files.getlist("photos")]
    files, refused = uploads.clean_each(raw)
    if already + len(files) > uploads.MAX_FILES:
        count = already + len(files)
        files = files[: max(0, uploads.MAX_FILES - already)]
        return files, (
            f"แนบไฟล์ได้ไม่เกิน {uploads.MAX_FILES} ไฟล์ (เลือกมา {count} ไฟล์)",
            f"Attach at most {uploads.MAX_FILES} files (you chose {count}).",
        )
    return files, (refused.message_th, refused.message_en) if refused else None


def _again(data: dict, errors: dict, tokens: list[str], files: list[uploads.CleanFile]):  # type: ignore[no-untyped-def]
    """The form again with its errors, every typed value, and every good file kept."""
    with writing() as db:
        newly = kept.keep(db, services().clock(), _form_session(), files)
    return _page(data, errors, 422, files=_kept(tokens, newly))


def _too_many(retry_after: int):  # type: ignore[no-untyped-def]
    minutes = max(1, retry_after // 60)
    return message_page(
        ("ส่งเรื่องถี่เกินไป", "Too many complaints from this connection"),
        (
            f"มีการส่งเรื่องจากเครือข่ายนี้หลายครั้งแล้ว กรุณารอประมาณ {minutes} นาที หรือโทรสายด่วน 1567",
            f"Many complaints came from this connection; wait about {minutes} minutes "
            "or call the 1567 hotline.",
        ),
        429,
    )


def link_path(code: str) -> str:
    """The path of the keepable link that opens a case without typing the code and secret."""
    key = services().config.secret_key.encode()
    token = make_tracking_token(code, key, int(services().clock().timestamp()))
    return url_for("portal.case_page", token=token)


def tracking_link(path: str) -> str:
    """A link path made absolute with the portal's public address, for keeping."""
    return public_url(path)


def _receipt(shown: dict):  # type: ignore[no-untyped-def]
    """The tracking code, secret and link, shown once (never cached, no Referer sent on)."""
    path = link_path(shown["code"])
    page = render_template(
        "portal/receipt.html",
        receipt=shown,
        link=tracking_link(path),
        path=path,
        line_account=services().config.line_account_id,
    )
    return page, 200, {"Cache-Control": "no-store", "Referrer-Policy": "same-origin"}


@blueprint.get("/receipt")
def receipt():  # type: ignore[no-untyped-def]
    """The receipt was the answer to the complaint itself: here, and after, only the tracking
    form (the secret is not kept to be shown again)."""
    session.pop(RECEIPT_KEY, None)  # a receipt an older version kept in the session cookie
    return redirect(url_for("portal.track_form"), 303)
