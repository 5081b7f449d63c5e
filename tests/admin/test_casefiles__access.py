"""Files and notes in the case workspace: who may read what."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from engine.cases import tasks as task_service
from engine.models import CaseAttachment, CaseNote, Task
from tests.admin.conftest import sign_in
from tests.admin.test_inbox__scope import screen_and_refer

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def attach(factory, case_id: int, content: bytes = PNG, name: str = "รูปถนน.png") -> int:  # type: ignore[no-untyped-def]
    with factory.begin() as session:
        row = CaseAttachment(
            case_id=case_id,
            filename=name,
            content_type="image/png",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            step="intake",
            uploaded_by="complainant",
            created_at=session.scalar(select(Task.created_at).limit(1)),
        )
        session.add(row)
        session.flush()
        return row.id


def test_files_open_for_those_who_may_see_the_case_only(app, people, open_cases, factory, clock):
    mine, other = open_cases("ถนนพังมีรูปประกอบ", "เรื่องอื่นที่ไม่เกี่ยว")
    file_id = attach(factory, mine)
    screener = app.test_client()
    sign_in(screener, "screener")
    page = screener.get(f"/staff/cases/{mine}").text
    assert "รูปถนน.png" in page and 'class="thumb"' in page
    download = screener.get(f"/staff/cases/{mine}/files/{file_id}")
    assert download.status_code == 200 and download.data == PNG
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    inline = screener.get(f"/staff/cases/{mine}/files/{file_id}?inline=1")
    assert inline.headers["Content-Disposition"].startswith("inline;")
    # The file is not reachable through another case's address.
    assert screener.get(f"/staff/cases/{other}/files/{file_id}").status_code == 404
    labour = app.test_client()
    sign_in(labour, "labour")
    assert labour.get(f"/staff/cases/{mine}/files/{file_id}").status_code == 403
    screen_and_refer(factory, clock, people, mine)  # referred to the labour ministry
    assert labour.get(f"/staff/cases/{mine}/files/{file_id}").status_code == 200
    local = app.test_client()
    sign_in(local, "local")
    assert local.get(f"/staff/cases/{mine}/files/{file_id}").status_code == 403


def test_an_agency_does_not_read_the_centers_screening_notes(
    app, people, open_cases, factory, clock
):
    case_id = open_cases("นายจ้างค้างค่าจ้าง", category="labour")[0]
    with factory.begin() as session:
        task_id = session.scalar(select(Task.id).where(Task.case_id == case_id))
        task_service.claim(session, clock, people["screener"], task_id)
        task_service.complete_task(
            session,
            clock,
            people["screener"],
            task_id,
            {"decision": "refer", "public_note": "ส่งเรื่องให้กระทรวงแรงงานแล้ว"},
        )
        session.add(
            CaseNote(
                case_id=case_id,
                kind="comment",
                step=None,
                body="ผู้ร้องเคยร้องเรื่องอื่นมาก่อน (บันทึกภายในศูนย์)",
                public=False,
                author_label="screener",
                org_unit_id=people["screener"].org_unit_id,
                created_at=clock(),
            )
        )
    center = app.test_client()
    sign_in(center, "screener")
    assert "บันทึกภายในศูนย์" in center.get(f"/staff/cases/{case_id}").text
    labour = app.test_client()
    sign_in(labour, "labour")
    page = labour.get(f"/staff/cases/{case_id}").text
    assert "บันทึกภายในศูนย์" not in page
    assert "ส่งเรื่องให้กระทรวงแรงงานแล้ว" in page  # public notes reach the agency too


def test_related_cases_show_duplicates_and_the_same_complainant_to_the_center_only(
    app, people, open_cases, factory, clock
):
    first, second = open_cases("น้ำท่วมซอยบ้าน ครั้งแรก", "น้ำท่วมซอยบ้าน ครั้งที่สอง")
    other = open_cases("เรื่องของคนอื่น", complainant={"name": "คนอื่น", "phone": "0899999999"})[0]
    center = app.test_client()
    sign_in(center, "screener")
    page = center.get(f"/staff/cases/{second}").text
    related = page.split('id="related"')[1].split("</section>")[0]
    assert "ครั้งแรก" in related and "ผู้ร้องคนเดียวกัน" in related
    assert "เรื่องของคนอื่น" not in related
    assert other
    screen_and_refer(factory, clock, people, first)
    screen_and_refer(factory, clock, people, second)
    labour = app.test_client()
    sign_in(labour, "labour")
    assert 'id="related"' not in labour.get(f"/staff/cases/{second}").text


def test_an_agency_never_gets_a_confidential_complainants_own_files(
    app, people, open_cases, factory, clock
):
    case_id = open_cases("รูปถ่ายของผู้ร้อง", category="labour", confidential=True)[0]
    file_id = attach(factory, case_id, name="บัตรประชาชน.png")
    screen_and_refer(factory, clock, people, case_id)
    labour = app.test_client()
    sign_in(labour, "labour")
    assert "บัตรประชาชน.png" not in labour.get(f"/staff/cases/{case_id}").text
    assert labour.get(f"/staff/cases/{case_id}/files/{file_id}").status_code == 404
    screener = app.test_client()
    sign_in(screener, "screener")
    assert screener.get(f"/staff/cases/{case_id}/files/{file_id}").status_code == 200


def test_an_official_attaches_a_photo_which_loses_its_gps_data(app, people, open_cases, factory):
    import io

    from PIL import Image

    case_id = open_cases("รูปหลุมบนถนน")[0]
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x8825] = {2: (18.0, 47.0, 0.0)}  # GPSInfo: a latitude
    raw = io.BytesIO()
    image.save(raw, "JPEG", exif=exif)
    assert b"Exif" in raw.getvalue()
    client = app.test_client()
    sign_in(client, "screener")
    page = client.get(f"/staff/cases/{case_id}").text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    sent = client.post(
        f"/staff/cases/{case_id}/files",
        data={"csrf_token": token, "file": (io.BytesIO(raw.getvalue()), "หลุม.jpg")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302
    with factory() as session:
        row = session.scalar(select(CaseAttachment).where(CaseAttachment.case_id == case_id))
        assert row.content_type == "image/jpeg" and b"Exif" not in row.content
        assert row.uploaded_by == "screener"
    refused = client.post(
        f"/staff/cases/{case_id}/files",
        data={"csrf_token": token, "file": (io.BytesIO(b"MZ\x90\x00 not a picture"), "x.jpg")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422 and "ไม่ใช่ PDF หรือรูปภาพ" in refused.text
