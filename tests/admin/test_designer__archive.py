"""Export and import on the designer's pages: a version or a draft downloads as the same zip
every time; an uploaded zip becomes a draft opened in the modeler; a hostile zip is refused on the
form with a message in the page's language (422), no draft stored, what it names escaped."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import func, select

from engine.models import AuditEvent, ProcessDraft
from tests.admin.test_designer__pages import (  # the pages' fixtures and helpers
    DRAFT_URL,
    designers,
    new_draft,
    no_drafts,
    signed_in,
)
from tests.engine.workflow import test_archive__hostile as hostile

__all__ = ["designers", "no_drafts"]
VERSION_ZIP = "/staff/designer/processes/complaint/versions/1/export.zip"


def drafts_count(factory) -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        return session.scalar(select(func.count()).select_from(ProcessDraft))


def send(client, token: str, raw: bytes, url: str = "/staff/designer/import", name="a.zip"):  # type: ignore[no-untyped-def]
    data = {"csrf_token": token, "archive": (io.BytesIO(raw), name)}
    return client.post(url, data=data, content_type="multipart/form-data")


def test_a_version_downloads_as_the_same_zip_every_time(app, designers, clock, factory):
    client, _ = signed_in(app, "designer1")
    first = client.get(VERSION_ZIP)
    assert first.status_code == 200 and first.mimetype == "application/zip"
    assert 'filename="complaint-v1.zip"' in first.headers["Content-Disposition"]
    clock.advance(minutes=5)
    assert client.get(VERSION_ZIP).data == first.data
    with zipfile.ZipFile(io.BytesIO(first.data)) as opened:
        assert json.loads(opened.read("process.json"))["version"] == 1
    with factory() as session:
        who = session.scalars(
            select(AuditEvent.actor_label).where(AuditEvent.action == "process_exported")
        ).all()
    assert who == ["designer1", "designer1"]


def test_an_uploaded_zip_becomes_a_draft_opened_in_the_modeler(app, designers, factory):
    client, token = signed_in(app, "designer1")
    raw = client.get(VERSION_ZIP).data
    imported = send(client, token, raw, "/staff/designer/processes/complaint/import")
    assert imported.status_code == 302, imported.text
    draft_id = int(DRAFT_URL.search(imported.headers["Location"]).group(1))
    page = client.get(imported.headers["Location"])
    assert page.status_code == 200 and "นำเข้าเป็นร่างของ complaint แล้ว" in page.text
    exported = client.get(f"/staff/designer/drafts/{draft_id}/export.zip")
    assert exported.status_code == 200
    with zipfile.ZipFile(io.BytesIO(exported.data)) as opened:
        assert opened.read("complaint.bpmn") == zipfile.ZipFile(io.BytesIO(raw)).read(
            "complaint.bpmn"
        )
    assert drafts_count(factory) == 1


def test_the_import_page_reads_in_thai_and_english(app, designers):
    client, _ = signed_in(app, "designer1")
    page = client.get("/staff/designer/import")
    assert page.status_code == 200 and "นำเข้าเป็นร่าง" in page.text
    assert 'action="/staff/designer/import"' in page.text
    into = client.get("/staff/designer/import?process_id=complaint")
    assert 'action="/staff/designer/processes/complaint/import"' in into.text
    client.get("/staff/lang/en")
    assert "Import as a draft" in client.get("/staff/designer/import").text


@pytest.mark.parametrize("case", list(hostile.HOSTILE))
def test_a_hostile_zip_is_refused_on_the_form_and_nothing_is_stored(app, designers, factory, case):
    client, token = signed_in(app, "designer1")
    raw, words = hostile.HOSTILE[case]
    before = drafts_count(factory)
    refused = send(client, token, raw)
    assert refused.status_code in (413, 422), (case, refused.status_code)
    if refused.status_code == 422:
        assert "data-refused" in refused.text and 'name="archive"' in refused.text
    assert drafts_count(factory) == before


def test_refusals_name_the_problem_in_english_too_and_stay_text(app, designers, factory):
    client, token = signed_in(app, "designer1")
    client.get("/staff/lang/en")
    sneaky = hostile.with_extra("forms/<img src=x onerror=alert(1)>.json", b"{}")
    refused = send(client, token, sneaky)
    assert refused.status_code == 422 and "is not expected" in refused.text
    assert "<img src=x" not in refused.text and "&lt;img src=x" in refused.text
    other = send(
        client,
        token,
        hostile.zipped(hostile.base_entries()),
        "/staff/designer/processes/agency_handling/import",
    )
    assert other.status_code == 422 and "not «agency_handling»" in other.text
    empty = client.post("/staff/designer/import", data={"csrf_token": token})
    assert empty.status_code == 422 and "Choose a zip" in empty.text
    assert drafts_count(factory) == 0


@pytest.mark.parametrize("who", ["screener", "labour", "executive"])
def test_other_roles_neither_download_nor_upload(app, designers, factory, who):
    client, token = signed_in(app, who)
    assert client.get(VERSION_ZIP).status_code == 403
    assert send(client, token, hostile.zipped(hostile.base_entries())).status_code == 403
    assert drafts_count(factory) == 0


def test_a_draft_downloads_in_the_same_layout(app, designers):
    client, token = signed_in(app, "designer1")
    draft_id = new_draft(client, token)
    one = client.get(f"/staff/designer/drafts/{draft_id}/export.zip")
    assert one.status_code == 200
    assert one.data == client.get(f"/staff/designer/drafts/{draft_id}/export.zip").data
    with zipfile.ZipFile(io.BytesIO(one.data)) as opened:
        manifest = json.loads(opened.read("process.json"))
    assert manifest["draft_id"] == draft_id and manifest["base_version"] == 1
    assert client.get("/staff/designer/drafts/999999/export.zip").status_code == 404
