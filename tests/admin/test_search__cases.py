"""Finding a case by tracking code, complainant phone, or Thai words inside unspaced text."""

from __future__ import annotations

from sqlalchemy import select

from engine.models import Case
from tests.admin.conftest import sign_in
from tests.admin.test_inbox__scope import screen_and_refer


def test_search_by_words_inside_unspaced_thai_by_code_and_by_phone(
    app, people, open_cases, factory, clock
):
    first = open_cases(
        "ไฟฟ้าดับ",
        description="หม้อแปลงไฟฟ้าระเบิดหน้าวัดศรีสุพรรณตั้งแต่เมื่อคืน",
        category="local_nuisance",
    )[0]
    open_cases("ถนนพัง", description="ถนนหน้าโรงเรียนเป็นหลุมลึกมาก", category="local_nuisance")
    client = app.test_client()
    sign_in(client, "screener")
    found = client.get("/staff/cases?q=หม้อแปลง").text  # a word in the middle of unspaced Thai
    assert "ไฟฟ้าดับ" in found and "ถนนพัง" not in found
    both = client.get("/staff/cases?q=วัดศรี ระเบิด").text
    assert "ไฟฟ้าดับ" in both and "ถนนพัง" not in both
    with factory() as session:
        code = session.get(Case, first).tracking_code
    by_code = client.get(f"/staff/cases?q={code.lower().replace('-', ' ')}").text
    assert "ไฟฟ้าดับ" in by_code and "ถนนพัง" not in by_code
    by_phone = client.get("/staff/cases?q=081-234-5678").text  # intake_data's phone
    assert "ไฟฟ้าดับ" in by_phone and "ถนนพัง" in by_phone
    assert client.get("/staff/cases?q=" + "ก" * 101).status_code == 422


def test_search_stays_inside_what_the_official_may_see(app, people, open_cases, factory, clock):
    referred = open_cases("ค่าจ้างค้างเรื่องที่ส่งต่อแล้ว", category="labour")[0]
    secret = open_cases("ขอปกปิดชื่อ", category="labour", confidential=True)[0]
    open_cases("ค่าจ้างค้างเรื่องที่ยังไม่ส่งต่อ", category="labour")
    for case_id in (referred, secret):
        screen_and_refer(factory, clock, people, case_id)
    labour = app.test_client()
    sign_in(labour, "labour")
    words = labour.get("/staff/cases?q=ค่าจ้างค้าง").text
    assert "ส่งต่อแล้ว" in words and "ยังไม่ส่งต่อ" not in words
    # The phone would tell the agency who complained: a confidential case is not found by it.
    by_phone = labour.get("/staff/cases?q=0812345678").text
    assert "ส่งต่อแล้ว" in by_phone and "ขอปกปิดชื่อ" not in by_phone
    with factory() as session:
        assert session.scalar(select(Case.confidential).where(Case.id == secret))


def test_an_agency_cannot_find_a_confidential_complainant_by_name(
    app, people, open_cases, factory, clock
):
    secret = open_cases(
        "ค่าจ้างค้างจ่าย",
        description="ดิฉันนางสาวสมหญิง รักงาน ทำงานที่โรงงานนี้มาสามปี",
        category="labour",
        confidential=True,
    )[0]
    screen_and_refer(factory, clock, people, secret)
    labour = app.test_client()
    sign_in(labour, "labour")
    assert "ค่าจ้างค้างจ่าย" not in labour.get("/staff/cases?q=สมหญิง").text
    with factory() as session:
        code = session.get(Case, secret).tracking_code
    assert "ค่าจ้างค้างจ่าย" in labour.get(f"/staff/cases?q={code}").text
    page = labour.get(f"/staff/cases/{secret}").text
    assert "สมหญิง" not in page and "รักงาน" not in page and "[ปกปิด]" in page
    center = app.test_client()
    sign_in(center, "screener")
    assert "ค่าจ้างค้างจ่าย" in center.get("/staff/cases?q=สมหญิง").text


def test_the_search_box_finds_a_pothole_by_one_word_and_takes_any_typing(app, people, open_cases):
    open_cases("ถนนพัง", description="ถนนหน้าบ้านเป็นหลุมเป็นบ่อมานานแล้ว", category="local_nuisance")
    open_cases("ไฟทางดับ", description="Street LIGHTS out on Soi 5", category="local_nuisance")
    client = app.test_client()
    sign_in(client, "screener")
    found = client.get("/staff/cases?q=หลุม").text
    assert "ถนนพัง" in found and "ไฟทางดับ" not in found
    short = client.get("/staff/cases?q=บ่").text  # two characters: below a trigram
    assert "ถนนพัง" in short and "ไฟทางดับ" not in short
    english = client.get("/staff/cases?q=street lights").text
    assert "ไฟทางดับ" in english and "ถนนพัง" not in english
    for typed in ['"', 'หลุม"', "หลุม*", "หลุม OR ไฟ", "NEAR(หลุม บ่อ)", "(หลุม", "%", "_"]:
        response = client.get("/staff/cases", query_string={"q": typed})
        assert response.status_code == 200, typed
        assert "ถนนพัง" not in response.text and "ไฟทางดับ" not in response.text, typed


def test_an_agency_finds_no_confidential_text_by_a_short_word_either(
    app, people, open_cases, factory, clock
):
    secret = open_cases(
        "ค่าจ้างค้างจ่าย",
        description="ลูกจ้างชื่อ ฌ ฎ ทำงานที่นี่",
        category="labour",
        confidential=True,
        complainant={"name": "ฌ ฎ", "phone": "0812345678"},  # the filter hides it from agencies
    )[0]
    screen_and_refer(factory, clock, people, secret)
    labour = app.test_client()
    sign_in(labour, "labour")
    assert "ค่าจ้างค้างจ่าย" not in labour.get("/staff/cases?q=ฌ ฎ").text
    center = app.test_client()
    sign_in(center, "screener")
    assert "ค่าจ้างค้างจ่าย" in center.get("/staff/cases?q=ฌ ฎ").text
