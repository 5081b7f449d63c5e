"""A version exported over the API as a zip, and a zip imported as a draft: the same bytes every
time, the round trip keeps the content hash, and every hostile archive is a 422 naming what is
wrong with no draft stored (never a 500)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import func, select

from engine.models import AuditEvent, ProcessDraft
from tests.api.test_processes__support import deploy, designer_headers, upload
from tests.engine.workflow import test_archive__hostile as hostile
from tests.engine.workflow import test_drafts__save as drafting

no_drafts = drafting.no_drafts  # drafts are not among the tables the shared fixtures empty

BASE = "/api/v1/processes/plain_complaint"


@pytest.fixture
def designer(factory, clock, staff) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return designer_headers(factory, clock)


def drafts_count(factory) -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        return session.scalar(select(func.count()).select_from(ProcessDraft))


def send(client, headers, raw: bytes, url: str = "/api/v1/processes/import"):  # type: ignore[no-untyped-def]
    data = {"archive": (io.BytesIO(raw), "export.zip")}
    return client.post(url, data=data, headers=headers, content_type="multipart/form-data")


def test_export_is_the_same_zip_every_time_and_comes_back_as_the_same_version(
    client, designer, clock, factory
):
    deploy(client, designer)  # plain_complaint v1, live (the colleague approved it)
    first = client.get(f"{BASE}/versions/1/export", headers=designer)
    assert first.status_code == 200 and first.mimetype == "application/zip"
    assert 'filename="plain_complaint-v1.zip"' in first.headers["Content-Disposition"]
    clock.advance(hours=1)
    assert client.get(f"{BASE}/versions/1/export", headers=designer).data == first.data
    with zipfile.ZipFile(io.BytesIO(first.data)) as opened:
        manifest = json.loads(opened.read("process.json"))
    imported = send(client, designer, first.data, f"{BASE}/import")
    assert imported.status_code == 201, imported.get_json()
    body = imported.get_json()
    assert body["process_id"] == "plain_complaint" and body["files"] == ["bpmnio_plain.bpmn"]
    again = upload(client, designer, ("plain_complaint-v1.zip", first.data), draft="true")
    assert again.status_code == 200, again.get_json()  # the same content hash: nothing new
    assert (again.get_json()["version"], again.get_json()["created"]) == (1, False)
    versions = client.get(f"{BASE}/versions", headers=designer).get_json()["versions"]
    assert versions[0]["content_hash"] == manifest["content_hash"]
    with factory() as session:
        actions = list(session.scalars(select(AuditEvent.action)))
    assert actions.count("process_exported") == 2 and "process_imported" in actions


def test_an_archive_of_another_process_is_refused(client, designer, factory):
    raw = hostile.zipped(hostile.base_entries())  # of «complaint»
    refused = send(client, designer, raw, f"{BASE}/import?lang=en")
    assert refused.status_code == 422
    assert "not «plain_complaint»" in refused.get_json()["error"]["fields"]["archive"]
    assert drafts_count(factory) == 0


@pytest.mark.parametrize("case", list(hostile.HOSTILE))
def test_a_hostile_archive_is_422_and_stores_nothing(client, designer, factory, case):
    raw, words = hostile.HOSTILE[case]
    before = drafts_count(factory)
    refused = send(client, designer, raw, "/api/v1/processes/import?lang=en")
    assert refused.status_code in (413, 422), (case, refused.status_code)
    if refused.status_code == 422:
        message = refused.get_json()["error"]["fields"]["archive"]
        assert not words or words in message, message
    assert drafts_count(factory) == before


def test_a_request_without_an_archive_or_by_another_role_is_refused(client, tokens, designer):
    missing = client.post(
        "/api/v1/processes/import", data={}, headers=designer, content_type="multipart/form-data"
    )
    assert missing.status_code == 422 and "archive" in missing.get_json()["error"]["fields"]
    raw = hostile.zipped(hostile.base_entries())
    for role in ("screener", "labour", "executive"):
        assert send(client, tokens[role], raw).status_code == 403
        assert client.get(f"{BASE}/versions/1/export", headers=tokens[role]).status_code == 403
