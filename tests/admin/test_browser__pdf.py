"""The PDF buttons in a real browser: what an officer clicks downloads a PDF with the codes."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from sqlalchemy import select

from engine.models import Case
from tests.admin.test_browser__staff import (  # noqa: F401
    choose_area,
    page,
    server,
    sign_in,
)
from tests.admin.test_inbox__scope import screen_and_refer


def pdf_text(download) -> str:  # type: ignore[no-untyped-def]
    """The downloaded file's text (it must be a PDF), without the marks between Thai words."""
    with open(download.path(), "rb") as file:
        data = file.read()
    assert data.startswith(b"%PDF-")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    return re.sub("[\u200b\x00-\x1f]", "", text)


def test_the_receipt_and_the_letter_download_as_pdfs(page, server, people, factory, clock):  # noqa: F811
    sign_in(page, server, "intake")
    page.get_by_label("สายด่วน 1567").check()
    page.locator("[name=title]").fill("ไฟฟ้าดับบ่อยในหมู่บ้าน")
    page.locator("[name=description]").fill("ไฟฟ้าดับวันละหลายครั้ง เครื่องใช้ไฟฟ้าเสียหาย")
    page.select_option("[name=category]", "labour")
    choose_area(page, "500101")
    page.locator("[name='complainant.name']").fill("สมศรี มีสุข")
    page.locator("[name=confidential]").check()
    page.locator("[name=consent]").check()
    page.get_by_role("button", name="บันทึกและออกใบรับเรื่อง").click()
    secret = page.inner_text("#citizen-secret")
    with page.expect_download() as receipt:
        page.get_by_role("button", name="ดาวน์โหลดใบรับเรื่อง (PDF)").click()
    with factory() as session:
        case = session.scalar(select(Case))
    text = pdf_text(receipt.value)
    assert case.tracking_code in text and secret in text and case.registration_number in text
    assert page.inner_text("#citizen-secret") == secret  # the receipt page is still there

    screen_and_refer(factory, clock, people, case.id)
    page.context.clear_cookies()
    sign_in(page, server, "screener")
    page.goto(f"{server}/staff/cases/{case.id}/letter")
    with page.expect_download() as letter:
        page.click("#letter-pdf")
    text = pdf_text(letter.value)
    assert case.tracking_code in text and "กระทรวงแรงงาน" in text and "สมศรี" not in text
