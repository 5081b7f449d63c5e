"""Administration (Flask-Admin, admin role only): reference data, users, and read-only logs.

Every change is written to the audit log in the same transaction as the change itself.
"""

from __future__ import annotations

import secrets
import warnings
from datetime import date, datetime

from argon2 import PasswordHasher
from flask import Flask, abort, flash, g, make_response, redirect, request, session, url_for
from flask_admin import Admin, AdminIndexView, BaseView, expose
from flask_admin.actions import action
from flask_admin.contrib.sqla import ModelView
from flask_admin.form import SecureForm
from jinja2 import TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from sqlalchemy import inspect, select
from sqlalchemy.orm import scoped_session
from wtforms import PasswordField, SelectMultipleField
from wtforms.validators import ValidationError

from admin.edge import STATUS_BY_ERROR, load_user, reading, services, writing
from admin.i18n import be_date, current_lang, pick, t
from engine import journal
from engine.errors import Conflict, DamrongError
from engine.models import (
    ROLES,
    ApiToken,
    AuditEvent,
    Category,
    DirectoryEntry,
    HolidayOverride,
    OrgUnit,
    ProcessDefinition,
    SlaPolicy,
    User,
)
from engine.reference import areas, directory
from engine.sla import policies
from notifications import admin as notification_admin
from notifications.models import NotificationTemplate
from open311 import keys as partner_keys

URL = "/staff/admin"
SECRET_COLUMNS = {"password_hash", "token_hash", "secret_hash"}


class AdminOnly:
    """Only a signed-in official holding the admin role may open these pages."""

    def is_accessible(self) -> bool:
        load_user()
        return g.user is not None and "admin" in g.user.roles

    def inaccessible_callback(self, name, **kwargs):  # type: ignore[no-untyped-def]
        if g.get("user") is None:
            return redirect(url_for("staff.signin", next=request.full_path.rstrip("?")))
        return abort(403)


class IndexView(AdminOnly, AdminIndexView):
    @expose("/")
    def index(self):  # type: ignore[no-untyped-def]
        return self.render("admin/index.html")


def _plain(value: object) -> object:
    """A value as JSON can hold it in the audit log."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | dict):
        return value
    return str(value)


def _changes(model: object) -> dict[str, list]:
    """What an edit changed: {column: [before, after]}, secrets left out."""
    state = inspect(model)
    out = {}
    for attr in state.mapper.column_attrs:
        if attr.key in SECRET_COLUMNS:
            continue
        history = state.attrs[attr.key].history
        if history.has_changes():
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            out[attr.key] = [_plain(before), _plain(after)]
    return out


def _key(model: object) -> str:
    return "/".join(str(v) for v in inspect(model).identity or ())


class AuditedView(AdminOnly, ModelView):
    """A model view whose every create, edit and delete is audited in the same transaction."""

    form_base_class = SecureForm
    can_view_details = True
    page_size = 50

    def _record(self, action: str, model: object, changes: dict) -> None:
        self.session.flush()  # a new row gets its key
        journal.record(
            self.session,
            None,
            g.actor,
            action,
            services().clock(),
            detail={"table": model.__tablename__, "key": _key(model), "changes": changes},
        )

    def on_model_change(self, form, model, is_created):  # type: ignore[no-untyped-def]
        changes = _changes(model)
        self._record("admin_created" if is_created else "admin_updated", model, changes)

    def on_model_delete(self, model):  # type: ignore[no-untyped-def]
        self._record("admin_deleted", model, {})

    def after_model_change(self, form, model, is_created):  # type: ignore[no-untyped-def]
        policies.forget_cached()  # policies and holidays are cached for 30 s

    def after_model_delete(self, model):  # type: ignore[no-untyped-def]
        policies.forget_cached()


class UserView(AuditedView):
    column_list = ["username", "display_name", "org_unit", "roles", "active", "language"]
    column_searchable_list = ["username", "display_name"]
    column_filters = ["active"]
    form_columns = [
        "username",
        "display_name",
        "org_unit",
        "roles",
        "email",
        "language",
        "active",
        "new_password",
    ]
    form_overrides = {"roles": SelectMultipleField}
    form_args = {"roles": {"choices": [(r, r) for r in ROLES]}}
    form_extra_fields = {"new_password": PasswordField("New password (8+ characters)")}
    can_delete = False  # deactivate instead: audit events keep pointing at the user

    def on_model_change(self, form, model, is_created):  # type: ignore[no-untyped-def]
        password = form.new_password.data or ""
        if is_created and not password:
            raise ValidationError("A new user needs a password.")
        if password:
            if len(password) < 8:
                raise ValidationError("Passwords need 8 characters or more.")
            model.password_hash = PasswordHasher().hash(password)
        if is_created:
            model.created_at = services().clock()
        super().on_model_change(form, model, is_created)


class OrgUnitView(AuditedView):
    column_list = ["code", "kind", "name_th", "name_en", "area_code", "active"]
    column_searchable_list = ["code", "name_th", "name_en"]
    column_filters = ["kind", "active"]
    can_delete = False


class CategoryView(AuditedView):
    column_list = ["code", "name_th", "name_en", "default_agency", "public", "active"]
    column_searchable_list = ["code", "name_th", "name_en"]
    form_columns = [
        "code",
        "name_th",
        "name_en",
        "description_th",
        "description_en",
        "default_agency",
        "keywords",
        "group_name",
        "public",
        "active",
    ]
    can_delete = False  # cases refer to categories; deactivate instead


class SlaPolicyView(AuditedView):
    column_list = ["step", "category", "unit", "duration", "reminders", "breach_action", "active"]
    column_filters = ["step", "unit", "active"]


def _day(key: object) -> date | None:
    try:
        return date.fromisoformat(str(key))
    except ValueError:
        return None


class HolidayOverrideView(AuditedView):
    column_list = ["day", "working", "name_th", "name_en"]
    form_columns = ["day", "working", "name_th", "name_en"]
    column_default_sort = ("day", True)

    def get_one(self, id):  # type: ignore[no-untyped-def]
        """The day's row: keys arrive as text ('2026-12-30') and SQLite's Date takes only dates."""
        day = _day(id)
        return self.session.get(HolidayOverride, day) if day else None

    def action_delete(self, ids):  # type: ignore[no-untyped-def]
        super().action_delete(tuple(day for day in map(_day, ids) if day))


class NotificationTemplateView(AuditedView):
    """Administrators' versions of the message templates; rendered in Jinja2's sandbox when
    sent (notifications/), only checked for syntax here."""

    column_list = ["name", "language", "subject", "updated_at", "updated_by"]
    column_searchable_list = ["name", "subject"]
    column_filters = ["language"]
    form_columns = ["name", "language", "subject", "body_text", "body_short"]

    def on_model_change(self, form, model, is_created):  # type: ignore[no-untyped-def]
        for field in ("subject", "body_text", "body_short"):
            try:
                ImmutableSandboxedEnvironment().parse(getattr(model, field) or "")
            except TemplateSyntaxError as exc:
                raise ValidationError(f"{field}: line {exc.lineno}: {exc.message}") from exc
        model.updated_at = services().clock()
        model.updated_by = g.actor.label
        super().on_model_change(form, model, is_created)


class DirectoryView(AuditedView):
    """The public contact directory: edits are searchable at once."""

    column_list = ("key", "kind", "name_th", "phone", "hotline", "area_code", "active")
    column_searchable_list = ("name_th", "name_en", "phone", "hotline")
    form_excluded_columns = ("search_text", "area_name_th")

    def on_model_change(self, form, model, is_created):  # type: ignore[no-untyped-def]
        if model.area_code and areas.get_area(model.area_code) is None:
            raise ValidationError("รหัสพื้นที่ไม่ถูกต้อง (DOPA 2, 4 หรือ 6 หลัก)")
        directory.refresh_entry(model)
        super().on_model_change(form, model, is_created)


class ApiTokenView(AuditedView):
    """Every official's API tokens by name and date (never the hash); revoke a lost one here."""

    can_create = can_edit = can_delete = False
    column_list = ["user.username", "name", "created_at", "revoked_at"]  # last use is not kept
    column_details_list = column_list
    column_labels = {"user.username": "ผู้ใช้ (User)"}
    column_searchable_list = ["user.username", "name"]
    column_default_sort = ("id", True)

    @action("revoke", "เพิกถอน (Revoke)", "เพิกถอนโทเคนที่เลือก? (Revoke the selected tokens?)")
    def action_revoke(self, ids):  # type: ignore[no-untyped-def]
        """The tokens stop working at once; each revocation is audited."""
        now = services().clock()
        chosen = [int(i) for i in ids if str(i).isdigit()]
        rows = self.session.scalars(
            select(ApiToken).where(ApiToken.id.in_(chosen), ApiToken.revoked_at.is_(None))
        ).all()
        for row in rows:
            row.revoked_at = now
            self._record("admin_updated", row, {"revoked_at": [None, _plain(now)]})
        self.session.commit()
        flash(f"เพิกถอนแล้ว {len(rows)} โทเคน (Revoked {len(rows)} token(s))")


class ReadOnlyView(AdminOnly, ModelView):
    can_create = can_edit = can_delete = False
    can_view_details = True
    page_size = 50


class DefinitionView(ReadOnlyView):
    column_list = ["process_id", "version", "content_hash", "deployed_at", "deployed_by"]
    column_default_sort = ("id", True)


class AuditLogView(ReadOnlyView):
    column_list = ["at", "actor_label", "action", "case_id", "step", "status_after", "detail"]
    column_filters = ["action", "actor_label", "case_id"]
    column_searchable_list = ["actor_label", "action"]
    column_default_sort = ("id", True)


class DeadLetterView(AdminOnly, BaseView):
    """Messages the dispatcher gave up on, with their error and a retry button."""

    @expose("/")
    def index(self):  # type: ignore[no-untyped-def]
        actor = g.actor
        with reading() as session:
            letters = notification_admin.list_dead_letters(session, actor)
        return self.render(
            "admin/dead_letters.html",
            letters=letters,
            form=SecureForm(),
            notice=request.args.get("notice"),
            error=request.args.get("error"),
        )

    @expose("/<int:message_id>/retry", methods=["POST"])
    def retry(self, message_id: int):  # type: ignore[no-untyped-def]
        form = SecureForm(request.form)
        if not form.validate():
            return redirect(url_for(".index", error="แบบฟอร์มหมดอายุ กรุณาลองอีกครั้ง"))
        actor = g.actor
        try:
            with writing() as session:
                notification_admin.retry_dead_letter(session, services().clock, actor, message_id)
        except DamrongError as exc:
            return redirect(url_for(".index", error=exc.message_th))
        return redirect(url_for(".index", notice=f"ข้อความ {message_id} เข้าคิวส่งใหม่แล้ว"))


_ISSUE_ONCE = "partner_key_form"


class PartnerKeyView(AdminOnly, BaseView):
    """Partner apps' Open311 keys: issue (shown once), change the per-minute limit, revoke.

    Every change goes through engine/intake.py, audited as the command line's are."""

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
            if not expected or not secrets.compare_digest(request.form.get("once", ""), expected):
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


def init_app(app: Flask) -> None:
    """Mount the administration under /staff/admin with its own request-scoped session."""
    db = scoped_session(services_for(app).writer)

    @app.teardown_appcontext
    def remove_session(_exc):  # type: ignore[no-untyped-def]
        db.remove()

    admin = Admin(
        app, name="Damrong · ผู้ดูแลระบบ", url=URL, index_view=IndexView(url=URL, name="หน้าหลัก")
    )
    views = [
        (UserView, User, "ผู้ใช้ (Users)"),
        (OrgUnitView, OrgUnit, "หน่วยงาน (Org units)"),
        (CategoryView, Category, "ประเภทเรื่อง (Categories)"),
        (SlaPolicyView, SlaPolicy, "ระยะเวลาดำเนินการ (SLA policies)"),
        (HolidayOverrideView, HolidayOverride, "วันหยุดราชการ (Holidays)"),
        (NotificationTemplateView, NotificationTemplate, "แม่แบบข้อความ (Templates)"),
        (DirectoryView, DirectoryEntry, "สมุดรายชื่อหน่วยงาน (Directory)"),
        (ApiTokenView, ApiToken, "โทเคน API (API tokens)"),
        (DefinitionView, ProcessDefinition, "กระบวนงาน (Process definitions)"),
        (AuditLogView, AuditEvent, "บันทึกการเปลี่ยนแปลง (Audit log)"),
    ]
    with warnings.catch_warnings():
        # 2.x deprecates passing a session for Flask-SQLAlchemy's `db`, which we do not use.
        warnings.simplefilter("ignore", DeprecationWarning)
        for view, model, label in views:
            endpoint = f"admin_{model.__tablename__}"
            admin.add_view(view(model, db, name=label, endpoint=endpoint))
    admin.add_view(
        PartnerKeyView(
            name="แอปพันธมิตร (Partner apps, Open311)", endpoint="partner_keys", url="partner-keys"
        )
    )
    admin.add_view(
        DeadLetterView(
            name="ข้อความค้างส่ง (Dead letters)", endpoint="dead_letters", url="dead-letters"
        )
    )


def services_for(app: Flask):  # type: ignore[no-untyped-def]
    """The composition root's services, before any request exists."""
    return app.extensions["damrong"]
