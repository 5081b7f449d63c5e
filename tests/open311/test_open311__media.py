"""Photos sent with an Open311 POST as multipart `media` parts: cleaned like the portal's, and
fake, oversize or too many files refused with a precise 400 in the spec's shape, nothing stored."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from engine.models import Case, CaseAttachment
from portal import uploads
from tests.open311.conftest import report, xml

GPS_IFD = 0x8825


def photo_with_gps() -> bytes:
    image = Image.new("RGB", (640, 480), (30, 120, 30))
    exif = Image.Exif()
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (18.0, 47.0, 30.0), 3: "E", 4: (98.0, 59.0, 1.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def post(client, api_key, files, fmt="json"):  # type: ignore[no-untyped-def]
    data = report(api_key=api_key)
    data["media"] = [(io.BytesIO(content), name) for content, name in files]
    return client.post(
        f"/open311/v2/requests.{fmt}?lang=en", data=data, content_type="multipart/form-data"
    )


def stored(factory) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with factory() as session:
        return (
            session.scalar(select(func.count()).select_from(Case)),
            session.scalar(select(func.count()).select_from(CaseAttachment)),
        )


def test_a_photo_is_kept_with_the_case_without_its_gps_position(client, factory, api_key):
    original = photo_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)
    response = post(client, api_key, [(original, "IMG_0042.JPG")])
    assert response.status_code == 201, response.get_json()
    case_id = int(response.get_json()[0]["service_request_id"])
    with factory() as session:
        [attachment] = session.scalars(select(CaseAttachment)).all()
        assert attachment.case_id == case_id and attachment.content_type == "image/jpeg"
        assert attachment.filename == "IMG_0042.jpg"
        assert not Image.open(io.BytesIO(attachment.content)).getexif()


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ([(b"#!/bin/sh\nrm -rf /\n", "photo.jpg")], "«photo.jpg» is not a readable image"),
        ([(b"\xff\xd8" + b"0" * (uploads.MAX_FILE_BYTES + 1), "big.jpg")], "larger than 5 MB"),
        ([(photo_with_gps(), f"p{i}.jpg") for i in range(6)], "at most 5 files (you chose 6)"),
    ],
    ids=["script-renamed-jpg", "over-5-MB", "six-files"],
)
def test_refused_files_get_a_precise_400_and_nothing_is_stored(
    client, factory, api_key, files, expected
):
    response = post(client, api_key, files)
    assert response.status_code == 400
    [error] = response.get_json()
    assert error["code"] == 400 and error["description"].startswith("media: ")
    assert expected in error["description"]
    assert stored(factory) == (0, 0)


def test_the_refusal_in_xml_too(client, factory, api_key):
    response = post(client, api_key, [(b"<?php system($_GET['c']); ?>", "cat.png")], fmt="xml")
    assert response.status_code == 400
    assert "«cat.png» is not a readable image" in xml(response).findtext("./error/description")
    assert stored(factory) == (0, 0)


def test_a_body_over_the_total_limit_is_a_413_in_the_spec_shape(client, factory, api_key):
    response = post(client, api_key, [(b"\0" * (31 * 1024 * 1024), "video.mp4")])
    assert response.status_code == 413 and response.get_json()[0]["code"] == 413
    assert stored(factory) == (0, 0)
