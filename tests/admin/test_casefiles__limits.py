"""Attachments in the case workspace: the size limits, told in the official's language."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from engine.models import AuditEvent, CaseAttachment
from tests.admin.conftest import csrf_of
from tests.admin.test_inbox__scope import signed_in


def upload(client, case_id: int, token: str, content: bytes, name: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/staff/cases/{case_id}/files",
        data={"csrf_token": token, "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def stored(factory) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with factory() as session:
        files = session.scalar(select(func.count()).select_from(CaseAttachment))
        events = session.scalar(select(func.count()).where(AuditEvent.action == "attachment_added"))
        return files, events


def test_files_over_the_limits_are_refused_with_a_page_and_nothing_is_stored(
    app, people, open_cases, factory
):
    case_id = open_cases("เอกสารประกอบเรื่องมีขนาดใหญ่")[0]
    client = signed_in(app, "screener")
    token = csrf_of(client.get(f"/staff/cases/{case_id}").text)
    over_file_limit = upload(client, case_id, token, b"%PDF-1.4\n" + b"0" * 1_600_000, "a.pdf")
    assert over_file_limit.status_code == 422
    assert "ต้องมีขนาดไม่เกิน 1536 KB" in over_file_limit.text
    assert 'id="files"' in over_file_limit.text  # the workspace again, the error by the field
    over_request_limit = upload(client, case_id, token, b"0" * 3_000_000, "photo.jpg")
    assert over_request_limit.status_code == 413
    assert over_request_limit.content_type.startswith("text/html")
    assert "ขนาดใหญ่เกินกำหนด (ไฟล์แนบไม่เกิน 1.5 MB)" in over_request_limit.text
    client.get("/staff/lang/en")
    english = upload(client, case_id, token, b"0" * 3_000_000, "photo.jpg")
    assert english.status_code == 413 and "attachments up to 1.5 MB" in english.text
    assert stored(factory) == (0, 0)
    small = upload(client, case_id, token, b"%PDF-1.4\n%%EOF\n", "letter.pdf")
    assert small.status_code == 302 and stored(factory) == (1, 1)
