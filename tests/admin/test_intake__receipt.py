"""The intake screen: an officer registers a phone or walk-in complaint and prints a receipt."""

from __future__ import annotations

from sqlalchemy import select

from engine.access import secrets
from engine.models import AuditEvent, Case
from tests.admin.conftest import csrf_of, sign_in


def complaint(token: str, **extra: str) -> dict:
    data = {
        "csrf_token": token,
        "channel": "phone",
        "title": "น้ำประปาไม่ไหลทั้งหมู่บ้าน",
        "description": "น้ำประปาไม่ไหลมาสามวันแล้ว ชาวบ้านเดือดร้อนมาก",
        "category": "local_nuisance",
        "area_code:province": "50",
        "area_code:district": "5001",
        "area_code:subdistrict": "500101",
        "complainant.name": "สมชาย ใจดี",
        "complainant.phone": "0812345678",
        "consent": "true",
    }
    data.update(extra)
    return data


def test_an_intake_officer_registers_a_hotline_complaint_and_gets_a_receipt(app, people, factory):
    client = app.test_client()
    sign_in(client, "intake")
    assert client.get("/staff/").headers["Location"] == "/staff/intake"
    page = client.get("/staff/intake").text
    missing = client.post("/staff/intake", data=complaint(csrf_of(page), title=""))
    assert missing.status_code == 422 and "กรุณากรอก «" in missing.text
    assert "น้ำประปาไม่ไหลมาสามวันแล้ว" in missing.text  # what was typed stays
    no_channel = client.post("/staff/intake", data=complaint(csrf_of(page), channel="web"))
    assert no_channel.status_code == 422 and "กรุณาเลือกช่องทาง" in no_channel.text
    receipt = client.post("/staff/intake", data=complaint(csrf_of(page)))
    assert receipt.status_code == 200, receipt.text
    with factory() as session:
        case = session.scalar(select(Case))
        assert case.channel == "phone" and case.complainant_name == "สมชาย ใจดี"
        assert case.area_code == "500101"
        assert session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "opened")) == {
            "channel": "phone"
        }
    text = receipt.text
    assert case.tracking_code in text and case.registration_number in text
    secret = text.split('id="citizen-secret">')[1].split("<")[0]
    assert secrets.verify_secret(secret, case.secret_hash)
    assert "1567" in text and "2569" in text and "ใบรับเรื่องร้องเรียน" in text


def test_only_intake_officers_register_complaints(app, people):
    for name in ("screener", "labour", "executive"):
        client = app.test_client()
        sign_in(client, name)
        assert client.get("/staff/intake").status_code == 403, name
