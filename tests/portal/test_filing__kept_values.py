"""The complaint form never loses what the complainant gave: a partial occurrence date is
accepted, a wrong one is explained beside the field with every value and file kept."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from sqlalchemy import func, select

from engine.models import Case, CaseAttachment
from forms.formdata import format_date
from portal.models import KeptUpload
from tests.portal.conftest import complaint, csrf


def _photo(colour: tuple[int, int, int] = (30, 120, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(out, "JPEG")
    return out.getvalue()


def _post(client, token: str | None = None, files=(), **fields):  # type: ignore[no-untyped-def]
    data = {**complaint(**fields), "_csrf": token or csrf(client)}
    data["photos"] = [(io.BytesIO(content), name) for content, name in files]
    return client.post("/portal/complaint", data=data, content_type="multipart/form-data")


def _stored(factory) -> tuple[int, list[CaseAttachment], str | None]:  # type: ignore[no-untyped-def]
    with factory() as session:
        cases = session.scalar(select(func.count()).select_from(Case))
        files = list(session.scalars(select(CaseAttachment).order_by(CaseAttachment.id)))
        occurred = session.scalar(select(Case.occurred_on))
    return cases, files, occurred


@pytest.mark.parametrize(
    ("parts", "stored", "shown"),
    [
        ({"occurred_on:year": "2569"}, "2026", "2569"),
        ({"occurred_on:month": "3", "occurred_on:year": "2569"}, "2026-03", "มีนาคม 2569"),
        ({"occurred_on:month": "3", "occurred_on:year": "๒๕๖๙"}, "2026-03", "มีนาคม 2569"),
        # A year below 2400 can only be the Christian era: 2026 is accepted as 2569 BE.
        (
            {"occurred_on:day": "5", "occurred_on:month": "3", "occurred_on:year": "2026"},
            "2026-03-05",
            "5 มีนาคม 2569",
        ),
    ],
)
def test_a_partial_date_is_accepted_and_kept_without_a_made_up_day(
    client, factory, parts, stored, shown
) -> None:
    response = _post(client, **parts)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    _count, _files, occurred = _stored(factory)
    assert occurred == stored and format_date(occurred) == shown


def test_no_year_keeps_day_month_every_value_and_the_photo(client, factory) -> None:
    token = csrf(client)
    response = _post(
        client,
        token,
        files=[(_photo(), "IMG_2001.JPG")],
        **{"occurred_on:day": "14", "occurred_on:month": "2", "address_text": "หน้าตลาดวโรรส"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "ยังไม่มีปี กรุณากรอกปี พ.ศ." in page and 'id="f-occurred_on-error"' in page
    assert '<option value="14" selected>14</option>' in page
    assert '<option value="2" selected>' in page
    assert "หน้าตลาดวโรรส" in page and "ไฟถนนดับทั้งซอย" in page and "0812345678" in page
    assert "แนบแล้ว: IMG_2001.jpg" in page and 'src="data:image/jpeg;base64,' in page
    assert 'placeholder="2569"' not in page  # no grey year that looks typed in
    kept = re.findall(r'name="kept_file" value="([^"]+)"', page)
    assert len(kept) == 1
    # Corrected and sent: the kept photo goes with the complaint, and the kept row is gone.
    again = _post(client, token, kept_file=kept[0], **{"occurred_on:year": "2569"})
    assert again.status_code == 200, again.get_data(as_text=True)[:2000]
    count, files, occurred = _stored(factory)
    assert count == 1 and [f.filename for f in files] == ["IMG_2001.jpg"]
    assert occurred == "2026"
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(KeptUpload)) == 0


def test_a_kept_photo_can_be_removed(client, factory) -> None:
    token = csrf(client)
    page = _post(client, token, files=[(_photo(), "a.jpg")], title="").get_data(as_text=True)
    [kept] = re.findall(r'name="kept_file" value="([^"]+)"', page)
    removed = _post(client, token, kept_file=kept, drop_file=kept, title="")
    assert removed.status_code == 200 and "แนบแล้ว" not in removed.get_data(as_text=True)
    assert _post(client, token, kept_file=kept).status_code == 200
    count, files, _ = _stored(factory)
    assert count == 1 and files == []


def test_a_kept_file_opens_only_in_its_own_form_session(client, app, factory) -> None:
    page = _post(client, files=[(_photo(), "mine.jpg")], title="").get_data(as_text=True)
    [kept] = re.findall(r'name="kept_file" value="([^"]+)"', page)
    other = app.test_client()  # another browser that learnt the token
    stolen = _post(other, kept_file=kept, title="")
    assert "mine.jpg" not in stolen.get_data(as_text=True)
    forged = _post(other, kept_file="x" * 40, drop_file="y" * 500)
    assert forged.status_code == 200
    count, files, _ = _stored(factory)
    assert count == 0 and files == []


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (
            {"occurred_on:day": "31", "occurred_on:month": "2", "occurred_on:year": "2569"},
            "ไม่ใช่วันที่ที่มีจริง",
        ),
        ({"occurred_on:day": "5", "occurred_on:year": "2569"}, "ไม่ใช่วันที่ที่มีจริง"),
        ({"occurred_on:year": "69"}, "ไม่ใช่วันที่ที่มีจริง"),
        ({"occurred_on:year": "<script>"}, "ไม่ใช่วันที่ที่มีจริง"),
        ({"occurred_on:month": "13", "occurred_on:year": "2569"}, "ไม่ใช่วันที่ที่มีจริง"),
    ],
)
def test_a_wrong_date_is_explained_beside_it_with_the_photo_kept(
    client, factory, parts, message
) -> None:
    files = [(_photo(), "evidence.png")]
    response = _post(client, files=files, **parts)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    assert "<script>" not in main  # a typed "<script>" comes back as text
    assert "แนบแล้ว: evidence.jpg" in page
    assert _stored(factory)[0] == 0


def test_a_hostile_file_name_is_made_harmless_and_kept(client) -> None:
    name = '../../etc/"><img src=x onerror=alert(1)>.jpg'
    page = _post(client, files=[(_photo(), name)], title="").get_data(as_text=True)
    assert "<img src=x" not in page and "onerror=" not in page and "../" not in page
    assert re.search(r"แนบแล้ว: [^<\"]*\.jpg", page)
