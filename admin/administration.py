"""Administration (Flask-Admin, admin role only): reference data, users, and read-only logs.

Every change is written to the audit log in the same transaction as the change itself
(admin/audited.py). This module mounts the views: the tables (admin/tables.py), API tokens
(admin/tokens.py), partner keys (admin/partner_keys.py) and dead letters (admin/dead_letters.py).
"""

from __future__ import annotations

import warnings
from datetime import datetime

from flask import Flask, request
from flask_admin import Admin, AdminIndexView, expose
from sqlalchemy.orm import scoped_session

from admin.audited import TRANSLATIONS, AdminOnly
from admin.dead_letters import DeadLetterView
from admin.letterheads import LetterheadView
from admin.partner_keys import PartnerKeyView
from admin.tables import (
    AuditLogView,
    CategoryView,
    DefinitionView,
    DirectoryView,
    HolidayOverrideView,
    NotificationTemplateView,
    OrgUnitView,
    SlaPolicyView,
    UserView,
    WorkflowRoleView,
)
from admin.tokens import ApiTokenView
from engine.models import (
    ApiToken,
    AuditEvent,
    Category,
    DirectoryEntry,
    HolidayOverride,
    OrgUnit,
    ProcessDefinition,
    SlaPolicy,
    User,
    WorkflowRole,
)
from notifications.models import NotificationTemplate
from web import i18n
from web.headers import csp_nonce

URL = "/staff/admin"


class IndexView(AdminOnly, AdminIndexView):
    @expose("/")
    def index(self):  # type: ignore[no-untyped-def]
        return self.render("admin/index.html")


def init_app(app: Flask) -> None:
    """Mount the administration under /staff/admin with its own request-scoped session."""
    db = scoped_session(services_for(app).writer)

    @app.teardown_appcontext
    def remove_session(_exc):  # type: ignore[no-untyped-def]
        db.remove()

    admin = Admin(
        app,
        name="Damrong · ผู้ดูแลระบบ",
        url=URL,
        index_view=IndexView(url=URL, name="หน้าหลัก"),
        csp_nonce_generator=csp_nonce,  # its scripts carry this request's nonce (web/headers.py)
        translations_path=str(TRANSLATIONS),  # Flask-Admin ships no Thai: ours, then its own
    )
    views = [
        (UserView, User, "ผู้ใช้ (Users)"),
        (OrgUnitView, OrgUnit, "หน่วยงาน (Org units)"),
        (CategoryView, Category, "ประเภทเรื่อง (Categories)"),
        (SlaPolicyView, SlaPolicy, "ระยะเวลาดำเนินการ (SLA policies)"),
        (WorkflowRoleView, WorkflowRole, "บทบาทในกระบวนงาน (Workflow roles)"),
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
        LetterheadView(
            name="ตราครุฑและหัวกระดาษ (Letterheads)", endpoint="letterheads", url="letterheads"
        )
    )
    admin.add_view(
        DeadLetterView(
            name="ข้อความค้างส่ง (Dead letters)", endpoint="dead_letters", url="dead-letters"
        )
    )
    ours = frozenset(view.endpoint for view in admin._views)

    @app.context_processor
    def administration_helpers() -> dict:
        """The staff web's language helpers, on the administration's pages only."""
        if request.blueprint not in ours:
            return {}
        return {
            "t": i18n.t,
            "pick": i18n.pick,
            "lang": i18n.current_lang,
            "be_date": i18n.be_date,
            "languages": i18n.languages,
            "language_name": i18n.language_name,
            "when": when,
        }


def when(value: datetime | str | None) -> str:
    """A time (or its ISO text) as Bangkok time in the Buddhist Era; '' for none."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    return "" if value is None else i18n.be_date(value, time=True)


def services_for(app: Flask):  # type: ignore[no-untyped-def]
    """The composition root's services, before any request exists."""
    return app.extensions["damrong"]
