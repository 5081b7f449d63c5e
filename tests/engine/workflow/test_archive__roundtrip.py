"""A version exported as a zip reads well in git and comes back unchanged: the same bytes on
every export, forms and scenarios pretty-printed, the versions it calls by number; imported it
is a draft whose deploy has the very content hash it was exported with. Audited, checked."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import func, select, update

from engine.errors import PermissionDenied, ValidationFailed
from engine.models import AuditEvent, ProcessDefinition, ProcessDraft
from engine.workflow import archive, catalog, definitions, drafts, versions
from tests.engine.workflow import test_drafts__save as drafting

designers, no_drafts = drafting.designers, drafting.no_drafts  # the drafts tests' fixtures
SCENARIO = {"start": {"category": "labour"}, "steps": [{"advance": "P3D"}], "expect": "ปิดเรื่อง"}


def export(factory, clock, who, version: int = 1) -> bytes:  # type: ignore[no-untyped-def]
    with factory.begin() as session:
        return archive.export_version(session, clock(), who, "complaint", version)[1]


def entries(raw: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(raw)) as opened:
        return {info.filename: opened.read(info) for info in opened.infolist()}


@pytest.fixture
def with_scenario(factory):  # type: ignore[no-untyped-def]
    """complaint v1 (shared by every test of the run) with a scenario, for this test only."""
    v1 = (ProcessDefinition.process_id == "complaint", ProcessDefinition.version == 1)
    with factory.begin() as session:
        before = session.scalar(select(ProcessDefinition.scenarios).where(*v1))
        session.execute(update(ProcessDefinition).where(*v1).values(scenarios={"wages": SCENARIO}))
    yield
    with factory.begin() as session:
        session.execute(update(ProcessDefinition).where(*v1).values(scenarios=before))


def test_the_same_version_exports_to_the_same_bytes_laid_out_for_git(
    factory, clock, designers, with_scenario
):
    first = export(factory, clock, designers["designer1"])
    clock.advance(days=3)
    assert export(factory, clock, designers["designer2"]) == first  # fixed entry times
    files = entries(first)
    assert list(files) == sorted(files)
    manifest = json.loads(files["process.json"])
    with factory() as session:
        stored = versions.find(session, "complaint", 1)
        content_hash, forms = stored.content_hash, dict(stored.forms)
    assert manifest["process_id"] == "complaint" and manifest["version"] == 1
    assert manifest["content_hash"] == content_hash
    assert manifest["pins"] == {"agency_handling": 1}  # by version number, not a row id
    assert {"note", "deployed_by", "deployed_at"} <= set(manifest)
    assert "complaint.bpmn" in files
    screen = files["forms/screen.json"].decode("utf-8")
    assert json.loads(screen) == forms["screen"]
    pretty = json.dumps(forms["screen"], ensure_ascii=False, indent=2, sort_keys=True)
    assert screen == pretty + "\n"
    assert "\\u0e" not in screen  # Thai stays readable in a diff
    assert json.loads(files["scenarios/wages.json"]) == SCENARIO


def test_export_import_deploy_gives_the_same_content_hash(factory, clock, designers, with_scenario):
    raw = export(factory, clock, designers["designer1"])
    with factory.begin() as session:
        draft = archive.import_archive(session, clock(), designers["designer2"], raw, "complaint")
        draft_id = draft.id
        assert draft.scenarios == {"wages": SCENARIO}
        result, resolved, pins, files = versions.check(session, drafts.bundle(draft), "complaint")
        digest = versions.fingerprint(definitions.diagram_files(files), resolved.forms, pins)
        original = versions.find(session, "complaint", 1).content_hash
        assert digest == original
        again = catalog.deploy(
            session, clock(), designers["designer2"], drafts.bundle(draft), draft=True
        )
        assert (again.created, again.definition.version) == (False, 1)  # nothing new: same hash
    with factory() as session:
        imported = session.get(ProcessDraft, draft_id)
        assert imported.created_by == "designer2" and imported.process_id == "complaint"


def test_a_draft_exports_and_imports_too(factory, clock, designers):
    who = designers["designer1"]
    draft_id, lock = drafting.new_draft(factory, clock, who)
    files = drafting.renamed_files(factory, who, draft_id)
    drafting.save(factory, clock, who, draft_id, files, lock)
    with factory.begin() as session:
        name, raw = archive.export_draft(session, clock(), who, draft_id)
    assert name == f"complaint-draft{draft_id}.zip"
    manifest = json.loads(entries(raw)["process.json"])
    assert manifest["draft_id"] == draft_id and manifest["version"] is None
    with factory.begin() as session:
        copy = archive.import_archive(session, clock(), designers["designer2"], raw)
        assert drafting.RENAMED in copy.files["complaint.bpmn"]


def test_every_export_and_import_is_audited_with_who_and_what(factory, clock, designers):
    raw = export(factory, clock, designers["designer1"])
    with factory.begin() as session:
        archive.import_archive(session, clock(), designers["designer2"], raw)
    with factory() as session:
        rows = session.execute(
            select(AuditEvent.action, AuditEvent.actor_label, AuditEvent.detail)
            .where(AuditEvent.action.in_(("process_exported", "process_imported")))
            .order_by(AuditEvent.id)
        ).all()
    (exported, by, detail), (imported, by2, detail2) = rows
    assert (exported, by, detail["process_id"], detail["version"]) == (
        "process_exported",
        "designer1",
        "complaint",
        1,
    )
    assert (imported, by2, detail2["from_version"]) == ("process_imported", "designer2", 1)
    assert "complaint.bpmn" in detail2["files"]


def drafts_count(factory) -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        return session.scalar(select(func.count()).select_from(ProcessDraft))


@pytest.mark.parametrize("who", ["screener", "labour", "executive"])
def test_other_roles_neither_export_nor_import(factory, clock, designers, who):
    raw = export(factory, clock, designers["designer1"])
    with factory.begin() as session, pytest.raises(PermissionDenied):
        archive.export_version(session, clock(), designers[who], "complaint", 1)
    with factory.begin() as session, pytest.raises(PermissionDenied):
        archive.import_archive(session, clock(), designers[who], raw)
    assert drafts_count(factory) == 0


def test_an_archive_of_another_process_is_refused_and_nothing_stored(factory, clock, designers):
    raw = export(factory, clock, designers["designer1"])
    with factory.begin() as session, pytest.raises(ValidationFailed) as refused:
        archive.import_archive(session, clock(), designers["designer2"], raw, "agency_handling")
    th, en = refused.value.fields["archive"]
    assert "«complaint», not «agency_handling»" in en and "agency_handling" in th
    assert drafts_count(factory) == 0
