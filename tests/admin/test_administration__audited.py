"""Administration: admins only, CSRF-protected forms, and every change in the audit log."""

from __future__ import annotations

import re

from sqlalchemy import select

from engine.models import AuditEvent, Category, User
from tests.admin.conftest import sign_in

CSRF = re.compile(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"')


def form_token(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no Flask-Admin CSRF token"
    return found.group(1)


def new_category(token: str | None = None) -> dict:
    data = {
        "code": "water_supply",
        "name_th": "น้ำประปา",
        "name_en": "Water supply",
        "description_th": "น้ำไม่ไหล น้ำขุ่น",
        "description_en": "",
        "keywords": '["น้ำประปา"]',
        "group_name": "",
        "public": "y",
        "active": "y",
    }
    if token:
        data["csrf_token"] = token
    return data


def test_only_admins_may_open_the_administration(app, people):
    anonymous = app.test_client().get("/staff/admin/")
    assert anonymous.status_code == 302 and "/staff/signin" in anonymous.headers["Location"]
    for name in ("screener", "supervisor", "labour", "executive"):
        client = app.test_client()
        sign_in(client, name)
        assert client.get("/staff/admin/").status_code == 403, name
        assert client.get("/staff/admin/admin_categories/").status_code == 403, name
    admin = app.test_client()
    sign_in(admin, "admin")
    assert admin.get("/staff/admin/").status_code == 200
    for table in ("users", "org_units", "categories", "sla_policies", "holiday_overrides"):
        assert admin.get(f"/staff/admin/admin_{table}/").status_code == 200, table
    assert admin.get("/staff/admin/admin_process_definitions/").status_code == 200
    assert admin.get("/staff/admin/admin_audit_events/").status_code == 200


def test_an_admin_adds_a_category_and_the_change_is_audited(
    app, people, factory, new_category_code
):
    client = app.test_client()
    sign_in(client, "admin")
    page = client.get("/staff/admin/admin_categories/new/").text
    forged = client.post("/staff/admin/admin_categories/new/", data=new_category())
    assert forged.status_code == 200  # the form comes back with an error, nothing is saved
    with factory() as session:
        assert session.get(Category, "water_supply") is None
    saved = client.post("/staff/admin/admin_categories/new/", data=new_category(form_token(page)))
    assert saved.status_code == 302
    with factory() as session:
        category = session.get(Category, "water_supply")
        assert category.name_th == "น้ำประปา" and category.keywords == ["น้ำประปา"]
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "admin_created"))
        assert event.actor_label == "admin" and event.detail["table"] == "categories"
        assert event.detail["key"] == "water_supply"
        assert event.detail["changes"]["name_th"] == [None, "น้ำประปา"]


def test_a_new_user_gets_a_hashed_password_and_the_log_keeps_no_secret(app, people, factory):
    client = app.test_client()
    sign_in(client, "admin")
    with factory() as session:
        unit = session.scalar(select(User.org_unit_id).where(User.username == "screener"))
    token = form_token(client.get("/staff/admin/admin_users/new/").text)
    data = {
        "csrf_token": token,
        "username": "screener_new",
        "display_name": "เจ้าหน้าที่ใหม่",
        "org_unit": str(unit),
        "roles": ["screener"],
        "email": "",
        "language": "th",
        "active": "y",
        "new_password": "รหัสผ่านใหม่2569",
    }
    assert client.post("/staff/admin/admin_users/new/", data=data).status_code == 302
    fresh = app.test_client()
    assert sign_in(fresh, "screener_new", "รหัสผ่านใหม่2569").status_code == 302
    with factory() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "admin_created"))
        assert "password_hash" not in event.detail["changes"]
        assert event.detail["changes"]["roles"] == [None, ["screener"]]


def test_a_template_with_broken_syntax_is_refused_and_a_good_one_audited(app, people, factory):
    from notifications.models import NotificationTemplate

    client = app.test_client()
    sign_in(client, "admin")
    token = form_token(client.get("/staff/admin/admin_notification_templates/new/").text)
    data = {
        "csrf_token": token,
        "name": "citizen/case_received",
        "language": "th",
        "subject": "ได้รับเรื่อง {{ tracking_code }}",
        "body_text": "เรื่องของท่าน {% if x %} ยังไม่ปิด",
        "body_short": "",
    }
    broken = client.post("/staff/admin/admin_notification_templates/new/", data=data)
    assert broken.status_code == 200 and "body_text" in broken.text
    with factory() as session:
        assert session.scalar(select(NotificationTemplate.id)) is None
    data["body_text"] = "เรื่องของท่าน {{ tracking_code }} ได้รับแล้ว"
    saved = client.post("/staff/admin/admin_notification_templates/new/", data=data)
    assert saved.status_code == 302
    with factory() as session:
        row = session.scalar(select(NotificationTemplate))
        assert row.updated_by == "admin"
        assert (
            session.scalar(
                select(AuditEvent.detail["table"].as_string()).where(
                    AuditEvent.action == "admin_created"
                )
            )
            == "notification_templates"
        )
        session.delete(row)
        session.commit()
