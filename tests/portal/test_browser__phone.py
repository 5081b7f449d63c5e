"""Filing a complaint on a phone-sized screen, in a real browser (Debian's chromium)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from damrong.app import create_app
from damrong.config import Config
from engine.models import Case, CaseAttachment
from tests.browser import live_server

SCREENSHOT = Path("/tmp/damrong-portal-phone.png")


@pytest.fixture
def server(factory, database_url, clock) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with live_server(
        create_app(Config(database_url=database_url, secret_key="phone-test"), clock=clock)
    ) as url:
        yield url


def _photo(tmp_path: Path) -> Path:
    path = tmp_path / "ถนน.jpg"
    image = Image.new("RGB", (800, 600), (90, 120, 160))
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (18.0, 47.0, 0.0), 3: "E", 4: (98.0, 59.0, 0.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    path.write_bytes(out.getvalue())
    return path


def test_a_citizen_files_a_complaint_from_a_phone_then_tracks_rates_and_reopens_it(
    phone, factory, clock, staff, tmp_path
) -> None:
    """The whole journey on one phone: file with a photo, keep the code, track, rate, reopen."""
    from tests.engine.helpers import complete

    phone.goto("/portal/")
    phone.get_by_role("link", name="แจ้งเรื่องร้องเรียน").click()
    phone.locator("#f-title").fill("ท่อระบายน้ำอุดตัน")
    phone.locator("#f-description").fill("น้ำท่วมขังหน้าบ้านทุกครั้งที่ฝนตก ส่งกลิ่นเหม็น")
    phone.locator("#f-category").select_option("local_nuisance")
    assert phone.locator(".form-category-help__chosen").inner_text().strip()  # help text shown
    # The district and subdistrict lists fill in as the province is chosen (JavaScript).
    phone.locator("#f-area_code-province").select_option("50")
    phone.locator("#f-area_code-district option[value='5001']").wait_for(state="attached")
    phone.locator("#f-area_code-district").select_option("5001")
    phone.locator("#f-area_code-subdistrict option[value='500101']").wait_for(state="attached")
    phone.locator("#f-area_code-subdistrict").select_option("500101")
    assert phone.locator("button[name=_refresh]").is_hidden()
    # The map pin: no tile server configured, the province outlines still let one tap a place.
    phone.get_by_text("ปักหมุดตำแหน่ง (ไม่บังคับ)").click()
    phone.locator("#portal-map").wait_for(state="visible")
    phone.locator("#portal-map").click(position={"x": 150, "y": 100})
    assert phone.locator("#f-lat").input_value() and phone.locator("#f-lon").input_value()
    phone.locator("#f-photos").set_input_files(str(_photo(tmp_path)))
    phone.locator("#f-complainant-phone").fill("0898765432")
    # Forgetting the consent: the error appears beside it and the text is kept.
    phone.get_by_role("button", name="ส่งเรื่องร้องเรียน").click()
    error = phone.locator("#f-consent-error")
    assert "กรุณายอมรับ" in error.inner_text()
    assert phone.locator("#f-title").input_value() == "ท่อระบายน้ำอุดตัน"
    assert "แนบแล้ว: ถนน.jpg" in phone.locator("#kept-files").inner_text()  # the photo is kept
    phone.locator("#f-consent").check()
    phone.get_by_role("button", name="ส่งเรื่องร้องเรียน").click()
    code = phone.locator("#tracking-code").inner_text()
    assert phone.locator("#tracking-secret").inner_text()
    phone.screenshot(path=str(SCREENSHOT), full_page=True)
    phone.get_by_role("link", name="ดูเรื่องของฉัน").click()
    assert phone.locator("#case-status").inner_text() == "กำลังพิจารณาเรื่อง"
    assert "ท่อระบายน้ำอุดตัน" in phone.locator("h1").inner_text()
    # The portal as a phone app: its start page lists the case kept on this device, and the
    # service worker is in charge of the portal (it keeps the shell for weak connections).
    phone.goto("/portal/")
    kept = phone.locator("[data-my-cases] a.portal-code")
    assert kept.inner_text() == code
    assert phone.evaluate(
        "navigator.serviceWorker.ready.then(r => r.active && r.scope.endsWith('/portal/'))"
    )
    with factory() as session:
        case = session.scalar(select(Case).where(Case.tracking_code == code))
        assert case.channel == "web" and case.area_code == "500101" and case.lat is not None
        assert 5 <= case.lat <= 21 and 97 <= case.lon <= 106
        photo = session.scalars(select(CaseAttachment)).one()
        assert not Image.open(io.BytesIO(photo.content)).getexif()
    # The center gives its result; the citizen opens the case kept on the phone, rates the
    # result and, still unhappy, reopens it within the window.
    complete(
        factory,
        clock,
        staff["screener"],
        case.id,
        "screen",
        {"decision": "resolve", "reason": "ประสานเทศบาลแล้ว", "public_note": "เทศบาลลอกท่อแล้ว"},
    )
    kept.click()
    assert phone.locator("#case-status").inner_text() == "แก้ไขแล้ว (เปิดเรื่องใหม่ได้)"
    assert "เทศบาลลอกท่อแล้ว" in phone.locator(".portal-timeline").inner_text()
    phone.locator("#rate input[value='2']").check()
    phone.locator("#f-rate").fill("ยังมีน้ำขังอยู่")
    phone.get_by_role("button", name="ส่งคะแนน").click()
    assert "ขอบคุณสำหรับคะแนน" in phone.locator(".portal-notice").inner_text()
    phone.locator("#f-reopen").fill("ฝนตกเมื่อวานน้ำก็ยังท่วมขังเหมือนเดิม")
    phone.get_by_role("button", name="ขอเปิดเรื่องใหม่").click()
    assert phone.locator("#case-status").inner_text() == "กำลังพิจารณาเรื่อง"
    with factory() as session:
        case = session.get(Case, case.id)
        assert (case.rating, case.rating_comment, case.reopen_count) == (2, "ยังมีน้ำขังอยู่", 1)
    phone.goto("/portal/")
    phone.locator(".my-cases__remove").click()
    assert phone.locator("[data-my-cases] a").count() == 0


def test_a_citizen_follows_rates_and_reopens_from_a_phone(phone, factory, clock, staff) -> None:
    from tests.engine.helpers import complete, open_case

    case_id, code, secret = open_case(factory, clock, staff["intake"])
    phone.goto("/portal/track")
    phone.locator("#f-code").fill(code.replace("-", "").lower())  # typed loosely
    phone.locator("#f-secret").fill(secret)
    phone.get_by_role("button", name="ดูเรื่อง").click()
    assert phone.locator("#case-status").inner_text() == "กำลังพิจารณาเรื่อง"
    complete(
        factory,
        clock,
        staff["screener"],
        case_id,
        "screen",
        {"decision": "resolve", "reason": "ชี้แจงแล้ว", "public_note": "นายจ้างจะจ่ายภายในสัปดาห์นี้"},
    )
    phone.reload()
    assert "นายจ้างจะจ่ายภายในสัปดาห์นี้" in phone.locator(".portal-timeline").inner_text()
    phone.locator("#rate input[value='5']").check()
    phone.locator("#f-rate").fill("ขอบคุณค่ะ")
    phone.get_by_role("button", name="ส่งคะแนน").click()
    assert "ขอบคุณสำหรับคะแนน" in phone.locator(".portal-notice").inner_text()
    phone.screenshot(path="/tmp/damrong-portal-case.png", full_page=True)
    phone.locator("#f-reopen").fill("นายจ้างยังไม่จ่ายเงิน")
    phone.get_by_role("button", name="ขอเปิดเรื่องใหม่").click()
    assert phone.locator("#case-status").inner_text() == "กำลังพิจารณาเรื่อง"
    with factory() as session:
        case = session.get(Case, case_id)
        assert case.rating == 5 and case.reopen_count == 1


def test_without_javascript_the_area_lists_and_the_form_still_work(browser, server, factory):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=False, base_url=server
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto("/portal/complaint")
        page.locator("#f-title").fill("เสียงดังจากโรงงานตอนกลางคืน")
        page.locator("#f-area_code-province").select_option("50")
        page.get_by_role("button", name="แสดงรายชื่ออำเภอ/ตำบล").click()
        page.locator("#f-area_code-district").select_option("5001")
        page.get_by_role("button", name="แสดงรายชื่ออำเภอ/ตำบล").click()
        page.locator("#f-area_code-subdistrict").select_option("500101")
        assert page.locator("#f-title").input_value() == "เสียงดังจากโรงงานตอนกลางคืน"
        page.locator("#f-description").fill("โรงงานเดินเครื่องจักรเสียงดังทุกคืนจนนอนไม่หลับ")
        page.locator("#f-category").select_option("local_nuisance")
        page.locator("#f-consent").check()
        page.get_by_role("button", name="ส่งเรื่องร้องเรียน").click()
        code = page.locator("#tracking-code").inner_text()
    finally:
        context.close()
    with factory() as session:
        case = session.scalar(select(Case).where(Case.tracking_code == code))
        assert case.area_code == "500101" and case.lat is None
