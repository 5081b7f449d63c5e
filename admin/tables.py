"""The administration's table views: users, reference data, templates, directory and logs."""

from __future__ import annotations

from datetime import date

from flask import g
from jinja2 import TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from wtforms import PasswordField, SelectMultipleField
from wtforms.validators import ValidationError

from admin.audited import AuditedView, ReadOnlyView, label, named
from admin.edge import services
from engine.access import sessions
from engine.access.accounts import MIN_PASSWORD, hash_password, password_problem
from engine.access.rules import TASK_ROLES
from engine.cases.tasks import release_held
from engine.models import ROLE_UNITS, ROLES, HolidayOverride
from engine.reference import areas, directory
from engine.statuses import STATUSES


class UserView(AuditedView):
    column_list = ["username", "display_name", "org_unit", "roles", "active", "language"]
    column_searchable_list = ["username", "display_name"]
    column_filters = ["active"]
    form_columns = [
        "username",
        "display_name",
        "position",
        "org_unit",
        "roles",
        "email",
        "language",
        "active",
        "new_password",
    ]
    form_overrides = {"roles": SelectMultipleField}
    column_labels = {"position": label("ตำแหน่ง", "Position")}
    column_descriptions = {
        "position": "ตำแหน่งที่ลงนามในหนังสือ ใต้ชื่อในวงเล็บ เช่น ปลัดอำเภอ (the position that "
        "signs letters, under the name)"
    }
    form_args = {
        "roles": {"choices": [(r, r) for r in ROLES]},
        "org_unit": {"get_label": named},  # "ศูนย์ดำรงธรรมจังหวัดเชียงใหม่ (c50)"
    }
    form_extra_fields = {
        "new_password": PasswordField(
            f"รหัสผ่านใหม่ อย่างน้อย {MIN_PASSWORD} ตัวอักษร (New password, {MIN_PASSWORD}+ characters)"
        )
    }
    can_delete = False  # deactivate instead: audit events keep pointing at the user

    def on_model_change(self, form, model, is_created):  # type: ignore[no-untyped-def]
        """A new password follows the rules; a reset or a deactivation ends the user's sessions."""
        password = form.new_password.data or ""
        if is_created and not password:
            raise ValidationError("ผู้ใช้ใหม่ต้องมีรหัสผ่าน (A new user needs a password.)")
        if password:
            problem = password_problem(password)
            if problem is not None:
                raise ValidationError(f"{problem[0]} ({problem[1]})")
            model.password_hash = hash_password(password)
        now = services().clock()
        if is_created:
            model.created_at = now
        super().on_model_change(form, model, is_created)  # audits the changes before a flush
        if not is_created and (password or not model.active):
            reason = "password_changed" if model.active else "deactivated"
            sessions.end_all(self.session, now, model.id, reason)
        if not is_created:  # deactivated, or a role taken away: the tasks they held go back
            release_held(self.session, now, g.actor, model)


class OrgUnitView(AuditedView):
    column_list = ["code", "kind", "name_th", "head_position_th", "area_code", "active"]
    column_searchable_list = ["code", "name_th", "name_en", "head_position_th"]
    column_filters = ["kind", "active"]
    can_delete = False
    column_labels = {
        "head_position_th": label("ตำแหน่งหัวหน้าหน่วยงาน", "Head's position (Thai)"),
        "head_position_en": label("ตำแหน่งหัวหน้าหน่วยงาน (อังกฤษ)", "Head's position"),
    }
    column_descriptions = {
        "head_position_th": "หนังสือถึงหน่วยงานนี้เรียนตำแหน่งนี้ เช่น ปลัดกระทรวงแรงงาน "
        "อธิบดีกรมที่ดิน; ว่างไว้ = หัวหน้า + ชื่อหน่วยงาน (letters are addressed to it)",
    }


class CategoryView(AuditedView):
    # The process a category runs on is changed through `damrong deploy --category` or
    # PUT /api/v1/categories/<code>/process (designers too, audited), not in this form.
    column_list = ["code", "name_th", "name_en", "default_agency", "process_id", "public", "active"]
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
    form_args = {"default_agency": {"get_label": named, "blank_text": "—"}}
    can_delete = False  # cases refer to categories; deactivate instead


class SlaPolicyView(AuditedView):
    column_list = [
        "process_id",
        "step",
        "category",
        "unit",
        "duration",
        "reminders",
        "breach_action",
        "active",
    ]
    column_filters = ["process_id", "step", "unit", "active"]
    column_labels = {"unit": label("หน่วยของระยะเวลา", "Unit of time")}
    column_descriptions = {
        "process_id": "ว่างไว้ = ใช้กับทุกกระบวนงาน (empty: every process)",
        "step": "รหัสขั้นตอน (element id) หรือชื่อนโยบายที่งานระบุ; * = ค่าเริ่มต้นของกระบวนงาน",
    }


class WorkflowRoleView(AuditedView):
    """What a diagram's lane (or Camunda candidate group) may be called, and what it means."""

    column_list = ["code", "name_th", "name_en", "user_role", "unit", "escalates", "active"]
    form_columns = [
        "code",
        "name_th",
        "name_en",
        "aliases",
        "user_role",
        "unit",
        "escalates",
        "default_status",
        "active",
    ]
    can_delete = False  # deployed versions resolved their lanes with it; deactivate instead
    column_labels = {"unit": label("หน่วยงานที่ทำงาน", "Working unit")}
    form_choices = {
        "user_role": [(r, r) for r in sorted(TASK_ROLES)],
        "unit": [
            ("case_center", "ศูนย์ของเรื่อง (the case's center)"),
            ("lead_agency", "หน่วยงานหลักที่รับเรื่อง (the lead agency)"),
            ("area_center", "ศูนย์ของพื้นที่ (the area's center)"),
            ("escalation", "ผู้บังคับบัญชาตามลำดับ (the escalation ladder)"),
        ],
        "default_status": [
            ("", "—"),
            *[(code, f"{s.name_th} ({code})") for code, s in STATUSES.items()],
        ],
    }
    column_descriptions = {
        "aliases": "ชื่ออื่นที่ชื่อเลนหรือ candidate group อาจใช้ เป็นรายการ JSON "
        '(other names a lane may use), e.g. ["ผู้ตรวจสอบ", "reviewer"]',
        "escalates": "งานเกินกำหนดแล้วส่งเรื่องขึ้นผู้บังคับบัญชา (a breach escalates)",
    }

    def on_model_change(self, form, model, is_created):  # type: ignore[no-untyped-def]
        if model.user_role not in TASK_ROLES:
            raise ValidationError(f"user_role: one of {', '.join(sorted(TASK_ROLES))}")
        if model.unit not in ROLE_UNITS:
            raise ValidationError(f"unit: one of {', '.join(ROLE_UNITS)}")
        model.default_status = model.default_status or None
        if model.default_status and model.default_status not in STATUSES:
            raise ValidationError("default_status: a status code (screening, in_progress …)")
        if not isinstance(model.aliases, list) or not all(
            isinstance(a, str) for a in model.aliases
        ):
            raise ValidationError('aliases: a JSON list of names, e.g. ["ผู้ตรวจสอบ", "reviewer"]')
        super().on_model_change(form, model, is_created)


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


class DefinitionView(ReadOnlyView):
    column_list = [
        "process_id",
        "version",
        "note",
        "deployed_at",
        "deployed_by",
        "activated_at",
        "retired_at",
        "content_hash",
    ]
    column_filters = ["process_id"]
    column_default_sort = ("id", True)


class AuditLogView(ReadOnlyView):
    column_list = ["at", "actor_label", "action", "case_id", "step", "status_after", "detail"]
    column_filters = ["action", "actor_label", "case_id"]
    column_searchable_list = ["actor_label", "action"]
    column_default_sort = ("id", True)
