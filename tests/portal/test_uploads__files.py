"""Photos and documents: metadata stripped, fake and oversize files refused with a reason."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import func, select

from engine.models import Case, CaseAttachment
from portal import uploads
from tests.portal.conftest import complaint, csrf

GPS_IFD = 0x8825


def _photo_with_gps() -> bytes:
    image = Image.new("RGB", (640, 480), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x0112] = 6  # orientation: rotate 90° to view upright
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (18.0, 47.0, 30.0), 3: "E", 4: (98.0, 59.0, 1.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _post(client, files: list[tuple[bytes, str]]):  # type: ignore[no-untyped-def]
    data = {**complaint(), "_csrf": csrf(client)}
    data["photos"] = [(io.BytesIO(content), name) for content, name in files]
    return client.post("/portal/complaint", data=data, content_type="multipart/form-data")


def test_a_photo_is_stored_without_its_gps_position(client, factory) -> None:
    original = _photo_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the test photo has GPS
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    response = _post(client, [(original, "IMG_0001.JPG"), (pdf, "สัญญาจ้าง.pdf")])
    assert response.status_code == 200  # the receipt is the answer (no secret in a cookie)
    with factory() as session:
        photo, document = session.scalars(select(CaseAttachment).order_by(CaseAttachment.id)).all()
        assert photo.case_id == session.scalar(select(Case.id))
        assert (photo.filename, photo.content_type) == ("IMG_0001.jpg", "image/jpeg")
        stored = Image.open(io.BytesIO(photo.content))
        assert not stored.getexif() and "exif" not in stored.info
        assert stored.size == (480, 640)  # turned upright before the orientation tag went
        assert (document.filename, document.content_type) == ("สัญญาจ้าง.pdf", "application/pdf")
        assert document.content == pdf and photo.uploaded_by == "complainant"


def test_a_script_renamed_jpg_is_refused_and_nothing_is_stored(client, factory) -> None:
    response = _post(client, [(b"#!/bin/sh\nrm -rf /\n", "photo.jpg")])
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "ไฟล์ «photo.jpg» ไม่ใช่รูปภาพ (JPEG, PNG, WebP, GIF) หรือเอกสาร PDF ที่อ่านได้" in page
    assert 'id="f-photos-error"' in page and 'href="#f-photos"' in page
    assert "แนบแล้ว:" not in page  # a refused file is not kept either
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 0


def test_too_many_and_too_large_files_are_refused(client, factory) -> None:
    photo = _photo_with_gps()
    many = _post(client, [(photo, f"p{i}.jpg") for i in range(6)])
    assert many.status_code == 422
    assert "แนบไฟล์ได้ไม่เกิน 5 ไฟล์ (เลือกมา 6 ไฟล์)" in many.get_data(as_text=True)
    big = _post(client, [(b"\xff\xd8" + b"0" * (uploads.MAX_FILE_BYTES + 1), "big.jpg")])
    assert big.status_code == 422 and "ใหญ่เกิน 5 MB" in big.get_data(as_text=True)
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 0
        assert session.scalar(select(func.count()).select_from(CaseAttachment)) == 0


def test_refusals_are_explained_in_english_too() -> None:
    try:
        uploads.clean_file("../../etc/x.jpg", b"GIF89a-not-really")
    except uploads.Refused as exc:
        assert exc.message_en.startswith("The file «x.jpg» is not a readable image")
    else:
        raise AssertionError("a fake image was accepted")


def test_a_request_over_the_total_limit_gets_a_page_not_an_error(client, factory) -> None:
    huge = b"\0" * (31 * 1024 * 1024)
    response = _post(client, [(huge, "video.mp4")])
    assert response.status_code == 413
    assert "ไฟล์ที่แนบรวมกันมีขนาดใหญ่เกินกำหนด" in response.get_data(as_text=True)
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 0
