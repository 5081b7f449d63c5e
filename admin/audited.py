"""The administration's base views: admins only, and every change audited in its transaction."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from flask import abort, g, has_request_context, redirect, request, url_for
from flask_admin.contrib.sqla import ModelView
from flask_admin.form import SecureForm
from flask_admin.model import typefmt
from flask_babel import Domain, LazyString
from sqlalchemy import inspect

from admin.edge import load_user, services
from engine import journal
from engine.models import Area, Category, OrgUnit, User
from engine.sla import policies
from web.edge import is_same_site_path
from web.i18n import be_date, pick, t

# Thai for Flask-Admin's own words (admin.po) and WTForms' messages (wtforms.po): none shipped.
TRANSLATIONS = Path(__file__).resolve().parent.parent / "web" / "translations_admin"
_WTFORMS = Domain(str(TRANSLATIONS), domain="wtforms")


class _WTFormsText:
    """WTForms' messages ("This field is required.") in the visitor's language."""

    def gettext(self, string: str) -> str:
        return _WTFORMS.get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _WTFORMS.get_translations().ungettext(singular, plural, n)


class ThaiForms(SecureForm):
    """The administration's forms: CSRF-protected, WTForms' messages from our catalog."""

    class Meta:
        def get_translations(self, form):  # type: ignore[no-untyped-def]
            return _WTFormsText()


# Secrets and their hashes: never listed, shown, exported, searched, filtered or edited.
SECRET_COLUMNS = frozenset(
    {"password_hash", "token_hash", "secret_hash", "key_hash", "code_hash", "secret"}
    | {"pending_form"}  # what an official typed before their session ran out
)


def _is_secret(column: object) -> bool:
    name = column if isinstance(column, str) else getattr(column, "key", str(column))
    return str(name).rsplit(".", 1)[-1] in SECRET_COLUMNS


class NoSecrets:
    """A model view that never renders a secret or its hash, whatever its column lists say."""

    def get_column_names(self, only_columns, excluded_columns):  # type: ignore[no-untyped-def]
        kept = [c for c in only_columns if not _is_secret(c)]
        return super().get_column_names(kept, excluded_columns)  # type: ignore[misc]

    def scaffold_form(self):  # type: ignore[no-untyped-def]
        form_class = super().scaffold_form()  # type: ignore[misc]
        for name in SECRET_COLUMNS:
            if hasattr(form_class, name):
                delattr(form_class, name)
        return form_class

    def init_search(self) -> bool:
        """Search never matches a secret (a hash prefix would be an oracle)."""
        searchable = self.column_searchable_list or ()  # type: ignore[attr-defined]
        self.column_searchable_list = [c for c in searchable if not _is_secret(c)]
        return super().init_search()  # type: ignore[misc]

    def scaffold_filters(self, name):  # type: ignore[no-untyped-def]
        return None if _is_secret(name) else super().scaffold_filters(name)  # type: ignore[misc]


def label(thai: str, english: str) -> LazyString:
    """A heading in the visitor's language, chosen when the page is drawn (Thai outside one)."""
    return LazyString(lambda: t(thai, english) if has_request_context() else thai)


# Column headings, filter names and form labels of every table (a view may add its own).
LABELS = {
    "id": label("ลำดับ", "No."),
    "username": label("ชื่อผู้ใช้", "Username"),
    "display_name": label("ชื่อที่แสดง", "Display name"),
    "org_unit": label("หน่วยงาน", "Org unit"),
    "roles": label("บทบาท", "Roles"),
    "active": label("ใช้งานอยู่", "Active"),
    "language": label("ภาษา", "Language"),
    "email": label("อีเมล", "Email"),
    "code": label("รหัส", "Code"),
    "kind": label("ประเภท", "Kind"),
    "name": label("ชื่อ", "Name"),
    "name_th": label("ชื่อภาษาไทย", "Thai name"),
    "name_en": label("ชื่อภาษาอังกฤษ", "English name"),
    "description_th": label("คำอธิบายภาษาไทย", "Thai description"),
    "description_en": label("คำอธิบายภาษาอังกฤษ", "English description"),
    "area_code": label("รหัสพื้นที่", "Area code"),
    "phone": label("โทรศัพท์", "Phone"),
    "hotline": label("สายด่วน", "Hotline"),
    "forward_needs_approval": label("การส่งต่อต้องได้รับอนุมัติ", "Forwards need approval"),
    "default_agency": label("หน่วยงานที่รับเรื่องโดยปกติ", "Default agency"),
    "keywords": label("คำสำคัญ", "Keywords"),
    "group_name": label("กลุ่ม", "Group"),
    "public": label("ประชาชนเลือกได้", "Public"),
    "process_id": label("กระบวนงาน", "Process"),
    "step": label("ขั้นตอน", "Step"),
    "category": label("ประเภทเรื่อง", "Category"),
    "category_code": label("ประเภทเรื่อง", "Category"),
    "duration": label("ระยะเวลา", "Duration"),
    "reminders": label("เตือนเมื่อถึง (% ของเวลา)", "Reminders (% of the time)"),
    "breach_action": label("เมื่อเกินกำหนด", "On breach"),
    "aliases": label("ชื่ออื่น", "Other names"),
    "user_role": label("บทบาทของเจ้าหน้าที่", "Staff role"),
    "escalates": label("ส่งขึ้นผู้บังคับบัญชา", "Escalates"),
    "default_status": label("สถานะของเรื่อง", "Case status"),
    "day": label("วันที่", "Date"),
    "working": label("เป็นวันทำการ", "Working day"),
    "subject": label("หัวเรื่อง", "Subject"),
    "body_text": label("ข้อความ", "Text"),
    "body_short": label("ข้อความสั้น (SMS)", "Short text (SMS)"),
    "created_at": label("สร้างเมื่อ", "Created"),
    "updated_at": label("แก้ไขเมื่อ", "Updated"),
    "updated_by": label("แก้ไขโดย", "Updated by"),
    "key": label("รหัสรายการ", "Key"),
    "address_th": label("ที่อยู่", "Address"),
    "website": label("เว็บไซต์", "Website"),
    "office_hours_th": label("เวลาทำการ (ภาษาไทย)", "Office hours (Thai)"),
    "office_hours_en": label("เวลาทำการ (ภาษาอังกฤษ)", "Office hours (English)"),
    "version": label("รุ่น", "Version"),
    "note": label("หมายเหตุ", "Note"),
    "deployed_at": label("นำขึ้นระบบเมื่อ", "Deployed"),
    "deployed_by": label("นำขึ้นระบบโดย", "Deployed by"),
    "activated_at": label("เริ่มใช้เมื่อ", "Activated"),
    "retired_at": label("เลิกใช้เมื่อ", "Retired"),
    "content_hash": label("ค่าแฮชของไฟล์", "Content hash"),
    "at": label("เมื่อ", "When"),
    "actor_label": label("ผู้ดำเนินการ", "Actor"),
    "action": label("การดำเนินการ", "Action"),
    "case_id": label("เลขที่เรื่อง", "Case"),
    "status_after": label("สถานะหลังดำเนินการ", "Status after"),
    "detail": label("รายละเอียด", "Detail"),
    "revoked_at": label("เพิกถอนเมื่อ", "Revoked"),
    "last_used_at": label("ใช้ล่าสุดเมื่อ", "Last used"),
}


def _when(view: object, value: datetime, name: str) -> str:
    """Bangkok time in the Buddhist Era, on one line: '6 ธ.ค. 2569 15:37 น.'"""
    return be_date(value, time=True).replace(" ", "\u00a0")


def _day(view: object, value: date, name: str) -> str:
    return be_date(value)


def _named(view: object, value: Area | OrgUnit | Category, name: str) -> str:
    return f"{pick((value.name_th, value.name_en))} ({value.code})"


def _person(view: object, value: User, name: str) -> str:
    return f"{value.display_name} ({value.username})"


def named(value: Area | OrgUnit | Category) -> str:
    """A form selector's label for a row: its name in the visitor's language, with its code."""
    return _named(None, value, "")


_READABLE = {datetime: _when, date: _day, OrgUnit: _named, Category: _named, Area: _named}
_READABLE[User] = _person
LIST_FORMATTERS = {**_READABLE, **typefmt.BASE_FORMATTERS}
DETAIL_FORMATTERS = {**_READABLE, **typefmt.DETAIL_FORMATTERS}


class Readable:
    """Headings in the visitor's language, Bangkok times in the Buddhist Era, rows by name."""

    column_type_formatters = LIST_FORMATTERS
    column_type_formatters_detail = DETAIL_FORMATTERS
    form_base_class = ThaiForms

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.column_labels = {**LABELS, **(self.column_labels or {})}  # type: ignore[has-type]
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]


PG_INT_MAX = 2**31 - 1


class SafeKeys:
    """A forged or mistyped record id (?id=abc, ?id=99999999999) is "not found", never a 500:
    PostgreSQL refuses text or an out-of-range number for an integer key."""

    def get_one(self, id):  # type: ignore[no-untyped-def]
        keys = inspect(self.model).primary_key  # type: ignore[attr-defined]
        if len(keys) == 1 and _python_type(keys[0]) is int:
            text = str(id).strip()
            if not text.isdigit() or int(text) > PG_INT_MAX:
                return None
        return super().get_one(id)  # type: ignore[misc]


def _python_type(column: object) -> type | None:
    try:
        return column.type.python_type  # type: ignore[attr-defined]
    except NotImplementedError:
        return None


class AdminOnly:
    """Only a signed-in official holding the admin role may open these pages."""

    def is_accessible(self) -> bool:
        load_user()
        return g.user is not None and "admin" in g.user.roles

    def _handle_view(self, name, **kwargs):  # type: ignore[no-untyped-def]
        """Flask-Admin's return address (?url=) goes through the one redirect check too."""
        target = request.values.get("url")
        if target is not None and not is_same_site_path(target):
            return abort(400)
        return super()._handle_view(name, **kwargs)  # type: ignore[misc]

    def inaccessible_callback(self, name, **kwargs):  # type: ignore[no-untyped-def]
        if g.get("user") is None:
            return redirect(url_for("staff.signin", next=request.full_path.rstrip("?")))
        return abort(403)


def plain(value: object) -> object:
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
            out[attr.key] = [plain(before), plain(after)]
    return out


def _key(model: object) -> str:
    return "/".join(str(v) for v in inspect(model).identity or ())


class AuditedView(AdminOnly, SafeKeys, Readable, NoSecrets, ModelView):
    """A model view whose every create, edit and delete is audited in the same transaction."""

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


class ReadOnlyView(AdminOnly, SafeKeys, Readable, NoSecrets, ModelView):
    can_create = can_edit = can_delete = False
    can_view_details = True
    page_size = 50
