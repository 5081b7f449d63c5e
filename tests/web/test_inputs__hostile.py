"""Hostile input is a clear 4xx, never a 500, and leaves nothing behind (issue 13, finding 15).

Each was a 500 once: a non-ASCII CSRF token, a 20000×20000 PNG, JSON nested 100,000 deep,
a NUL byte in a sign-in name or a search (PostgreSQL), NaN or Infinity as a coordinate.
"""

from __future__ import annotations

import base64
import io
import json
import struct
import zlib

import pytest
from PIL import Image
from sqlalchemy import func, select

from engine.models import AuditEvent, Case, CaseAttachment
from open311 import keys
from tests.admin.conftest import csrf_of, sign_in
from tests.agency.conftest import referred_case
from tests.portal.conftest import complaint, csrf


def bomb_png(width: int = 20000, height: int = 20000) -> bytes:
    """A tiny PNG that claims width × height pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def counts(factory) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """(cases, attachments, audit events): what a refused request must leave as it was."""
    with factory() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model))
            for model in (Case, CaseAttachment, AuditEvent)
        )


def deep_json(depth: int = 100_000) -> str:
    return "[" * depth + "]" * depth


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


def test_a_non_ascii_csrf_token_is_an_expired_form_not_a_500(client, people, factory):
    csrf(client)
    before = counts(factory)
    portal = client.post("/portal/complaint", data={**complaint(), "_csrf": "โทเคนปลอม"})
    assert portal.status_code == 400 and "หมดอายุ" in portal.text
    client.get("/staff/signin")
    staff = client.post("/staff/signin", data={"username": "admin", "csrf_token": "ปลอม"})
    assert staff.status_code == 400
    header = client.post("/staff/signout", headers={"X-CSRF-Token": "caf\u00e9"})
    assert header.status_code == 400
    assert counts(factory) == before


def test_a_decompression_bomb_is_refused_by_the_portal_open311_and_the_staff_web(
    client, app, people, factory, clock
):
    token = csrf(client)
    data = {**complaint(), "_csrf": token, "photos": [(io.BytesIO(bomb_png()), "bomb.png")]}
    portal = client.post("/portal/complaint", data=data, content_type="multipart/form-data")
    assert portal.status_code in (400, 422) and "bomb.png" in portal.text
    assert counts(factory)[:2] == (0, 0)

    with factory.begin() as session:
        key = keys.issue_key(session, clock(), "superapp", requests_per_minute=100)
    form = {
        "api_key": key,
        "service_code": "labour",
        "lat": "18.79",
        "long": "98.98",
        "description": "นายจ้างไม่จ่ายค่าจ้างสองเดือนแล้ว ขอความช่วยเหลือด้วย",
        "attribute[consent]": "true",
        "media": [(io.BytesIO(bomb_png()), "bomb.png")],
    }
    open311 = client.post(
        "/open311/v2/requests.json", data=form, content_type="multipart/form-data"
    )
    assert open311.status_code == 400 and open311.get_json()[0]["description"]
    assert counts(factory)[:2] == (0, 0)

    case_id = referred_case(factory, clock, people)
    staff = app.test_client()
    token = csrf_of(sign_in(staff, "screener") and staff.get(f"/staff/cases/{case_id}").text)
    before = counts(factory)
    upload = staff.post(
        f"/staff/cases/{case_id}/files",
        data={"csrf_token": token, "file": (io.BytesIO(bomb_png()), "bomb.png")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 422 and "bomb.png" in upload.text
    assert counts(factory) == before


def test_the_agency_api_re_encodes_images_and_refuses_bombs(client, people, tokens, factory, clock):
    case_id = referred_case(factory, clock, people)
    url = f"/api/v1/agency/cases/{case_id}"
    assert client.post(f"{url}/acknowledge", json={}, headers=tokens["labour"]).status_code == 200

    def result(content: bytes):  # type: ignore[no-untyped-def]
        file = {"filename": "photo.png", "content_base64": base64.b64encode(content).decode()}
        body = {"result_text": "ตรวจแล้ว", "attachments": [file]}
        return client.post(f"{url}/result", json=body, headers=tokens["labour"])

    before = counts(factory)
    bomb = result(bomb_png())
    assert bomb.status_code == 422 and "attachments/0" in bomb.get_json()["error"]["fields"]
    assert counts(factory) == before

    big = io.BytesIO()
    Image.new("RGB", (4000, 3000), (200, 30, 30)).save(big, "PNG")
    assert result(big.getvalue()).status_code == 200
    [file] = client.get(url, headers=tokens["labour"]).get_json()["attachments"]
    stored = client.get(f"{url}/attachments/{file['id']}", headers=tokens["labour"]).data
    assert max(Image.open(io.BytesIO(stored)).size) == 2048  # scaled down, re-encoded


def test_json_nested_100000_deep_is_a_400_everywhere_a_body_is_read(client, tokens, people):
    headers = {**tokens["intake"], "Content-Type": "application/json"}
    for path in (
        "/api/v1/cases",
        "/api/v1/cases/1/messages/withdraw",
        "/api/v1/track/AAAA-BBBB/messages/withdraw",
        "/api/v1/admin/notifications/templates/complainant/case_received/th/preview",
        "/api/v1/agency/cases/1/acknowledge",
    ):
        response = client.post(path, data=deep_json(), headers=headers)
        assert 400 <= response.status_code < 500, (path, response.status_code)
    created = client.post("/api/v1/cases", data=deep_json(40), headers=headers)
    assert created.status_code == 422  # the API's answer to a body it cannot read
    assert (
        "nesting deeper than 32"
        in client.post("/api/v1/cases?lang=en", data=deep_json(40), headers=headers).get_json()[
            "error"
        ]["message"]
    )
    assert created.get_json()["error"]["code"] in ("validation_failed", "unreadable_input")


def test_a_nul_byte_in_a_name_filter_or_search_is_a_400(client, people, factory):
    token = csrf_of(client.get("/staff/signin").text)
    signin = client.post(
        "/staff/signin",
        data={"username": "ad\x00min", "password": "x", "csrf_token": token},
    )
    assert signin.status_code == 400 and "NUL" in signin.text
    assert sign_in(client, "admin").status_code == 302
    for path in (
        "/staff/inbox?tab=all&step=scr%00een",
        "/staff/admin/admin_users/?search=ad%00min",
        "/staff/admin/audit_events/?search=%01",
        "/portal/track?code=%00",
        "/open311/v2/requests.json?service_code=%00",
    ):
        response = client.get(path)
        assert response.status_code == 400, (path, response.status_code)
    api = client.get("/api/v1/cases?q=%00")  # the API's own check, in its error shape
    assert api.status_code == 422 and api.get_json()["error"]["code"] == "validation_failed"


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_coordinates_are_refused_and_the_public_list_stays_strict_json(
    client, tokens, factory, value
):
    body = '{"title": "ไฟดับ", "lat": ' + value + ', "lon": 98.98}'
    headers = {**tokens["intake"], "Content-Type": "application/json"}
    created = client.post("/api/v1/cases", data=body, headers=headers)
    assert created.status_code == 422 and created.get_json()["error"]["code"] == "validation_failed"
    assert counts(factory)[0] == 0
    listed = client.get("/open311/v2/requests.json")
    assert listed.status_code == 200
    json.loads(listed.data, parse_constant=lambda name: pytest.fail(f"{name} in the list"))


def test_a_coordinate_stored_as_nan_before_the_fix_keeps_the_public_list_strict(
    client, factory, clock, people
):
    case_id = referred_case(factory, clock, people)
    with factory.begin() as session:
        case = session.get(Case, case_id)
        case.lat, case.lon = float("nan"), 98.98  # PostgreSQL keeps NaN; SQLite makes it NULL
        case.publish_details = True  # a public category, published: the position is shown
    listed = client.get("/open311/v2/requests.json")
    assert listed.status_code == 200
    rows = json.loads(listed.data, parse_constant=lambda name: pytest.fail(f"{name} in the list"))
    [row] = [r for r in rows if r["service_request_id"] == str(case_id)]
    assert row["lat"] is None and row["long"] == 98.98
