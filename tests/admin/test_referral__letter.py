"""Redaction before a referral reaches the agency, and the referral letter."""

from __future__ import annotations

from sqlalchemy import select

from engine.models import AuditEvent, CaseRedaction
from tests.admin.conftest import csrf_of, sign_in
from tests.admin.test_inbox__scope import screen_and_refer

TEXT = "ดิฉันนางสาวสมศรี ใจงาม โทร 081-999-8888 นายจ้างชื่อบริษัทเอบีซีไม่จ่ายค่าจ้าง"


def test_an_officer_sees_what_the_agency_will_read_and_redacts_more(
    app, people, open_cases, factory, clock
):
    case_id = open_cases(
        "ค่าจ้างค้าง",
        description=TEXT,
        category="labour",
        confidential=True,
        complainant={"name": "สมศรี ใจงาม", "phone": "0819998888"},
    )[0]
    screener = app.test_client()
    sign_in(screener, "screener")
    view = screener.get(f"/staff/cases/{case_id}/agency-view").text
    preview = view.split('id="preview"')[1].split("</section>")[0]
    assert "สมศรี" not in preview and "081-999-8888" not in preview and "[ปกปิด]" in preview
    assert "บริษัทเอบีซี" in preview  # not personal data: kept until an officer says otherwise
    added = screener.post(
        f"/staff/cases/{case_id}/redactions",
        data={"csrf_token": csrf_of(view), "term": "บริษัทเอบีซี"},
    )
    assert added.status_code == 302
    again = screener.get(f"/staff/cases/{case_id}/agency-view").text
    assert "บริษัทเอบีซี" not in again.split('id="preview"')[1].split("</section>")[0]
    with factory() as session:
        assert session.scalar(select(CaseRedaction.term)) == "บริษัทเอบีซี"
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "redacted"))
        assert "บริษัทเอบีซี" not in str(event.detail)  # the term itself is never logged
    screen_and_refer(factory, clock, people, case_id)
    labour = app.test_client()
    sign_in(labour, "labour")
    agency_page = labour.get(f"/staff/cases/{case_id}").text
    assert "บริษัทเอบีซี" not in agency_page and "สมศรี" not in agency_page
    assert labour.get(f"/staff/cases/{case_id}/agency-view").status_code == 403
    assert labour.get(f"/staff/cases/{case_id}/letter").status_code == 403


def test_the_referral_letter_addresses_the_lead_agency_in_thai_official_form(
    app, people, open_cases, factory, clock
):
    case_id = open_cases("ค่าจ้างค้าง", description=TEXT, category="labour", confidential=True)[0]
    screener = app.test_client()
    sign_in(screener, "screener")
    assert screener.get(f"/staff/cases/{case_id}/letter").status_code == 404  # not referred yet
    screen_and_refer(factory, clock, people, case_id)
    letter = screener.get(f"/staff/cases/{case_id}/letter").text
    assert "เรียน&nbsp;&nbsp;ปลัดกระทรวงแรงงาน" in letter  # its head, by position
    assert "๒๓ พฤศจิกายน ๒๕๖๙" in letter  # the clock's day in Thai numerals and the BE year
    assert "ผู้ร้อง (ขอปกปิดชื่อ)" in letter and "สมศรี" not in letter
    assert "๑๕ วัน" in letter and "สายด่วน ๑๕๖๗" in letter
