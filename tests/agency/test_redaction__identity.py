"""A confidential complainant's identity never reaches the agency; national IDs never in full."""

from __future__ import annotations

import json

from engine.access import redaction
from engine.models import CaseAttachment
from tests.agency.conftest import referred_case
from tests.engine.helpers import complete

NID = "1101700230708"  # a valid check digit
CONFIDENTIAL = {
    "confidential": True,
    "title": "นายจ้างค้างค่าจ้าง สมหญิง รักงาน แจ้ง",
    "description": (
        "ดิฉันนางสมหญิง รักงาน เลขบัตร 1-1017-00230-70-8 โทร 081-234-5678 "
        "อีเมล somying@example.com ทำงานที่โรงงานของนายจ้าง"
    ),
    "complainant": {
        "name": "สมหญิง รักงาน",
        "phone": "0812345678",
        "email": "somying@example.com",
        "national_id": NID,
    },
}


def test_suggestions_find_names_phones_ids_and_emails():
    text = "แจ้งโดยนายสมชาย ใจดี โทร 02-123-4567 หรือ +66 81 234 5678 บัตร ๑๑๐๑๗๐๐๒๓๐๗๐๕ a.b@x.co"
    kinds = [s.kind for s in redaction.suggest(text)]
    assert kinds == ["name", "phone", "phone", "national_id", "email"]
    assert redaction.suggest("ถนนหน้าบ้านเป็นหลุมลึก 3 จุด") == []


def test_national_ids_are_masked_even_when_nothing_else_is_hidden():
    clean = redaction.Redactor().text(f"ผู้ร้อง {NID} และ 1-1017-00230-70-8")
    assert NID not in clean and "00230" not in clean
    assert clean.count("x-xxxx-xxxxx-70-8") == 2


def test_officer_terms_and_identity_are_removed_longest_first():
    r = redaction.Redactor(terms=["สมหญิง รักงาน", "สมหญิง", "0812345678"], protect_identity=True)
    assert r.text("คุณสมหญิง รักงาน 081 234 5678") == "คุณ[ปกปิด] [ปกปิด]"


def test_agency_reads_a_confidential_case_without_the_complainant(
    client, tokens, factory, clock, staff
):
    case_id = referred_case(factory, clock, staff, **CONFIDENTIAL)
    complete(factory, clock, staff["labour"], case_id, "agency_acknowledge", {})
    body = client.get(f"/api/v1/agency/cases/{case_id}", headers=tokens["labour"]).get_json()
    assert body["complainant"] is None and body["confidential"] is True
    received = json.dumps(body, ensure_ascii=False)
    feed = client.get("/api/v1/agency/feed", headers=tokens["labour"]).get_json()
    listing = client.get("/api/v1/agency/cases", headers=tokens["labour"]).get_json()
    for leak in ("สมหญิง", "รักงาน", "0812345678", "081-234-5678", "somying", NID, "00230"):
        for what in (
            received,
            json.dumps(feed, ensure_ascii=False),
            json.dumps(listing, ensure_ascii=False),
        ):
            assert leak not in what, leak
    assert "โรงงานของนายจ้าง" in body["description"]  # the complaint itself still reads
    # The center's screener still sees everything.
    staff_view = client.get(f"/api/v1/cases/{case_id}", headers=tokens["screener"]).get_json()
    assert staff_view["complainant"]["name"] == "สมหญิง รักงาน"


def test_a_term_the_officer_redacts_disappears_from_what_the_agency_reads(
    client, tokens, factory, clock, staff
):
    case_id = referred_case(
        factory, clock, staff, description="ร้านข้าวมันไก่เจ๊หมวย ซอย 5 ไม่จ่ายค่าจ้างลูกจ้าง"
    )
    assert (
        "เจ๊หมวย"
        in client.get(f"/api/v1/agency/cases/{case_id}", headers=tokens["labour"]).get_json()[
            "description"
        ]
    )
    added = client.post(
        f"/api/v1/cases/{case_id}/redactions", json={"term": "เจ๊หมวย"}, headers=tokens["screener"]
    )
    assert added.status_code == 201
    body = client.get(f"/api/v1/agency/cases/{case_id}", headers=tokens["labour"]).get_json()
    assert "เจ๊หมวย" not in body["description"] and "[ปกปิด]" in body["description"]
    refused = client.post(
        f"/api/v1/cases/{case_id}/redactions", json={"term": "ซอย"}, headers=tokens["labour"]
    )
    assert refused.status_code == 403


def test_a_non_confidential_complainant_is_shown_with_a_masked_national_id(
    client, tokens, factory, clock, staff
):
    complainant = {"name": "สมชาย ใจดี", "phone": "0899999999", "national_id": NID}
    case_id = referred_case(factory, clock, staff, complainant=complainant)
    body = client.get(f"/api/v1/agency/cases/{case_id}", headers=tokens["labour"]).get_json()
    assert body["complainant"]["name"] == "สมชาย ใจดี"
    assert body["complainant"]["national_id"] == "x-xxxx-xxxxx-70-8"


def _citizen_photo(factory, clock, case_id: int) -> int:  # type: ignore[no-untyped-def]
    """A file the complainant sent with the complaint (as the portal stores it)."""
    with factory.begin() as session:
        row = CaseAttachment(
            case_id=case_id,
            filename="บัตรประชาชน.jpg",
            content_type="image/jpeg",
            size=4,
            sha256="0" * 64,
            content=b"\xff\xd8\xff\xd9",
            step="intake",
            org_unit_id=None,
            uploaded_by="complainant",
            created_at=clock(),
        )
        session.add(row)
        session.flush()
        return row.id


def test_a_confidential_complainants_files_never_reach_the_agency(
    client, tokens, factory, clock, staff
):
    case_id = referred_case(factory, clock, staff, **CONFIDENTIAL)
    photo = _citizen_photo(factory, clock, case_id)
    body = client.get(f"/api/v1/agency/cases/{case_id}", headers=tokens["labour"]).get_json()
    assert body["attachments"] == []
    url = f"/api/v1/agency/cases/{case_id}/attachments/{photo}"
    assert client.get(url, headers=tokens["labour"]).status_code == 404


def test_an_officer_withholds_a_file_from_agencies(client, tokens, factory, clock, staff):
    case_id = referred_case(factory, clock, staff)
    photo = _citizen_photo(factory, clock, case_id)
    url = f"/api/v1/agency/cases/{case_id}/attachments/{photo}"
    assert client.get(url, headers=tokens["labour"]).data == b"\xff\xd8\xff\xd9"
    withhold = f"/api/v1/cases/{case_id}/attachments/{photo}/withhold"
    assert client.post(withhold, headers=tokens["labour"]).status_code == 403
    assert client.post(withhold, headers=tokens["screener"]).status_code == 200
    assert client.get(url, headers=tokens["labour"]).status_code == 404
    body = client.get(f"/api/v1/agency/cases/{case_id}", headers=tokens["labour"]).get_json()
    assert body["attachments"] == []


def test_the_general_case_api_filters_an_agency_the_same_way(client, tokens, factory, clock, staff):
    case_id = referred_case(factory, clock, staff, **CONFIDENTIAL)
    detail = client.get(f"/api/v1/cases/{case_id}", headers=tokens["labour"]).get_json()
    listing = client.get("/api/v1/cases", headers=tokens["labour"]).get_json()
    for what in (detail, listing):
        text = json.dumps(what, ensure_ascii=False)
        for leak in ("สมหญิง", "รักงาน", "0812345678", "081-234-5678", "somying", "00230"):
            assert leak not in text, leak
    assert "โรงงานของนายจ้าง" in detail["description"]
