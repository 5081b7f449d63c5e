"""The «what the agency will read» preview shows exactly what the identity filter gives an
agency: the complainant's name, phone and photo, or, for a confidential complainant, that they
are withheld."""

from __future__ import annotations

from tests.admin.conftest import sign_in
from tests.admin.test_casefiles__access import attach


def _preview(app, case_id: int) -> str:  # type: ignore[no-untyped-def]
    client = app.test_client()
    sign_in(client, "screener")
    page = client.get(f"/staff/cases/{case_id}/agency-view")
    assert page.status_code == 200
    return page.text[page.text.index('id="preview"') :]


def test_the_agency_sees_name_phone_and_photo(app, people, open_cases, factory):
    [case_id] = open_cases("ถนนทรุดหน้าบ้าน")
    attach(factory, case_id, name="ถนนทรุด.png")
    page = _preview(app, case_id)
    assert "สมหญิง รักงาน" in page and "0812345678" in page
    assert "ถนนทรุด.png" in page and f"/staff/cases/{case_id}/files/" in page
    assert 'id="preview-withheld"' not in page


def test_a_confidential_complainant_is_shown_withheld(app, people, open_cases, factory):
    [case_id] = open_cases("นายจ้างข่มขู่ลูกจ้าง", confidential=True)
    attach(factory, case_id, name="หลักฐาน.png")
    page = _preview(app, case_id)
    assert 'id="preview-withheld"' in page and "หน่วยงานจะไม่เห็นชื่อ เบอร์โทร" in page
    assert "สมหญิง" not in page and "0812345678" not in page
    assert "หลักฐาน.png" not in page and 'id="preview-files-withheld"' in page
