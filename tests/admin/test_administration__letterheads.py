"""The administration's letterhead page: an administrator uploads the Garuda or a center's
letterhead; hostile files are refused with a clear Thai message and change nothing; the image is
served with its own type, never sniffed, and cached; nobody else may change it."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from engine.models import AuditEvent, Letterhead, OrgUnit
from tests.admin.conftest import csrf_of, sign_in
from tests.engine.reference.test_letterheads__checks import LYING_PNG, SVG, png, png_header

PAGE = "/staff/admin/letterheads/"
FORM_TOKEN = re.compile(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"')


def form_token(client) -> str:  # type: ignore[no-untyped-def]
    """The administration's own form token (Flask-Admin's SecureForm)."""
    found = FORM_TOKEN.search(client.get(PAGE).text)
    assert found, "the page has no form token"
    return found.group(1)


def upload(client, data: bytes, scope: str = "national", name: str = "garuda.png"):  # type: ignore[no-untyped-def]
    token = form_token(client)
    return client.post(
        PAGE + "upload",
        data={"csrf_token": token, "scope": scope, "image": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def count(factory) -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        return session.scalar(select(func.count()).select_from(Letterhead))


def test_an_administrator_uploads_a_centers_letterhead_and_it_is_served_safely(
    app, people, factory
):
    admin = app.test_client()
    sign_in(admin, "admin")
    page = admin.get(PAGE)
    assert page.status_code == 200 and "ตราครุฑและหัวกระดาษ" in page.text
    assert "ศูนย์ดำรงธรรมอำเภอเมืองเชียงใหม่ (c5001)" in page.text  # a center to choose
    assert "กระทรวงแรงงาน (mol)" not in page.text  # agencies receive letters, they send none
    with factory() as session:
        center = session.scalar(select(OrgUnit.id).where(OrgUnit.code == "c5001"))
    done = upload(admin, png(), scope=str(center))
    assert done.status_code == 302
    listed = admin.get(done.headers["Location"]).text
    assert "บันทึกตราหรือหัวกระดาษแล้ว" in listed and "120 × 120 px" in listed
    with factory() as session:
        row = session.scalar(select(Letterhead))
        assert row.org_unit_id == center and row.uploaded_by == "admin"
        assert session.scalar(select(AuditEvent.action)) == "letterhead_uploaded"
    served = admin.get(f"/staff/letterheads/{row.id}")
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age" in served.headers["Cache-Control"]
    assert served.data.startswith(b"\x89PNG")
    assert admin.get("/staff/letterheads/999999").status_code == 404
    stranger = app.test_client()
    assert stranger.get(f"/staff/letterheads/{row.id}").status_code == 302  # sign in first

    removed = admin.post(PAGE + f"{row.id}/remove", data={"csrf_token": form_token(admin)})
    assert removed.status_code == 302 and count(factory) == 0


def test_hostile_files_get_a_clear_message_and_change_nothing(app, people, factory):
    admin = app.test_client()
    sign_in(admin, "admin")
    for data, says in (
        (SVG, "ไม่รับไฟล์ SVG"),
        (LYING_PNG, "อ่านภาพไม่ได้"),
        (png_header(60_000, 60_000), "ภาพใหญ่เกินไป"),
        (b"", "ไฟล์ว่างเปล่า"),
    ):
        refused = upload(admin, data, name="garuda.svg" if data is SVG else "garuda.png")
        assert refused.status_code == 422, says
        assert says in refused.text and 'role="alert"' in refused.text
    for scope, status in (("abc", 422), ("999999", 404), ("-1", 422)):
        assert upload(admin, png(), scope=scope).status_code == status, scope
    no_token = admin.post(
        PAGE + "upload",
        data={"scope": "national", "image": (io.BytesIO(png()), "a.png")},
        content_type="multipart/form-data",
    )
    assert no_token.status_code == 400 and "แบบฟอร์มหมดอายุ" in no_token.text
    assert count(factory) == 0
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_nobody_but_an_administrator_may_upload(app, people, factory):
    for name in ("screener", "supervisor", "labour", "executive"):
        client = app.test_client()
        sign_in(client, name)
        assert client.get(PAGE).status_code == 403, name
        token = csrf_of(client.get("/staff/account").text)
        tried = client.post(
            PAGE + "upload",
            data={"csrf_token": token, "scope": "national", "image": (io.BytesIO(png()), "a.png")},
            content_type="multipart/form-data",
        )
        assert tried.status_code == 403, name
    assert count(factory) == 0


def test_a_request_too_large_for_the_server_is_refused_in_thai(app, people, factory):
    admin = app.test_client()
    sign_in(admin, "admin")
    token = form_token(admin)
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    refused = admin.post(
        PAGE + "upload",
        data={
            "csrf_token": token,
            "scope": "national",
            "image": (io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 200_000), "big.png"),
        },
        content_type="multipart/form-data",
    )
    assert refused.status_code == 413 and "ไฟล์ใหญ่เกินกว่าที่ส่งขึ้นระบบได้" in refused.text
    assert count(factory) == 0
