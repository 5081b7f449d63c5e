"""The process designer's pages as designers use them: the library in Thai (and English), a draft
made, saved against its lock by the modeler's JSON, validated, deployed (refused with findings,
or stored as a version waiting for a second person), approved or rejected, cases moved between
versions after a dry run; what designers write is escaped."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, func, select

from engine.models import (
    ActivationRequest,
    AuditEvent,
    Process,
    ProcessDefinition,
    ProcessDraft,
    WorkflowInstance,
)
from tests.admin.conftest import add_official, csrf_of, sign_in

RENAMED = 'name="กลั่นกรองเรื่อง (ร่าง)"'
DRAFT_URL = re.compile(r"/staff/designer/drafts/(\d+)$")


@pytest.fixture(autouse=True)
def no_drafts(factory):  # type: ignore[no-untyped-def]
    """Drafts and requests are not among the tables the shared fixtures empty."""
    with factory.begin() as session:
        session.execute(delete(ActivationRequest))
        session.execute(delete(ProcessDraft))


@pytest.fixture
def designers(people, factory):  # type: ignore[no-untyped-def]
    for name in ("designer1", "designer2"):
        add_official(factory, name, "central", ["designer"])
    return people


def signed_in(app, username: str):  # type: ignore[no-untyped-def]
    """A browser session of the user and its CSRF token."""
    client = app.test_client()
    assert sign_in(client, username).status_code == 302
    return client, csrf_of(client.get("/staff/account").text)


def new_draft(client, token: str, version: int = 1) -> int:  # type: ignore[no-untyped-def]
    made = client.post(
        "/staff/designer/processes/complaint/drafts",
        data={"csrf_token": token, "version": str(version)},
    )
    assert made.status_code == 302, made.text
    return int(DRAFT_URL.search(made.headers["Location"]).group(1))


def put(client, token: str, draft_id: int, body: dict, **headers):  # type: ignore[no-untyped-def]
    return client.put(
        f"/staff/designer/drafts/{draft_id}/content",
        json=body,
        headers={"X-CSRF-Token": token, **headers},
    )


def edit(client, token: str, draft_id: int, old: str, new: str) -> int:  # type: ignore[no-untyped-def]
    """Load the draft, change its complaint diagram, save it: the new lock."""
    loaded = client.get(f"/staff/designer/drafts/{draft_id}/content").get_json()
    files = dict(loaded["files"])
    assert old in files["complaint.bpmn"]
    files["complaint.bpmn"] = files["complaint.bpmn"].replace(old, new, 1)
    saved = put(client, token, draft_id, {"files": files, "lock": loaded["lock"]})
    assert saved.status_code == 200, saved.get_json()
    return saved.get_json()["lock"]


def deploy(client, token: str, draft_id: int, note: str = "เปลี่ยนชื่องานกลั่นกรอง"):  # type: ignore[no-untyped-def]
    return client.post(
        f"/staff/designer/drafts/{draft_id}/deploy", data={"csrf_token": token, "note": note}
    )


def pending_request(factory) -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        return session.scalar(
            select(ActivationRequest.id).where(ActivationRequest.state == "pending")
        )


def live_version(factory) -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        live_id = session.get(Process, "complaint").live_definition_id
        return session.get(ProcessDefinition, live_id).version


def v2_waiting(app, factory) -> tuple:  # type: ignore[no-untyped-def]
    """designer1 deployed complaint v2 from a draft: their client and token, the request id."""
    client, token = signed_in(app, "designer1")
    draft_id = new_draft(client, token)
    edit(client, token, draft_id, 'name="กลั่นกรองเรื่อง"', RENAMED)
    assert deploy(client, token, draft_id).status_code == 302
    return client, token, pending_request(factory)


def test_a_designer_lands_on_the_library_in_thai_and_reads_it_in_english(app, designers):
    client, _ = signed_in(app, "designer1")
    assert client.get("/staff/").headers["Location"] == "/staff/designer/"
    page = client.get("/staff/designer/").text
    assert "<h1>กระบวนงาน</h1>" in page and "เรื่องร้องเรียน" in page and "หน่วยงานดำเนินการ" in page
    complaint = page[page.index('data-process="complaint"') :]
    assert "ใช้งานอยู่" in complaint and "labour" in complaint and "system" in complaint
    assert "2569" in complaint  # deployed in the Buddhist Era
    assert 'href="/staff/designer/"' in page and "กระบวนงาน</a>" in page  # the menu's link
    client.get("/staff/lang/en")
    english = client.get("/staff/designer/").text
    assert "<h1>Processes</h1>" in english and "Complaint" in english and "Live" in english
    assert "2569 BE" in english


def test_a_draft_is_saved_against_its_lock_and_a_stale_save_is_refused(app, designers, factory):
    client, token = signed_in(app, "designer1")
    draft_id = new_draft(client, token)
    page = client.get(f"/staff/designer/drafts/{draft_id}")
    assert page.status_code == 200
    assert f'data-load-url="/staff/designer/drafts/{draft_id}/content"' in page.text
    assert "ติดตั้งและขออนุมัติ" in page.text  # the deploy form below the modeler
    loaded = client.get(f"/staff/designer/drafts/{draft_id}/content").get_json()
    assert set(loaded) == {"process_id", "files", "forms", "lock"}
    assert set(loaded["files"]) == {"complaint.bpmn", "routing.dmn"} and "screen" in loaded["forms"]
    lock = edit(client, token, draft_id, 'name="กลั่นกรองเรื่อง"', RENAMED)
    assert lock == loaded["lock"] + 1
    stale = put(client, token, draft_id, {"files": loaded["files"], "lock": loaded["lock"]})
    assert stale.status_code == 409
    assert stale.get_json()["error"]["code"] == "conflict" and stale.get_json()["lock"] == lock
    assert "บันทึกจากที่อื่น" in stale.get_json()["error"]["message"]
    unsigned = put(client, "not-the-token", draft_id, {"files": loaded["files"], "lock": lock})
    assert unsigned.status_code == 400
    with factory() as session:
        assert RENAMED in session.get(ProcessDraft, draft_id).files["complaint.bpmn"]


def test_bad_bodies_are_answered_in_json_with_the_field(app, designers):
    client, token = signed_in(app, "designer1")
    draft_id = new_draft(client, token)
    lock = client.get(f"/staff/designer/drafts/{draft_id}/content").get_json()["lock"]
    huge = put(
        client, token, draft_id, {"files": {"a.bpmn": "x" * (6 * 1024 * 1024)}, "lock": lock}
    )
    assert huge.status_code == 422 and "5 MB" in huge.get_json()["error"]["fields"]["files"]
    evil = put(client, token, draft_id, {"files": {"../a.bpmn": "<a/>"}, "lock": lock})
    assert evil.status_code == 422 and "files" in evil.get_json()["error"]["fields"]
    for body in (b"[1, 2]", b"{not json", b'{"files": NaN}'):
        sent = client.put(
            f"/staff/designer/drafts/{draft_id}/content",
            data=body,
            headers={"X-CSRF-Token": token, "Content-Type": "application/json"},
        )
        assert sent.status_code == 422 and sent.is_json, body
    too_big = put(client, token, draft_id, {"files": {"a.bpmn": "x" * (11 * 1024 * 1024)}})
    assert too_big.status_code == 413
    assert client.get("/staff/designer/drafts/999999/content").status_code == 404


def test_validate_answers_the_findings_of_the_modelers_files(app, designers):
    client, token = signed_in(app, "designer1")
    draft_id = new_draft(client, token)
    url = f"/staff/designer/drafts/{draft_id}/validate"
    clean = client.post(url, json={}, headers={"X-CSRF-Token": token}).get_json()["findings"]
    assert not [f for f in clean if f["severity"] == "error"]
    files = client.get(f"/staff/designer/drafts/{draft_id}/content").get_json()["files"]
    files["complaint.bpmn"] = files["complaint.bpmn"].replace('id="screen"', 'id="1bad"', 1)
    found = client.post(url, json={"files": files}, headers={"X-CSRF-Token": token}).get_json()
    errors = [f for f in found["findings"] if f["severity"] == "error"]
    assert errors and all(set(f) >= {"file", "line", "element", "message"} for f in errors)
    assert client.post(url, json={}).status_code == 400  # no token: not this page's request
    plain = client.post(url, data={"csrf_token": token})  # the page without the modeler
    assert plain.status_code == 200 and "ผลการตรวจสอบร่าง" in plain.text


def test_a_deploy_with_errors_lists_the_findings_and_stores_nothing(app, designers, factory):
    client, token = signed_in(app, "designer1")
    draft_id = new_draft(client, token)
    edit(client, token, draft_id, 'id="screen"', 'id="1bad"')
    with factory() as session:
        before = session.scalar(select(func.count()).select_from(ProcessDefinition))
    refused = deploy(client, token, draft_id)
    assert refused.status_code == 422
    assert "ติดตั้งไม่ได้" in refused.text and "complaint.bpmn:" in refused.text
    assert "ข้อผิดพลาด" in refused.text and 'class="finding"' in refused.text
    client.get("/staff/lang/en")
    english = deploy(client, token, draft_id)
    assert english.status_code == 422 and "Not deployed: the draft has errors" in english.text
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(ProcessDefinition)) == before
        assert session.get(ProcessDraft, draft_id) is not None
        assert session.scalar(select(func.count()).select_from(ActivationRequest)) == 0


def test_a_deployed_version_goes_live_when_a_second_designer_approves(app, designers, factory):
    client, token, request_id = v2_waiting(app, factory)
    process_page = client.get("/staff/designer/processes/complaint").text
    start = process_page.index('data-version="2"')
    row = process_page[start : process_page.index("</tr>", start)]
    assert "ยังไม่เปิดใช้" in row and "มีคำขอเปิดใช้รออนุมัติ" in row
    assert "เปลี่ยนชื่องานกลั่นกรอง" in row
    assert f"/staff/designer/approvals/{request_id}/approve" not in process_page  # not their own
    refused = client.post(
        f"/staff/designer/approvals/{request_id}/approve", data={"csrf_token": token}
    )
    assert refused.status_code == 403 and "ต้องให้ผู้ออกแบบกระบวนงานคนอื่น" in refused.text
    assert live_version(factory) == 1
    other, other_token = signed_in(app, "designer2")
    library = other.get("/staff/designer/").text
    assert f"/staff/designer/approvals/{request_id}/approve" in library
    approved = other.post(
        f"/staff/designer/approvals/{request_id}/approve",
        data={"csrf_token": other_token, "note": "ตรวจแล้ว", "next": "/staff/designer/"},
    )
    assert approved.status_code == 302 and approved.headers["Location"] == "/staff/designer/"
    assert live_version(factory) == 2
    assert "รุ่น 2: อนุมัติและเปิดใช้แล้ว" in other.get("/staff/designer/").text
    again = other.post(
        f"/staff/designer/approvals/{request_id}/approve", data={"csrf_token": other_token}
    )
    assert again.status_code == 409


def test_a_rejection_needs_a_reason_and_leaves_the_live_version(app, designers, factory):
    _client, _token, request_id = v2_waiting(app, factory)
    other, token = signed_in(app, "designer2")
    url = f"/staff/designer/approvals/{request_id}/reject"
    empty = other.post(url, data={"csrf_token": token, "reason": " "})
    assert empty.status_code == 422 and "กรุณาระบุเหตุผล" in empty.text
    assert other.post(url, data={"csrf_token": token, "reason": "ชื่อยาวไป"}).status_code == 302
    assert live_version(factory) == 1
    page = other.get("/staff/designer/processes/complaint").text
    assert "ไม่อนุมัติ" in page and "ชื่อยาวไป" in page


def test_a_rollback_is_asked_for_and_approved_like_a_new_version(app, designers, factory):
    client, token, request_id = v2_waiting(app, factory)
    other, other_token = signed_in(app, "designer2")
    other.post(f"/staff/designer/approvals/{request_id}/approve", data={"csrf_token": other_token})
    page = other.get("/staff/designer/processes/complaint").text
    assert "ขอย้อนกลับไปใช้รุ่นนี้" in page
    asked = other.post(
        "/staff/designer/processes/complaint/versions/1/request",
        data={"csrf_token": other_token, "note": "ย้อนกลับ ชื่อเดิมดีกว่า"},
    )
    assert asked.status_code == 302 and live_version(factory) == 2
    back = pending_request(factory)
    approved = client.post(f"/staff/designer/approvals/{back}/approve", data={"csrf_token": token})
    assert approved.status_code == 302
    assert live_version(factory) == 1


def test_the_process_page_compares_two_versions(app, designers, factory):
    client, _token, _request = v2_waiting(app, factory)
    page = client.get("/staff/designer/processes/complaint?from=1&to=2").text
    assert "รุ่น 1 → รุ่น 2" in page
    changed = page[page.index('class="diff-changed"') :]
    assert "กลั่นกรองเรื่อง (ร่าง)" in changed and "ชื่อ" in changed
    assert client.get("/staff/designer/processes/complaint?from=1&to=9").status_code == 200
    assert client.get("/staff/designer/processes/nothing").status_code == 404


def test_running_cases_move_after_a_dry_run_and_can_move_back(app, designers, factory, open_cases):
    case_ids = open_cases("นายจ้างไม่จ่ายค่าแรง", "ถูกเลิกจ้างไม่เป็นธรรม")
    _client, _token, request_id = v2_waiting(app, factory)
    admin, admin_token = signed_in(app, "admin")
    admin.post(f"/staff/designer/approvals/{request_id}/approve", data={"csrf_token": admin_token})
    form = admin.get("/staff/designer/processes/complaint/migrate")
    assert form.status_code == 200 and "ทดลองย้าย" in form.text
    dry = admin.post(
        "/staff/designer/processes/complaint/migrate",
        data={"csrf_token": admin_token, "from": "1", "to": "2", "status": "", "element": ""},
        follow_redirects=True,
    )
    assert dry.status_code == 200 and "ทดลองย้าย: รุ่น 1 → รุ่น 2" in dry.text
    assert "ย้ายได้ 2 เรื่อง" in dry.text and "เสร็จแล้ว" in dry.text
    assert all(f'data-case="{c}"' in dry.text for c in case_ids)
    assert dry.text.count('<span class="code">screen</span>') == 2, "where each case waits now"
    with factory() as session:  # a dry run moves nothing
        on = {
            session.get(ProcessDefinition, w.definition_id).version
            for w in session.scalars(select(WorkflowInstance))
        }
        assert on == {1}
    dry_id = int(dry.request.path.rsplit("/", 1)[1])
    moved = admin.post(
        f"/staff/designer/migrations/{dry_id}/move",
        data={"csrf_token": admin_token},
        follow_redirects=True,
    )
    assert moved.status_code == 200 and "ย้ายแล้ว 2 เรื่อง" in moved.text
    assert "ย้าย 2 เรื่องกลับไปรุ่น 1" in moved.text
    with factory() as session:
        on = {
            session.get(ProcessDefinition, w.definition_id).version
            for w in session.scalars(select(WorkflowInstance))
        }
        assert on == {2}
        assert session.scalar(select(func.count()).where(AuditEvent.action == "process_migration"))
    again = admin.post(
        f"/staff/designer/migrations/{dry_id}/move", data={"csrf_token": admin_token}
    )
    assert again.status_code == 302 and "ย้ายแล้ว 0 เรื่อง" in admin.get(again.location).text
    move_id = int(moved.request.path.rsplit("/", 1)[1])
    back = admin.post(
        f"/staff/designer/migrations/{move_id}/undo",
        data={"csrf_token": admin_token},
        follow_redirects=True,
    )
    assert "ทดลองย้าย: รุ่น 2 → รุ่น 1" in back.text and "ย้ายได้ 2 เรื่อง" in back.text
    back_id = int(back.request.path.rsplit("/", 1)[1])
    admin.post(f"/staff/designer/migrations/{back_id}/move", data={"csrf_token": admin_token})
    with factory() as session:
        on = {
            session.get(ProcessDefinition, w.definition_id).version
            for w in session.scalars(select(WorkflowInstance))
        }
        assert on == {1}
    bad = admin.post(
        "/staff/designer/processes/complaint/migrate",
        data={"csrf_token": admin_token, "from": "1", "to": "2", "status": "nope"},
    )
    assert bad.status_code == 422 and "ไม่มีสถานะนี้" in bad.text


def test_what_designers_write_is_escaped(app, designers, factory):
    client, token = signed_in(app, "designer1")
    draft_id = new_draft(client, token)
    edit(client, token, draft_id, 'name="กลั่นกรองเรื่อง"', RENAMED)
    put(client, token, draft_id, {})  # a bad body changes nothing
    loaded = client.get(f"/staff/designer/drafts/{draft_id}/content").get_json()
    script = "<script>alert('x')</script>"
    saved = put(
        client, token, draft_id, {"files": loaded["files"], "lock": loaded["lock"], "note": script}
    )
    assert saved.status_code == 200
    for url in ("/staff/designer/", f"/staff/designer/drafts/{draft_id}"):
        page = client.get(url).text
        assert script not in page and "&lt;script&gt;alert(" in page, url
    assert deploy(client, token, draft_id, note=script).status_code == 302
    for url in ("/staff/designer/", "/staff/designer/processes/complaint"):
        page = client.get(url).text
        assert script not in page and "&lt;script&gt;alert(" in page, url


@pytest.mark.parametrize("role", ["screener", "supervisor", "executive", "labour", "intake"])
def test_other_roles_get_no_designer_json(app, designers, factory, role):
    client, token = signed_in(app, "designer1")
    draft_id = new_draft(client, token)
    lock = client.get(f"/staff/designer/drafts/{draft_id}/content").get_json()["lock"]
    other, other_token = signed_in(app, role)
    answer = put(other, other_token, draft_id, {"files": {"a.bpmn": "<a/>"}, "lock": lock})
    assert answer.status_code == 403 and answer.is_json
    assert other.get(f"/staff/designer/drafts/{draft_id}/content").status_code == 403
    assert other.get("/staff/designer/reference").status_code == 403
    anonymous = app.test_client().put(f"/staff/designer/drafts/{draft_id}/content", json={})
    assert anonymous.status_code == 302 and "/staff/signin" in anonymous.headers["Location"]
    with factory() as session:
        assert session.get(ProcessDraft, draft_id).lock == lock


def test_a_new_process_starts_as_a_blank_draft(app, designers):
    client, token = signed_in(app, "designer1")
    made = client.post(
        "/staff/designer/drafts", data={"csrf_token": token, "process_id": "water_supply"}
    )
    draft_id = int(DRAFT_URL.search(made.headers["Location"]).group(1))
    page = client.get(f"/staff/designer/drafts/{draft_id}")
    assert page.status_code == 200 and "water_supply (ร่าง #" in page.text
    loaded = client.get(f"/staff/designer/drafts/{draft_id}/content").get_json()
    assert list(loaded["files"]) == ["water_supply.bpmn"] and loaded["process_id"] == "water_supply"
    bad = client.post("/staff/designer/drafts", data={"csrf_token": token, "process_id": "<x>"})
    assert bad.status_code == 422 and "รหัสกระบวนงาน" in bad.text


def test_the_reference_lists_what_a_diagram_may_name(app, designers):
    client, _ = signed_in(app, "designer1")
    found = client.get("/staff/designer/reference").get_json()
    assert set(found) == {"roles", "forms", "sla_policies", "statuses", "processes"}
    assert {"code", "name_th", "name_en"} == set(found["roles"][0])
    assert {"code": "complaint", "name_th": "เรื่องร้องเรียน", "name_en": "Complaint"} in found[
        "processes"
    ]
    assert "screen" in found["forms"]


def designer_world(session, clock, designer, admin) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """The authorization table's targets (tests/admin/test_authz__matrix.py): complaint v2 and
    v3 stored, not live; `activation` asks for v2 (by the designer), `activation3` for v3 (by
    the admin); `draft` (a change of its own, deployable) and `spare_draft` by the designer."""
    from engine.workflow import approvals, catalog, drafts

    files = {}
    for version, marker in ((2, "สอง"), (3, "สาม")):
        draft = drafts.create(session, clock(), designer, "complaint", from_version=1)
        files = drafts.bundle(draft)
        files["complaint.bpmn"] = files["complaint.bpmn"].replace(
            'name="กลั่นกรองเรื่อง"', f'name="กลั่นกรองเรื่อง {marker}"', 1
        )
        stored = catalog.deploy(session, clock(), admin, files, process_id="complaint", draft=True)
        assert stored.definition.version == version
        session.delete(draft)
    asked = approvals.request_activation(session, clock(), designer, "complaint", 2, "matrix")
    asked3 = approvals.request_activation(session, clock(), admin, "complaint", 3, "matrix")
    draft = drafts.create(session, clock(), designer, "complaint", from_version=1)
    draft.files = {
        **draft.files,
        "complaint.bpmn": draft.files["complaint.bpmn"].replace(
            'name="กลั่นกรองเรื่อง"', 'name="กลั่นกรองเรื่อง สี่"', 1
        ),
    }
    spare = drafts.create(session, clock(), designer, "complaint", from_version=1)
    session.flush()
    return {
        "draft": draft.id,
        "spare_draft": spare.id,
        "activation": asked.id,
        "activation3": asked3.id,
        **migration_runs(session, clock, designer),
    }


def migration_runs(session, clock, designer) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """`dry_run`: a finished dry run of complaint v1 → v2 that found every running case movable;
    `move_run`: a finished move of those cases (as if done; the undo's dry run then finds them
    still on v1); `run1`, `run2`: dry runs with their cases still to check."""
    from engine.models import MigrationRun, MigrationRunCase

    v1, v2 = (
        session.scalar(
            select(ProcessDefinition.id).where(
                ProcessDefinition.process_id == "complaint", ProcessDefinition.version == n
            )
        )
        for n in (1, 2)
    )
    running = list(
        session.scalars(
            select(WorkflowInstance.case_id).where(
                WorkflowInstance.definition_id == v1, WorkflowInstance.completed.is_(False)
            )
        )
    )
    now = clock()
    ids = {}
    for name, dry, state, position in (
        ("dry_run", True, "done", len(running)),
        ("move_run", False, "done", len(running)),
        ("run1", True, "running", 0),
        ("run2", True, "running", 0),
    ):
        run = MigrationRun(
            process_id="complaint",
            from_version=1,
            to_version=2,
            from_definition_id=v1,
            to_definition_id=v2,
            dry_run=dry,
            filters={},
            case_ids=running,
            position=position,
            migratable=position,
            blocked=0,
            migrated=0 if dry else position,
            state=state,
            created_by=designer.label,
            created_at=now,
            updated_at=now,
        )
        session.add(run)
        session.flush()
        session.add_all(
            MigrationRunCase(
                run_id=run.id,
                case_id=case_id,
                migratable=True,
                migrated=not dry,
                elements=[],
                reasons=[],
                reasons_th=[],
            )
            for case_id in (running if position else [])
        )
        ids[name] = run.id
    return ids
