"""The referral letter in Debian's chromium, as an official prints it: the administrator uploads
the center's emblem; the letter shows it 3 cm high (on screen and when printed), is addressed to
the agency's head by position, is signed with the official's name and position, writes its own
numbers in Thai numerals and the codes whole, draws every Thai word in the served font, and the
PDF the official downloads says and shows the same. Screenshots in /tmp/letter_shots/."""

from __future__ import annotations

import io
import re
from pathlib import Path

from PIL import Image, ImageDraw
from pypdf import PdfReader
from sqlalchemy import select, update

from engine.models import Case, User
from tests.admin.test_browser__administration import (  # noqa: F401
    NOT_SERVED_FONT,
    server,
)
from tests.admin.test_browser__staff import sign_in
from tests.admin.test_inbox__scope import screen_and_refer

SHOTS = Path("/tmp/letter_shots")
CM = 96 / 2.54  # CSS pixels in a centimetre
THAI_DIGIT_BESIDE_LATIN = re.compile(r"[A-Za-z0-9][๐-๙]|[๐-๙][A-Za-z0-9]")


def emblem(path: Path) -> Path:
    """A stand-in for the Garuda: a gold emblem on a transparent ground, 600 × 690 pixels."""
    image = Image.new("RGBA", (600, 690), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((50, 40, 550, 640), fill=(196, 150, 28, 255))
    draw.polygon([(300, 90), (520, 600), (80, 600)], fill=(150, 20, 20, 255))
    image.save(path, "PNG")
    return path


def measure(page) -> dict:  # type: ignore[no-untyped-def]
    return page.evaluate(
        """() => { const i = document.getElementById('letterhead'), box = i.getBoundingClientRect();
        return {height: box.height, loaded: i.complete && i.naturalWidth > 0,
                left: box.left, right: innerWidth - box.right}; }"""
    )


def test_an_official_prints_a_letter_by_position_under_the_centers_emblem(
    browser,
    server,  # noqa: F811
    people,
    open_cases,
    factory,
    clock,
    tmp_path,
):
    SHOTS.mkdir(exist_ok=True)
    case_id = open_cases("นายจ้างค้างจ่ายค่าจ้างสองเดือน", category="labour", confidential=True)[0]
    screen_and_refer(factory, clock, people, case_id)
    with factory.begin() as session:
        session.execute(
            update(User)
            .where(User.username == "screener")
            .values(display_name="นายสมชาย ใจดี", position="ปลัดอำเภอ")
        )
        registration, tracking = session.execute(
            select(Case.registration_number, Case.tracking_code).where(Case.id == case_id)
        ).one()

    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="th-TH")
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, server, "admin")
    page.goto(server + "/staff/admin/letterheads/")
    page.select_option("#scope", label="ศูนย์ดำรงธรรมอำเภอเมืองเชียงใหม่ (c5001)")
    page.set_input_files("#image", str(emblem(tmp_path / "garuda.png")))
    page.get_by_role("button", name="อัปโหลด").click()
    assert "บันทึกตราหรือหัวกระดาษแล้ว" in page.inner_text("#notice")
    page.screenshot(path=str(SHOTS / "letterheads-admin.png"), full_page=True)
    context.clear_cookies()

    sign_in(page, server, "screener")
    page.goto(f"{server}/staff/cases/{case_id}/letter")
    page.evaluate("document.fonts.ready")
    shown = measure(page)
    assert shown["loaded"] and abs(shown["height"] - 3 * CM) < 1  # 3 cm: 113.4 px
    assert abs(shown["left"] - shown["right"]) < 2  # centred
    assert page.inner_text(".subject").count("เรียน\xa0\xa0ปลัดกระทรวงแรงงาน") == 1
    sign = page.inner_text("#letter-sign")
    assert "(นายสมชาย ใจดี)\nปลัดอำเภอ" in sign.replace("\n\n", "\n")
    letter = page.inner_text("#letter")
    assert "ที่ " + registration in letter and tracking in letter
    others = letter.replace(registration, "").replace(tracking, "")
    assert re.findall(r"[0-9]", others) == [] and "๒๓ พฤศจิกายน ๒๕๖๙" in letter
    assert not THAI_DIGIT_BESIDE_LATIN.search(letter)
    assert page.evaluate(NOT_SERVED_FONT, "Noto Sans Thai") == []
    assert page.evaluate("document.fonts.check('16px \"Noto Sans Thai\"', 'เรียน ปลัดกระทรวงแรงงาน')")
    page.screenshot(path=str(SHOTS / "letter-1200.png"), full_page=True)

    page.emulate_media(media="print")  # what the printer gets: the same 3 cm, no buttons
    assert abs(measure(page)["height"] - 3 * CM) < 1
    assert not page.locator("[data-print]").is_visible()
    page.screenshot(path=str(SHOTS / "letter-print.png"), full_page=True)
    page.emulate_media(media="screen")

    with page.expect_download() as download:
        page.click("#letter-pdf")
    reader = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = re.sub("[\u200b\x00-\x1f]", "", "".join(p.extract_text() for p in reader.pages))
    assert "เรียนปลัดกระทรวงแรงงาน" in text.replace(" ", "")
    assert "(นายสมชาย ใจดี)" in text and "ปลัดอำเภอ" in text and registration in text
    assert not THAI_DIGIT_BESIDE_LATIN.search(text)
    assert len(reader.pages[0].images) == 1
    drawn = re.search(
        rb"([\d.]+) 0 0 ([\d.]+) [\d.]+ [\d.]+ cm\s*/I\w+ Do",
        reader.pages[0].get_contents().get_data(),
    )
    assert drawn and abs(float(drawn.group(2)) - 3 / 2.54 * 72) < 0.5  # 3 cm in points

    page.set_viewport_size({"width": 390, "height": 844})  # a phone: still readable, no overflow
    page.goto(f"{server}/staff/cases/{case_id}/letter")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth + 1")
    page.screenshot(path=str(SHOTS / "letter-390.png"), full_page=True)
    context.close()
