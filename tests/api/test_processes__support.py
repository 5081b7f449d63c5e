"""What the process API tests share: the modelers' diagrams, a designer's token, uploads and an
official's round of claim and complete (no tests here)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from sqlalchemy import func, select

from engine.access.tokens import issue_token
from engine.models import AuditEvent, Category, ProcessDefinition
from tests.conftest import make_user

FIXTURES = Path(__file__).parents[1] / "processes" / "fixtures"
PLAIN = "bpmnio_plain.bpmn"
CAMUNDA = "camunda_complaint.bpmn"
SCREENING = "Activity_1r8c2ve"  # พิจารณาเรื่อง, in the screener's lane
FIXING = "Activity_0k2w9ty"  # ดำเนินการแก้ไข, in the responsible agency's lane


def diagram(name: str) -> bytes:
    """A fixture diagram's bytes (tests/processes/fixtures/README.md says what each one is)."""
    return (FIXTURES / name).read_bytes()


def plain_with_agency_task_named(name: str) -> bytes:
    """The plain diagram with its agency task renamed: a visible, harmless new version."""
    edited = diagram(PLAIN).replace('name="ดำเนินการแก้ไข"'.encode(), f'name="{name}"'.encode(), 1)
    assert name.encode() in edited
    return edited


def zipped(*entries: tuple[str, bytes]) -> bytes:
    """A deflated zip of (name, bytes) entries."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


# Four eyes: each designer made here has a colleague (another designer) who approves what they
# ask to go live; `deploy` and `go_live` let the colleague approve it.
COLLEAGUES: dict[str, dict[str, str]] = {}


def designer_headers(factory, clock, username: str = "designer") -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A bearer token for a process designer at the central office (and one for a colleague)."""
    with factory.begin() as session:
        user = make_user(session, username, "central", ["designer"])
        mine = {"Authorization": "Bearer " + issue_token(session, clock(), user)}
        other = make_user(session, f"{username}_colleague", "central", ["designer"])
        COLLEAGUES[mine["Authorization"]] = {
            "Authorization": "Bearer " + issue_token(session, clock(), other)
        }
        return mine


def colleague(headers: dict[str, str]) -> dict[str, str]:
    """The second pair of eyes of a designer made by designer_headers."""
    return COLLEAGUES[headers["Authorization"]]


def go_live(client, headers, body: dict) -> dict:  # type: ignore[no-untyped-def]
    """The colleague approves the activation request a deploy (202) filed: the request after."""
    request_id = body["activation_request"]["id"]
    approved = client.post(
        f"/api/v1/processes/activation-requests/{request_id}/approve", headers=colleague(headers)
    )
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["state"] == "activated"
    return approved.get_json()


def upload(client, headers, *files: tuple[str, bytes], url: str = "/api/v1/processes", **form):  # type: ignore[no-untyped-def]
    """POST files (multipart field `files`) and form fields to a process endpoint."""
    data = {"files": [(io.BytesIO(raw), name) for name, raw in files], **form}
    return client.post(url, data=data, headers=headers, content_type="multipart/form-data")


def activate(client, headers, url: str):  # type: ignore[no-untyped-def]
    """POST …/activate: the designer asks (202), the colleague's same call approves (200)."""
    asked = client.post(url, headers=headers)
    if asked.status_code != 202:
        return asked  # refused: the answer says why
    assert asked.get_json()["state"] == "pending"
    return client.post(url, headers=colleague(headers))


def deploy(client, headers, name: str = PLAIN, raw: bytes | None = None, **form) -> dict:  # type: ignore[no-untyped-def]
    """Deploy one diagram; it must be stored. Not as a draft, its activation is asked for (202)
    and the designer's colleague approves it: then it is live."""
    response = upload(client, headers, (name, diagram(name) if raw is None else raw), **form)
    assert response.status_code in (200, 201, 202), response.get_json()
    body = response.get_json()
    if response.status_code == 202:
        go_live(client, headers, body)
        body["live"] = True
    return body


def bind(client, headers, category: str, process_id: str):  # type: ignore[no-untyped-def]
    return client.put(
        f"/api/v1/categories/{category}/process", json={"process_id": process_id}, headers=headers
    )


def inbox(client, headers) -> list[dict]:  # type: ignore[no-untyped-def]
    """The tasks an official may claim (group inbox)."""
    response = client.get("/api/v1/tasks?scope=group", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def work(client, headers, task_id: int, data: dict):  # type: ignore[no-untyped-def]
    """Claim a task and submit its form, as an official does."""
    claimed = client.post(f"/api/v1/tasks/{task_id}/claim", headers=headers)
    assert claimed.status_code == 200, claimed.get_json()
    return client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": data}, headers=headers)


def case_of(client, headers, case_id: int) -> dict:  # type: ignore[no-untyped-def]
    response = client.get(f"/api/v1/cases/{case_id}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def catalog_state(factory) -> tuple:  # type: ignore[no-untyped-def]
    """Everything a process call could change: versions, live pointers, bindings, audit."""
    from engine.models import Process

    with factory() as session:
        return (
            session.execute(
                select(ProcessDefinition.process_id, ProcessDefinition.version).order_by(
                    ProcessDefinition.id
                )
            ).all(),
            session.execute(
                select(Process.process_id, Process.live_definition_id).order_by(Process.process_id)
            ).all(),
            session.execute(
                select(Category.code, Category.process_id).order_by(Category.code)
            ).all(),
            session.execute(
                select(ProcessDefinition.process_id, ProcessDefinition.retired_at).order_by(
                    ProcessDefinition.id
                )
            ).all(),
            session.scalar(select(func.count()).select_from(AuditEvent)),
        )
