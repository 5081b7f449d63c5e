"""Administration: an edit of any reference table, and a holiday's whole life, in the audit log."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from sqlalchemy import delete, inspect, select

from engine.access import secrets
from engine.models import (
    ApiToken,
    AuditEvent,
    Category,
    DirectoryEntry,
    HolidayOverride,
    OrgUnit,
    SlaPolicy,
    User,
)
from engine.reference import directory
from tests.admin.conftest import sign_in

DAY = date(2099, 12, 29)
# table -> (model, order by, field to change, its new value)
EDITS = {
    "users": (User, User.username, "display_name", "เจ้าหน้าที่ทดสอบแก้ไข"),
    "org_units": (OrgUnit, OrgUnit.id, "name_en", "Renamed unit"),
    "categories": (Category, Category.code, "name_en", "Renamed category"),
    "sla_policies": (SlaPolicy, SlaPolicy.id, "duration", "7"),
    "directory_entries": (DirectoryEntry, DirectoryEntry.id, "name_en", "Renamed entry"),
}


class FormFields(HTMLParser):
    """The fields a browser would submit from a page's first POST form, as they stand."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((name, a.get("value", "y" if a.get("type") == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields.append((name, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            name, value = self.fields[-1]
            if not value:  # a browser drops the newline right after <textarea>
                data = data.removeprefix("\r\n").removeprefix("\n")
            self.fields[-1] = (name, value + data)


def fields_of(html: str) -> dict[str, list[str]]:
    parser = FormFields()
    parser.feed(html)
    out: dict[str, list[str]] = {}
    for name, value in parser.fields:
        out.setdefault(name, []).append(value)
    return out


@pytest.fixture
def admin(app, people):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert sign_in(client, "admin").status_code == 302
    return client


def audit_events(factory, action: str) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    with factory() as session:
        query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return list(session.scalars(query))


@pytest.mark.parametrize("table", EDITS)
def test_an_edit_of_each_reference_table_is_saved_and_audited(admin, factory, table):
    model, order, field, new_value = EDITS[table]
    with factory() as session:
        row = session.scalar(select(model).order_by(order))
        ident, before = inspect(row).identity, getattr(row, field)
    key = "/".join(map(str, ident))
    address = f"/staff/admin/admin_{table}/edit/?id={key}"
    form = fields_of(admin.get(address).text)
    assert form.get("csrf_token"), "the edit form carries its CSRF token"
    try:
        saved = admin.post(address, data=form | {field: [new_value]})
        assert saved.status_code == 302, saved.text[:2000]
        with factory() as session:
            assert str(getattr(session.get(model, ident), field)) == new_value
        (event,) = audit_events(factory, "admin_updated")
        assert event.actor_label == "admin"
        assert event.detail["table"] == table and event.detail["key"] == key
        assert event.detail["changes"][field] == [before, type(before)(new_value)]
    finally:  # reference tables are shared by every test
        with factory.begin() as session:
            restored = session.get(model, ident)
            setattr(restored, field, before)
            if model is DirectoryEntry:
                directory.refresh_entry(restored)


def test_a_holiday_is_added_moved_and_removed_each_step_audited(admin, factory):
    new = fields_of(admin.get("/staff/admin/admin_holiday_overrides/new/").text)
    new |= {"day": [DAY.isoformat()], "name_th": ["วันหยุดพิเศษ"], "name_en": ["Special"]}
    try:
        assert admin.post("/staff/admin/admin_holiday_overrides/new/", data=new).status_code == 302
        edit = f"/staff/admin/admin_holiday_overrides/edit/?id={DAY.isoformat()}"
        page = admin.get(edit)
        assert page.status_code == 200 and "วันหยุดพิเศษ" in page.text  # opens on SQLite too
        form = fields_of(page.text) | {"name_th": ["วันหยุดพิเศษ (ครม.)"]}
        assert admin.post(edit, data=form).status_code == 302
        with factory() as session:
            assert session.get(HolidayOverride, DAY).name_th == "วันหยุดพิเศษ (ครม.)"
        listing = admin.get("/staff/admin/admin_holiday_overrides/").text
        token = fields_of(listing)["csrf_token"][0]
        removed = admin.post(
            "/staff/admin/admin_holiday_overrides/delete/",
            data={"id": DAY.isoformat(), "csrf_token": token},
        )
        assert removed.status_code == 302
        with factory() as session:
            assert session.get(HolidayOverride, DAY) is None
        for action, change in (
            ("admin_created", ["name_th", [None, "วันหยุดพิเศษ"]]),
            ("admin_updated", ["name_th", ["วันหยุดพิเศษ", "วันหยุดพิเศษ (ครม.)"]]),
        ):
            (event,) = audit_events(factory, action)
            assert event.detail["table"] == "holiday_overrides"
            assert event.detail["changes"][change[0]] == change[1]
        (deleted,) = audit_events(factory, "admin_deleted")
        assert deleted.detail == {
            "table": "holiday_overrides",
            "key": DAY.isoformat(),
            "changes": {},
        }
    finally:
        with factory.begin() as session:
            session.execute(delete(HolidayOverride).where(HolidayOverride.day == DAY))


def test_a_deactivated_official_is_signed_out_and_their_token_stops(
    app, admin, factory, clock, open_cases
):
    from engine.access import tokens

    open_cases("เรื่องก่อนปิดบัญชี")  # an 'opened' event in the log as well
    with factory.begin() as session:
        screener = session.scalar(select(User).where(User.username == "screener"))
        token = tokens.create_token(session, clock(), screener.id, "แอปของศูนย์")
        key = str(screener.id)
    official = app.test_client()
    assert sign_in(official, "screener").status_code == 302
    bearer = {"Authorization": f"Bearer {token}"}
    assert official.get("/staff/inbox").status_code == 200
    assert app.test_client().get("/api/v1/tasks", headers=bearer).status_code == 200
    address = f"/staff/admin/admin_users/edit/?id={key}"
    form = fields_of(admin.get(address).text)
    assert form.pop("active") == ["y"]  # an unticked box is not sent
    assert admin.post(address, data=form).status_code == 302
    left = official.get("/staff/inbox")
    assert left.status_code == 302 and "/staff/signin" in left.headers["Location"]
    assert app.test_client().get("/api/v1/tasks", headers=bearer).status_code == 401
    (event,) = audit_events(factory, "admin_updated")
    assert event.detail["changes"] == {"active": [True, False]}
    found = admin.get("/staff/admin/admin_audit_events/?search=admin_updated").text
    actions = re.findall(r'<td class="col-action">\s*(\w+)', found)
    assert actions == ["admin_updated"]  # the audit log's search


def test_an_admin_revokes_an_officials_lost_token(app, admin, factory, clock):
    from engine.access import tokens

    with factory.begin() as session:
        labour = session.scalar(select(User).where(User.username == "labour"))
        lost = tokens.create_token(session, clock(), labour.id, "โทรศัพท์ที่หาย")
        kept = tokens.create_token(session, clock(), labour.id, "เครื่องที่สำนักงาน")
        lost_id = session.scalar(select(ApiToken.id).where(ApiToken.name == "โทรศัพท์ที่หาย"))
    listing = admin.get("/staff/admin/admin_api_tokens/?search=labour").text
    assert "โทรศัพท์ที่หาย" in listing and "เครื่องที่สำนักงาน" in listing
    assert lost not in listing and secrets.hash_token(lost) not in listing  # never the secret
    token = fields_of(listing)["csrf_token"][0]
    forged = admin.post(
        "/staff/admin/admin_api_tokens/action/", data={"action": "revoke", "rowid": lost_id}
    )
    assert forged.status_code == 302 and audit_events(factory, "admin_updated") == []
    revoked = admin.post(
        "/staff/admin/admin_api_tokens/action/",
        data={"action": "revoke", "rowid": lost_id, "csrf_token": token},
    )
    assert revoked.status_code == 302
    api = app.test_client()
    assert api.get("/api/v1/tasks", headers={"Authorization": f"Bearer {lost}"}).status_code == 401
    assert api.get("/api/v1/tasks", headers={"Authorization": f"Bearer {kept}"}).status_code == 200
    (event,) = audit_events(factory, "admin_updated")
    assert event.detail["table"] == "api_tokens" and event.detail["key"] == str(lost_id)
    assert event.detail["changes"]["revoked_at"][0] is None
