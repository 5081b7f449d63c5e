"""The administration's letterheads: the Garuda emblem or a center's letterhead for its letters.

An administrator uploads a PNG or JPEG for one center (or the national default every other
center's letters use); engine/reference/letterheads.py checks it by content and re-encodes it,
engine/cases/letters.py keeps it (audited). A refused file changes nothing and says why.
"""

from __future__ import annotations

from flask import g, make_response, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_admin.form import SecureForm
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from admin.audited import AdminOnly
from admin.edge import reading, services, writing
from engine.access.checks import check_may_manage_letterheads
from engine.cases import letters
from engine.errors import DamrongError, TooLarge, ValidationFailed
from engine.models import OrgUnit
from engine.reference import letterheads as images
from web.errors import STATUS_BY_ERROR
from web.i18n import be_date, current_lang, pick, t

NATIONAL = "national"
NOTICES = {
    "uploaded": ("บันทึกตราหรือหัวกระดาษแล้ว หนังสือที่พิมพ์ต่อจากนี้ใช้ภาพนี้", "Saved: letters use it now."),
    "removed": ("นำภาพออกแล้ว หนังสือของศูนย์นี้ใช้ภาพกลางแทน", "Removed: the national default applies."),
}


class LetterheadView(AdminOnly, BaseView):
    """Letterheads per center, with the national default; upload, replace, remove."""

    def _page(self, status: int = 200, **context):  # type: ignore[no-untyped-def]
        with reading() as session:
            rows = letters.list_letterheads(session, g.actor)
            centers = session.execute(
                select(OrgUnit.id, OrgUnit.code, OrgUnit.name_th)
                .where(OrgUnit.kind != "agency", OrgUnit.active.is_(True))
                .order_by(OrgUnit.code)
            ).all()
        context = {"error": None, "chosen": NATIONAL} | context
        done = NOTICES.get(request.args.get("done", ""))
        body = self.render(
            "admin/letterheads.html",
            t=t,
            be_date=be_date,
            form=SecureForm(),
            rows=rows,
            centers=centers,
            notice=pick(done) if done else None,
            limits=(images.MAX_BYTES // (1024 * 1024), images.MAX_PIXELS // 1_000_000),
            **context,
        )
        response = make_response(body, status)
        response.headers["Cache-Control"] = "no-store"
        return response

    def _refused(self, exc: DamrongError, **context):  # type: ignore[no-untyped-def]
        status = next((s for cls, s in STATUS_BY_ERROR if isinstance(exc, cls)), 400)
        fields = getattr(exc, "fields", {})
        message = pick(next(iter(fields.values()))) if fields else exc.message(current_lang())
        return self._page(status, error=message, **context)

    def _handle_view(self, name, **kwargs):  # type: ignore[no-untyped-def]
        """A body over the server's limit gets this page with its message (not the API's JSON)."""
        if self.is_accessible() and request.method == "POST":
            try:
                request.form  # noqa: B018 - parsing the body is what may be refused
            except RequestEntityTooLarge:
                return self._refused(_too_large())
        return super()._handle_view(name, **kwargs)

    @expose("/")
    def index(self):  # type: ignore[no-untyped-def]
        return self._page()

    @expose("/upload", methods=["POST"])
    def upload(self):  # type: ignore[no-untyped-def]
        chosen = NATIONAL
        try:
            check_may_manage_letterheads(g.actor)
            data = _sent_bytes()  # reads the body first: one too large is refused here
            chosen = request.form.get("scope", NATIONAL)
            if not SecureForm(request.form).validate():
                raise _form_expired()
            with writing() as session:
                letters.upload_letterhead(
                    session, services().clock(), g.actor, _scope(chosen), data
                )
        except DamrongError as exc:
            return self._refused(exc, chosen=chosen)
        return redirect(url_for(".index", done="uploaded"))

    @expose("/<int:letterhead_id>/remove", methods=["POST"])
    def remove(self, letterhead_id: int):  # type: ignore[no-untyped-def]
        try:
            if not SecureForm(request.form).validate():
                raise _form_expired()
            with writing() as session:
                letters.remove_letterhead(session, services().clock(), g.actor, letterhead_id)
        except DamrongError as exc:
            return self._refused(exc)
        return redirect(url_for(".index", done="removed"))


def _form_expired() -> DamrongError:
    return DamrongError(
        "The form expired or did not come from this site. Reload the page and try again.",
        "แบบฟอร์มหมดอายุหรือไม่ได้ส่งมาจากหน้านี้ กรุณาโหลดหน้าใหม่แล้วลองอีกครั้ง",
    )


def _too_large() -> TooLarge:
    return TooLarge("The file is too large to upload.", "ไฟล์ใหญ่เกินกว่าที่ส่งขึ้นระบบได้")


def _scope(chosen: str) -> int | None:
    """The center chosen in the form (its id), or None for the national default."""
    if chosen == NATIONAL:
        return None
    if not chosen.isdigit():
        raise ValidationFailed.one("scope", "กรุณาเลือกศูนย์", "Choose a center.")
    return int(chosen)


def _sent_bytes() -> bytes:
    """The uploaded file's bytes (empty when none was chosen); too large a request is refused."""
    try:
        sent = request.files.get("image")
    except RequestEntityTooLarge as exc:
        raise _too_large() from exc
    if sent is None:
        return b""
    return sent.read(images.MAX_BYTES + 1)
