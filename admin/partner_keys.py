"""The administration's partner keys for Open311: issue (shown once), limit, revoke."""

from __future__ import annotations

import secrets

from flask import g, make_response, redirect, request, session, url_for
from flask_admin import BaseView, expose
from flask_admin.form import SecureForm

from admin.audited import AdminOnly
from admin.edge import reading, services, writing
from engine.errors import Conflict, DamrongError
from open311 import keys as partner_keys
from web.errors import STATUS_BY_ERROR
from web.i18n import be_date, current_lang, pick, t
from web.inputs import tokens_match

_ISSUE_ONCE = "partner_key_form"


class PartnerKeyView(AdminOnly, BaseView):
    """Partner apps' Open311 keys: issue (shown once), change the per-minute limit, revoke.

    Every change goes through open311/keys.py, audited as the command line's are."""

    def _page(self, template: str, status: int = 200, **context):  # type: ignore[no-untyped-def]
        context = {"notice": None, "error": None, "errors": {}, "typed": None} | context
        body = self.render(
            f"admin/{template}",
            t=t,
            be_date=be_date,
            form=SecureForm(),
            limits=partner_keys.PER_MINUTE_LIMITS,
            **context,
        )
        response = make_response(body, status)
        response.headers["Cache-Control"] = "no-store"  # the issued key must not be cached
        return response

    def _refused(self, exc: DamrongError, template: str, **context):  # type: ignore[no-untyped-def]
        status = next((s for cls, s in STATUS_BY_ERROR if isinstance(exc, cls)), 400)
        fields = getattr(exc, "fields", {})
        errors = {name: pick(pair) for name, pair in fields.items()}
        message = exc.message(current_lang())
        return self._page(template, status, error=message, errors=errors, **context)

    @staticmethod
    def _form_expired() -> DamrongError:
        return DamrongError(
            "The form expired or did not come from this site. Reload the page and try again.",
            "แบบฟอร์มหมดอายุหรือไม่ได้ส่งมาจากหน้านี้ กรุณาโหลดหน้าใหม่แล้วลองอีกครั้ง",
        )

    @expose("/")
    def index(self):  # type: ignore[no-untyped-def]
        with reading() as session:
            keys = partner_keys.list_keys(session, g.actor)
        notice = request.args.get("notice")
        return self._page("partner_keys.html", keys=keys, notice=notice)

    def _new_form(self, status: int = 200, **context):  # type: ignore[no-untyped-def]
        # A one-time number per form shown: sending the same form again (a reload of the page
        # that shows the key) issues no second key.
        session[_ISSUE_ONCE] = nonce = secrets.token_urlsafe(16)
        if "error" in context:
            return self._refused(
                context.pop("error"), "partner_key_new.html", nonce=nonce, **context
            )
        return self._page("partner_key_new.html", status, nonce=nonce, **context)

    @expose("/new", methods=["GET", "POST"])
    def issue(self):  # type: ignore[no-untyped-def]
        typed = {"name": "", "per_minute": "30"}
        if request.method == "GET":
            return self._new_form(typed=typed)
        typed = {k: request.form.get(k, "").strip() for k in typed}
        expected = session.pop(_ISSUE_ONCE, None)
        try:
            if not SecureForm(request.form).validate():
                raise self._form_expired()
            if not expected or not tokens_match(request.form.get("once", ""), expected):
                raise Conflict(
                    "This form was already sent and its key was shown then, once. Issue a new "
                    "key if that one was lost (and revoke the lost one).",
                    "ส่งแบบฟอร์มนี้ไปแล้ว และกุญแจแสดงไปแล้วครั้งเดียว หากกุญแจนั้นหาย ให้ออกกุญแจใหม่ "
                    "(และเพิกถอนกุญแจที่หาย)",
                )
            with writing() as session_:
                key = partner_keys.issue_key(
                    session_, services().clock(), typed["name"], typed["per_minute"], g.actor
                )
        except DamrongError as exc:
            return self._new_form(error=exc, typed=typed)
        name = partner_keys.check_partner_name(typed["name"])
        return self._page("partner_key_issued.html", key=key, name=name)

    @expose("/<int:key_id>/")
    def key(self, key_id: int):  # type: ignore[no-untyped-def]
        try:
            with reading() as session:
                found = partner_keys.get_key(session, g.actor, key_id)
        except DamrongError as exc:
            return self._refused(exc, "partner_keys.html", keys=None)
        notice = request.args.get("notice")
        return self._page("partner_key.html", key=found, notice=notice)

    @expose("/<int:key_id>/limit", methods=["POST"])
    def change_limit(self, key_id: int):  # type: ignore[no-untyped-def]
        typed = request.form.get("per_minute", "").strip()
        try:
            if not SecureForm(request.form).validate():
                raise self._form_expired()
            with writing() as session:
                partner_keys.change_key_limit(session, services().clock(), key_id, typed, g.actor)
        except DamrongError as exc:
            with reading() as session:
                found = partner_keys.list_keys(session, g.actor, key_id)
            if not found:
                return self._refused(exc, "partner_keys.html", keys=None)
            return self._refused(exc, "partner_key.html", key=found[0], typed=typed)
        notice = t("เปลี่ยนจำนวนคำขอต่อนาทีแล้ว", "The per-minute limit is changed.")
        return redirect(url_for(".key", key_id=key_id, notice=notice))

    @expose("/<int:key_id>/revoke", methods=["GET", "POST"])
    def revoke(self, key_id: int):  # type: ignore[no-untyped-def]
        try:
            with reading() as session:
                found = partner_keys.get_key(session, g.actor, key_id)
            if request.method == "GET":
                return self._page("partner_key_revoke.html", key=found)
            if not SecureForm(request.form).validate():
                raise self._form_expired()
            with writing() as session:
                partner_keys.revoke_key(session, services().clock(), key_id, g.actor)
        except DamrongError as exc:
            return self._refused(exc, "partner_keys.html", keys=None)
        notice = t(
            f"เพิกถอนกุญแจของ {found.name} แล้ว ใช้ไม่ได้อีกตั้งแต่บัดนี้",
            f"The key of {found.name} is revoked and stops working now.",
        )
        return redirect(url_for(".key", key_id=key_id, notice=notice))
