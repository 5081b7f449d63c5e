"""Following a case from the portal: the timeline, and the actions each stage allows."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from engine.cases.intake import add_comment
from engine.models import Case, CaseNote
from forms.formdata import format_date
from tests.engine.helpers import complete, open_case, status_of
from tests.portal.conftest import csrf

BANGKOK = ZoneInfo("Asia/Bangkok")


def _open(client, factory, clock, staff):  # type: ignore[no-untyped-def]
    """A walk-in case and the page its link opens: (case id, case path)."""
    case_id, code, secret = open_case(factory, clock, staff["intake"])
    token = csrf(client, "/portal/track")
    response = client.post("/portal/track", data={"code": code, "secret": secret, "_csrf": token})
    assert response.status_code == 303 and "/portal/t/" in response.location
    return case_id, response.location.replace("http://localhost", "")


def _post(client, path: str, action: str, **data: str):  # type: ignore[no-untyped-def]
    return client.post(f"{path}/{action}", data={**data, "_csrf": csrf(client, "/portal/track")})


def test_the_case_reads_as_a_plain_timeline_without_personal_data(
    client, factory, clock, staff
) -> None:
    case_id, path = _open(client, factory, clock, staff)
    with factory.begin() as session:
        add_comment(session, clock, staff["screener"], case_id, "นายจ้างรายนี้ถูกร้องซ้ำบ่อย")
        add_comment(session, clock, staff["screener"], case_id, "ศูนย์โทรหานายจ้างแล้ว", public=True)
    page = client.get(path).get_data(as_text=True)
    assert "นายจ้างค้างจ่ายค่าจ้าง" in page and "รับเรื่องร้องเรียนแล้ว" in page
    assert "ศูนย์โทรหานายจ้างแล้ว" in page and "ถูกร้องซ้ำบ่อย" not in page  # internal comments stay in
    assert 'id="case-status">กำลังพิจารณาเรื่อง<' in page
    assert re.search(r"คาดว่าจะแล้วเสร็จ</dt><dd>\d+ \S+ 25\d\d<", page)  # Buddhist Era
    assert "สมหญิง" not in page and "0812345678" not in page
    english = client.get(path + "?lang=en").get_data(as_text=True)
    assert "Complaint received" in english and "Screening" in english


def test_wrong_unknown_and_guessed_codes_get_the_same_answer(client, factory, clock, staff) -> None:
    _case_id, code, _secret = open_case(factory, clock, staff["intake"])
    token = csrf(client, "/portal/track")

    def answer(code: str, secret: str):  # type: ignore[no-untyped-def]
        r = client.post("/portal/track", data={"code": code, "secret": secret, "_csrf": token})
        return r.status_code, r.get_data(as_text=True)

    wrong_secret = answer(code, "AAAAAAAA")
    unknown = answer("0000-0000-000", "AAAAAAAA")
    nonsense = answer("<script>", "")
    assert wrong_secret == unknown == nonsense
    assert wrong_secret[0] == 404 and "ไม่พบเรื่อง" in wrong_secret[1]
    forged = client.get("/portal/t/" + code.replace("-", "") + ".1.AAAA")

    def main(page: str) -> str:
        return page[page.index("<main") : page.index("</main>")]

    assert forged.status_code == 404 and main(forged.text) == main(wrong_secret[1])


def test_repeated_guessing_is_slowed_down(client, factory, clock, staff) -> None:
    token = csrf(client, "/portal/track")
    statuses = [
        client.post(
            "/portal/track", data={"code": "0000-0000-000", "secret": "X", "_csrf": token}
        ).status_code
        for _ in range(7)
    ]
    assert statuses[:6] == [404] * 6 and statuses[6] == 429
    clock.advance(seconds=5)
    _case_id, code, secret = open_case(factory, clock, staff["intake"])
    ok = client.post("/portal/track", data={"code": code, "secret": secret, "_csrf": token})
    assert ok.status_code == 303


def test_the_complainant_adds_the_information_the_center_asked_for(
    client, factory, clock, staff
) -> None:
    clock.set(datetime(2026, 11, 23, 3, 0, tzinfo=UTC))  # Monday; screening due Thursday
    case_id, path = _open(client, factory, clock, staff)
    clock.set(datetime(2026, 11, 24, 3, 0, tzinfo=UTC))  # Tuesday: 2 working days left
    question = "กรุณาส่งสำเนาสัญญาจ้าง"
    complete(
        factory,
        clock,
        staff["screener"],
        case_id,
        "screen",
        {"decision": "request_info", "question": question},
    )
    page = client.get(path).get_data(as_text=True)
    assert question in page and "ศูนย์ขอข้อมูลเพิ่มเติม" in page
    assert "คาดว่าจะแล้วเสร็จ" not in page  # the deadline waits for the complainant
    empty = _post(client, path, "info", text="  ")
    assert empty.status_code == 422 and "กรุณากรอกข้อมูลที่ศูนย์ขอ" in empty.get_data(as_text=True)
    assert status_of(factory, case_id) == "awaiting_information"
    clock.set(datetime(2026, 12, 14, 3, 0, tzinfo=UTC))  # three weeks later, a Monday
    sent = _post(client, path, "info", text="ส่งสัญญาจ้างทางอีเมลแล้ว")
    assert sent.status_code == 303
    assert status_of(factory, case_id) == "screening"
    page = client.get(sent.location).get_data(as_text=True)
    assert "ส่งข้อมูลเพิ่มเติมถึงศูนย์แล้ว" in page
    # The paused clock resumes with the two working days that were left: Wednesday 16 December.
    expected = re.search(r"คาดว่าจะแล้วเสร็จ</dt><dd>([^<]+)<", page)
    assert expected and expected.group(1) == format_date(date(2026, 12, 16))
    with factory() as session:
        notes = session.scalars(select(CaseNote).where(CaseNote.kind == "info_provided")).all()
        assert [n.body for n in notes] == ["ส่งสัญญาจ้างทางอีเมลแล้ว"]


def test_withdrawing_needs_a_confirmation(client, factory, clock, staff) -> None:
    case_id, path = _open(client, factory, clock, staff)
    unconfirmed = _post(client, path, "withdraw", text="ตกลงกันได้แล้ว")
    assert unconfirmed.status_code == 422
    assert "กรุณายืนยันว่าต้องการถอนเรื่อง" in unconfirmed.get_data(as_text=True)
    assert status_of(factory, case_id) == "screening"
    assert _post(client, path, "withdraw", confirm="yes").status_code == 303
    assert status_of(factory, case_id) == "withdrawn"
    page = client.get(path).get_data(as_text=True)
    assert "ท่านถอนเรื่อง" in page and 'action="' + path + '/withdraw"' not in page
    late = _post(client, path, "reopen", text="ขอเปิดใหม่")
    assert late.status_code == 409 and "ไม่ได้รอ" in late.get_data(as_text=True)


def test_after_the_result_the_complainant_rates_and_reopens(client, factory, clock, staff) -> None:
    case_id, path = _open(client, factory, clock, staff)
    assert "ให้คะแนน" not in client.get(path).get_data(as_text=True)
    complete(
        factory,
        clock,
        staff["screener"],
        case_id,
        "screen",
        {"decision": "resolve", "reason": "ชี้แจงแล้ว", "public_note": "นายจ้างยินยอมจ่ายภายใน 7 วัน"},
    )
    page = client.get(path).get_data(as_text=True)
    assert "นายจ้างยินยอมจ่ายภายใน 7 วัน" in page
    window_ends = format_date((clock() + timedelta(days=30)).astimezone(BANGKOK).date())
    assert f"ขอเปิดเรื่องใหม่ได้ถึงวันที่ {window_ends}" in page  # the reopen_window policy
    bad = _post(client, path, "rate", rating="9")
    assert bad.status_code == 422
    assert '<p class="form-error" id="f-rating-error">กรุณาเลือกคะแนน 1 ถึง 5</p>' in bad.text
    assert f'href="{path}?lang=en"' in bad.text  # switching language returns to the case
    assert _post(client, path, "rate", rating="4", text="รวดเร็วดี").status_code == 303
    with factory() as session:
        case = session.get(Case, case_id)
        assert (case.rating, case.rating_comment) == (4, "รวดเร็วดี")
    assert "★★★★☆" in client.get(path).get_data(as_text=True)
    no_reason = _post(client, path, "reopen", text="")
    assert no_reason.status_code == 422 and "เหตุผลที่ขอเปิดเรื่องใหม่" in no_reason.get_data(as_text=True)
    assert _post(client, path, "reopen", text="นายจ้างยังไม่จ่าย").status_code == 303
    assert status_of(factory, case_id) == "screening"


def test_an_unknown_action_is_not_found(client, factory, clock, staff) -> None:
    _case_id, path = _open(client, factory, clock, staff)
    assert _post(client, path, "delete").status_code == 404


def test_what_citizens_and_officials_typed_is_shown_as_text(client, factory, clock, staff) -> None:
    script = "<script>alert('x')</script>"
    case_id, code, secret = open_case(factory, clock, staff["intake"], title="ถนนพัง " + script)
    complete(
        factory,
        clock,
        staff["screener"],
        case_id,
        "screen",
        {"decision": "resolve", "reason": "x", "public_note": "<img src=x onerror=alert(1)>"},
    )
    token = csrf(client, "/portal/track")
    found = client.post("/portal/track", data={"code": code, "secret": secret, "_csrf": token})
    page = client.get(found.location).get_data(as_text=True)
    assert script not in page and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_information_may_come_as_photos_and_documents(client, factory, clock, staff) -> None:
    import io

    from engine.models import CaseAttachment

    case_id, path = _open(client, factory, clock, staff)
    complete(
        factory,
        clock,
        staff["screener"],
        case_id,
        "screen",
        {"decision": "request_info", "question": "ขอสำเนาสลิปเงินเดือน"},
    )

    def send(content: bytes, name: str):  # type: ignore[no-untyped-def]
        data = {"_csrf": csrf(client, "/portal/track"), "photos": [(io.BytesIO(content), name)]}
        return client.post(f"{path}/info", data=data, content_type="multipart/form-data")

    fake = send(b"MZ\x90\x00 not a picture", "slip.jpg")
    assert fake.status_code == 422 and "ไฟล์ «slip.jpg» ไม่ใช่รูปภาพ" in fake.text
    assert status_of(factory, case_id) == "awaiting_information"
    pdf = b"%PDF-1.7\n%%EOF\n"
    assert send(pdf, "slip.pdf").status_code == 303
    assert status_of(factory, case_id) == "screening"
    with factory() as session:
        stored = session.scalars(select(CaseAttachment)).one()
        assert (stored.filename, stored.step, stored.content) == ("slip.pdf", "info_provided", pdf)
    assert "slip.pdf" in client.get(path).text  # listed among the files they sent


def test_links_in_notifications_fill_in_the_code(client) -> None:
    page = client.get("/portal/track?code=K7Q2-M9XD-ABC").text
    assert 'name="code" value="K7Q2-M9XD-ABC"' in page and 'id="f-secret"' in page
    hostile = client.get('/portal/track?code="><script>x</script>').text
    assert "<script>x" not in hostile
