"""The referral letter as an official letter: to the agency's head by position, signed by the
official who prints it (name in parentheses, position beneath), under the center's letterhead
image, with Thai numerals for its own numbers and the codes written whole."""

from __future__ import annotations

import re

from sqlalchemy import select, update

from engine.models import AuditEvent, Case, OrgUnit, User
from tests.admin.conftest import csrf_of, sign_in
from tests.admin.test_administration__letterheads import upload
from tests.admin.test_inbox__scope import screen_and_refer
from tests.admin.test_pdf__documents import read_pdf
from tests.engine.reference.test_letterheads__checks import png

LATIN_BESIDE_THAI_DIGIT = re.compile(r"[A-Za-z0-9][๐-๙]|[๐-๙][A-Za-z0-9]")


def referred(app, people, open_cases, factory, clock):  # type: ignore[no-untyped-def]
    case_id = open_cases("ค่าจ้างค้าง", category="labour", confidential=True)[0]
    screen_and_refer(factory, clock, people, case_id)
    with factory.begin() as session:
        session.execute(
            update(User)
            .where(User.username == "screener")
            .values(display_name="นายสมชาย ใจดี", position="ปลัดอำเภอ")
        )
        case = session.get(Case, case_id)
        codes = (case.registration_number, case.tracking_code)
    screener = app.test_client()
    sign_in(screener, "screener")
    return screener, case_id, codes


def part(page: str, element_id: str, end: str = "</div>") -> str:
    return page.split(f'id="{element_id}"')[1].split(end)[0]


def test_the_letter_is_to_the_head_and_signed_by_the_official_with_their_position(
    app, people, open_cases, factory, clock
):
    screener, case_id, (registration, tracking) = referred(app, people, open_cases, factory, clock)
    page = screener.get(f"/staff/cases/{case_id}/letter").text
    assert "เรียน&nbsp;&nbsp;ปลัดกระทรวงแรงงาน" in page
    sign = part(page, "letter-sign", 'id="letter-contact"')
    assert "<p>(นายสมชาย ใจดี)</p>" in sign and "<p>ปลัดอำเภอ</p>" in sign
    assert "ศูนย์ดำรงธรรมอำเภอเมืองเชียงใหม่</p>" not in sign  # no longer the center's name
    _, text = read_pdf(screener.get(f"/staff/cases/{case_id}/letter.pdf"))
    assert "(นายสมชาย ใจดี)" in text and "ปลัดอำเภอ" in text
    assert "เรียนปลัดกระทรวงแรงงาน" in text.replace(" ", "")

    # Thai numerals for the letter's own numbers; the codes whole, as typed back.
    letter = re.sub(
        r"<[^>]+>", " ", page.split('<article class="letter"')[1].split("</article>")[0]
    )
    assert letter.count(registration) == 2 and tracking in letter  # ที่ and the first paragraph
    rest = letter.replace(registration, "").replace(tracking, "")
    assert re.findall(r"[0-9]", rest.split(">", 1)[1]) == []  # every other number in Thai
    assert "๒๓ พฤศจิกายน ๒๕๖๙" in letter and "๑๕ วัน" in letter
    assert not LATIN_BESIDE_THAI_DIGIT.search(letter) and not LATIN_BESIDE_THAI_DIGIT.search(text)
    assert registration in text and tracking in text


def test_without_a_position_the_letter_falls_back_to_readable_titles(
    app, people, open_cases, factory, clock
):
    screener, case_id, _ = referred(app, people, open_cases, factory, clock)
    with factory.begin() as session:
        session.execute(update(User).where(User.username == "screener").values(position=None))
        mol = session.scalar(select(OrgUnit).where(OrgUnit.code == "mol"))
        mol.head_position_th = None
    try:
        page = screener.get(f"/staff/cases/{case_id}/letter").text
        assert "เรียน&nbsp;&nbsp;หัวหน้ากระทรวงแรงงาน" in page
        assert "<p>เจ้าหน้าที่ศูนย์ดำรงธรรมอำเภอเมืองเชียงใหม่</p>" in part(
            page, "letter-sign", 'id="letter-contact"'
        )
    finally:
        with factory.begin() as session:
            session.scalar(
                select(OrgUnit).where(OrgUnit.code == "mol")
            ).head_position_th = "ปลัดกระทรวงแรงงาน"


def test_the_centers_letterhead_heads_the_page_and_the_pdf(app, people, open_cases, factory, clock):
    screener, case_id, _ = referred(app, people, open_cases, factory, clock)
    page = screener.get(f"/staff/cases/{case_id}/letter").text
    assert 'id="letterhead-slot"' in page and "ยังไม่มีตราครุฑ" in page  # the place, kept
    _, text = read_pdf(screener.get(f"/staff/cases/{case_id}/letter.pdf"))
    admin = app.test_client()
    sign_in(admin, "admin")
    with factory() as session:
        center = session.scalar(select(OrgUnit.id).where(OrgUnit.code == "c5001"))
    assert upload(admin, png((300, 300)), scope=str(center)).status_code == 302
    page = screener.get(f"/staff/cases/{case_id}/letter").text
    image = re.search(r'<img id="letterhead" src="(/staff/letterheads/\d+)"', page)
    assert image and screener.get(image.group(1)).mimetype == "image/png"
    assert "ยังไม่มีตราครุฑ" not in page
    reader, again = read_pdf(screener.get(f"/staff/cases/{case_id}/letter.pdf"))
    assert len(reader.pages[0].images) == 1 and again == text  # the same words, now the image
    height = re.search(rb"([\d.]+) 0 0 ([\d.]+) [\d.]+ [\d.]+ cm\s*/I\w+ Do", pdf_page(reader))
    assert height and abs(float(height.group(2)) - 30 / 25.4 * 72) < 0.5  # 3 cm, in points


def pdf_page(reader) -> bytes:  # type: ignore[no-untyped-def]
    return reader.pages[0].get_contents().get_data()


def test_an_official_sets_the_position_they_sign_in_on_their_account_page(
    app, people, open_cases, factory, clock
):
    screener, case_id, _ = referred(app, people, open_cases, factory, clock)
    account = screener.get("/staff/account").text
    assert 'name="position"' in account and 'value="ปลัดอำเภอ"' in account
    token = csrf_of(account)
    saved = screener.post(
        "/staff/account/position",
        data={"csrf_token": token, "position": "  นักวิเคราะห์นโยบายและแผน\tชำนาญการ "},
    )
    assert saved.status_code == 302
    page = screener.get(f"/staff/cases/{case_id}/letter").text
    assert "<p>นักวิเคราะห์นโยบายและแผน ชำนาญการ</p>" in part(page, "letter-sign", "letter-contact")
    too_long = screener.post(
        "/staff/account/position", data={"csrf_token": token, "position": "ก" * 201}
    )
    assert too_long.status_code == 422 and "ตำแหน่งยาวเกิน 200 ตัวอักษร" in too_long.text
    forged = screener.post("/staff/account/position", data={"position": "ผู้ว่าราชการจังหวัด"})
    assert forged.status_code == 400  # no form token: another site cannot change it
    with factory() as session:
        assert (
            session.scalar(select(User.position).where(User.username == "screener"))
            == "นักวิเคราะห์นโยบายและแผน ชำนาญการ"
        )
        events = session.scalars(
            select(AuditEvent.action).where(AuditEvent.action == "position_changed")
        ).all()
        assert len(events) == 1
