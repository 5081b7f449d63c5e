"""Administrators maintain the public contact directory; an edit is searchable at once."""

from __future__ import annotations

from sqlalchemy import delete, select

from engine.models import AuditEvent, DirectoryEntry
from tests.admin.conftest import sign_in
from tests.admin.test_administration__audited import form_token


def test_an_admin_adds_a_directory_entry_that_the_public_search_finds(app, people, factory):
    client = app.test_client()
    sign_in(client, "admin")
    token = form_token(client.get("/staff/admin/admin_directory_entries/new/").text)
    data = {
        "csrf_token": token,
        "key": "test:pwa-cm",
        "kind": "agency",
        "name_th": "การประปาส่วนภูมิภาคสาขาเชียงใหม่",
        "name_en": "PWA Chiang Mai",
        "phone": "053-112-233",
        "hotline": "1662",
        "area_code": "50",
        "active": "y",
    }
    try:
        bad = client.post(
            "/staff/admin/admin_directory_entries/new/", data={**data, "area_code": "99"}
        )
        assert bad.status_code == 200 and "รหัสพื้นที่ไม่ถูกต้อง" in bad.text
        saved = client.post("/staff/admin/admin_directory_entries/new/", data=data)
        assert saved.status_code == 302
        found = client.get("/api/v1/directory?q=053112233").get_json()
        names = [item["name_th"] for item in found["items"]]
        assert names == ["การประปาส่วนภูมิภาคสาขาเชียงใหม่"]
        by_area = client.get("/api/v1/directory?q=ประปา").get_json()["items"][0]
        assert by_area["area_name"] == "จังหวัดเชียงใหม่"
        with factory() as session:
            event = session.scalar(select(AuditEvent).where(AuditEvent.action == "admin_created"))
            assert event.detail["table"] == "directory_entries"
    finally:
        with factory.begin() as session:
            session.execute(delete(DirectoryEntry).where(DirectoryEntry.key == "test:pwa-cm"))
