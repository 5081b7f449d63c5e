"""The citizen's side on a phone (390x844, Debian's chromium): what they read of the agency's
work at each stage, a complaint form that keeps everything, the rating shown back, their own
photo as a thumbnail; and the officer's preview of what the agency will read."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from damrong.app import create_app
from damrong.config import Config
from tests.admin.conftest import PASSWORD, people  # noqa: F401  (fixture)
from tests.admin.test_casefiles__access import attach
from tests.engine.helpers import complete, open_case

DRAFT = "ร่างผลจากหน่วยงาน นายจ้างรับปากจะจ่ายบางส่วน"
FINAL = "นายจ้างจ่ายค่าจ้างที่ค้างครบถ้วนแล้วเมื่อวันที่ 1"
REVIEW_LINE = "ศูนย์ดำรงธรรมกำลังตรวจสอบผลการดำเนินงานจากหน่วยงาน"


@pytest.fixture
def server(factory, database_url, clock) -> Iterator[str]:  # type: ignore[no-untyped-def]
    from tests.browser import live_server

    config = Config(database_url=database_url, secret_key="citizen-flow", base_url="http://x.test")
    with live_server(create_app(config, clock=clock)) as url:
        yield url


def _track(phone, code: str, secret: str) -> None:  # type: ignore[no-untyped-def]
    phone.goto("/portal/track")
    phone.locator("#f-code").fill(code)
    phone.locator("#f-secret").fill(secret)
    phone.get_by_role("button", name="ดูเรื่อง").click()


def _agency_result(factory, clock, staff, case_id: int, text: str) -> None:  # type: ignore[no-untyped-def]
    clock.advance(hours=1)
    data = {"action": "result", "result_text": text}
    complete(factory, clock, staff["labour"], case_id, "agency_handle", data)


def _review(factory, clock, staff, case_id: int, **data: str) -> None:  # type: ignore[no-untyped-def]
    clock.advance(hours=1)
    complete(factory, clock, staff["screener"], case_id, "review", data)


def test_the_citizen_reads_the_agency_result_only_once_the_center_accepts_it(
    phone, factory, clock, staff
) -> None:
    case_id, code, secret = open_case(factory, clock, staff["intake"])
    complete(factory, clock, staff["screener"], case_id, "screen", {"decision": "refer"})
    complete(factory, clock, staff["labour"], case_id, "agency_acknowledge", {})
    _agency_result(factory, clock, staff, case_id, DRAFT)
    _track(phone, code, secret)
    assert phone.locator("#case-review").inner_text() == REVIEW_LINE
    assert DRAFT not in phone.content()  # not in the page's source either
    phone.screenshot(path="/tmp/helper_c-under-review.png", full_page=True)

    _review(factory, clock, staff, case_id, review_decision="send_back", reason="ยังไม่มีหลักฐาน")
    phone.reload()
    assert phone.locator("#case-status").inner_text() == "หน่วยงานกำลังดำเนินการ"
    assert phone.locator("#case-review").count() == 0
    assert DRAFT not in phone.content() and "ยังไม่มีหลักฐาน" not in phone.content()

    _agency_result(factory, clock, staff, case_id, FINAL)
    _review(factory, clock, staff, case_id, review_decision="accept")
    phone.reload()
    assert phone.locator("#result").inner_text().endswith(FINAL)
    assert DRAFT not in phone.content()
    # Rated once: the score comes back with its date, and no second rating form.
    phone.locator("#rate input[value='4']").check()
    phone.locator("#f-rate").fill("เร็วกว่าที่คิด")
    phone.get_by_role("button", name="ส่งคะแนน").click()
    rated = phone.locator("#rated").inner_text()
    assert rated.startswith("ท่านให้คะแนน 4/5") and " เมื่อ " in rated and "2569" in rated
    assert phone.locator("#rate").count() == 0
    phone.screenshot(path="/tmp/helper_c-accepted-rated.png", full_page=True)


def _photo(tmp_path: Path) -> Path:
    path = tmp_path / "ไฟดับ.jpg"
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 150, 40)).save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return path


def _fill(phone) -> None:  # type: ignore[no-untyped-def]
    phone.goto("/portal/complaint")
    phone.locator("#f-title").fill("ไฟถนนดับทั้งซอย")
    phone.locator("#f-description").fill("ไฟถนนในซอยดับมาสองสัปดาห์แล้ว กลางคืนมืดมาก")
    phone.locator("#f-category").select_option("local_nuisance")
    phone.locator("#f-area_code-province").select_option("50")
    phone.locator("#f-complainant-name").fill("สมหญิง รักดี")
    phone.locator("#f-complainant-phone").fill("0812345678")
    phone.locator("#f-consent").check()


def test_a_date_without_a_year_keeps_every_value_and_the_photo(phone, tmp_path) -> None:
    _fill(phone)
    year = phone.locator("#f-occurred_on-year")
    assert year.get_attribute("placeholder") is None and year.input_value() == ""
    phone.locator("#f-occurred_on-day").select_option("14")
    phone.locator("#f-occurred_on-month").select_option("2")
    phone.locator("#f-photos").set_input_files(str(_photo(tmp_path)))
    phone.get_by_role("button", name="ส่งเรื่องร้องเรียน").click()
    assert "กรุณากรอกปี พ.ศ." in phone.locator("#f-occurred_on-error").inner_text()
    assert phone.locator("#f-occurred_on-day").input_value() == "14"
    assert phone.locator("#f-occurred_on-month").input_value() == "2"
    assert phone.locator("#f-title").input_value() == "ไฟถนนดับทั้งซอย"
    assert phone.locator("#f-complainant-phone").input_value() == "0812345678"
    assert phone.locator("#f-consent").is_checked()
    kept = phone.locator("#kept-files")
    assert "แนบแล้ว: ไฟดับ.jpg" in kept.inner_text()
    thumb = kept.locator("img")
    assert thumb.evaluate("img => img.complete && img.naturalWidth > 0")
    assert kept.get_by_role("button", name="ลบไฟล์นี้ ไฟดับ.jpg").is_visible()
    phone.screenshot(path="/tmp/helper_c-form-kept.png", full_page=True)
    # Enter in a text box sends the form, never the remove button.
    phone.locator("#f-title").press("Enter")
    assert "แนบแล้ว: ไฟดับ.jpg" in phone.locator("#kept-files").inner_text()
    # A month and a year are enough: the complaint is filed with the kept photo.
    phone.locator("#f-occurred_on-day").select_option("")
    phone.locator("#f-occurred_on-year").fill("2569")
    phone.get_by_role("button", name="ส่งเรื่องร้องเรียน").click()
    assert phone.locator("#tracking-code").inner_text()
    phone.get_by_role("link", name="ดูเรื่องของฉัน").click()
    own = phone.locator(".portal-files img")
    assert own.count() == 1 and own.evaluate("img => img.naturalWidth > 0")
    assert "ไฟดับ.jpg" in phone.locator(".portal-files").inner_text()


def test_a_kept_photo_can_be_removed(phone, tmp_path) -> None:
    _fill(phone)
    phone.locator("#f-consent").uncheck()
    phone.locator("#f-photos").set_input_files(str(_photo(tmp_path)))
    phone.get_by_role("button", name="ส่งเรื่องร้องเรียน").click()
    phone.get_by_role("button", name="ลบไฟล์นี้ ไฟดับ.jpg").click()
    assert phone.locator("#kept-files").count() == 0
    assert phone.locator("#f-title").input_value() == "ไฟถนนดับทั้งซอย"


def _sign_in(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/staff/signin")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    with page.expect_navigation(wait_until="load"):
        page.click("button[type=submit].primary")


def test_the_agency_preview_shows_what_the_identity_filter_gives(
    phone,
    people,  # noqa: F811  (the fixture imported above)
    factory,
    clock,
) -> None:
    shown, _c, _s = open_case(factory, clock, people["intake"], title="ไฟถนนดับหน้าโรงเรียน")
    hidden, _c, _s = open_case(
        factory, clock, people["intake"], title="นายจ้างข่มขู่ลูกจ้าง", confidential=True
    )
    for case_id in (shown, hidden):
        attach(factory, case_id, content=_png(), name="หลักฐาน.png")
    _sign_in(phone, "screener")
    phone.goto(f"/staff/cases/{shown}/agency-view")
    preview = phone.locator("#preview")
    assert "สมหญิง รักงาน" in preview.inner_text() and "0812345678" in preview.inner_text()
    assert preview.locator("#preview-files img").evaluate("img => img.naturalWidth > 0")
    phone.goto(f"/staff/cases/{hidden}/agency-view")
    assert "หน่วยงานจะไม่เห็นชื่อ เบอร์โทร" in phone.locator("#preview-withheld").inner_text()
    text = phone.locator("#preview").inner_text()
    assert "สมหญิง" not in text and "0812345678" not in text and "หลักฐาน.png" not in text
    phone.screenshot(path="/tmp/helper_c-agency-preview.png", full_page=True)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 160, 90)).save(out, "PNG")
    return out.getvalue()
