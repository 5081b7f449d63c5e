"""An agency's system works a referred case through /api/v1/agency/: the same tasks as the inbox."""

from __future__ import annotations

import base64

from sqlalchemy import func, select

from engine.models import CaseAttachment, CaseNote, OutboxMessage

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def post(client, tokens, who, case_id, action, body=None, **headers):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/agency/cases/{case_id}/{action}",
        json=body or {},
        headers={**tokens[who], **headers},
    )


def test_acknowledge_progress_result_brings_the_case_to_review(client, tokens, case_id, factory):
    case = client.get(f"/api/v1/agency/cases/{case_id}", headers=tokens["labour"]).get_json()
    assert case["status"] == "referred" and case["waiting_for"] == ["acknowledge"]
    assert case["role"] == "lead"

    ack = post(client, tokens, "labour", case_id, "acknowledge", {"note": "รับเรื่องแล้ว"})
    assert ack.status_code == 200, ack.get_json()
    assert ack.get_json()["status"] == "in_progress"
    assert "progress" in ack.get_json()["waiting_for"]

    progress = post(client, tokens, "labour", case_id, "progress", {"progress_note": "ลงพื้นที่แล้ว"})
    assert progress.get_json()["status"] == "in_progress"

    attachment = {"filename": "ผลตรวจ.pdf", "content_base64": base64.b64encode(PDF).decode()}
    result = post(
        client,
        tokens,
        "labour",
        case_id,
        "result",
        {"result_text": "นายจ้างจ่ายค่าจ้างครบแล้ว", "attachments": [attachment]},
    )
    assert result.status_code == 200, result.get_json()
    assert result.get_json()["status"] == "under_review"

    # The center's reviewer sees the result in its own inbox, as if typed there.
    detail = client.get(f"/api/v1/cases/{case_id}", headers=tokens["screener"]).get_json()
    assert [t["step"] for t in detail["tasks"]] == ["review"]
    assert any(n["body"] == "นายจ้างจ่ายค่าจ้างครบแล้ว" for n in detail["notes"])
    view = client.get(f"/api/v1/agency/cases/{case_id}", headers=tokens["labour"]).get_json()
    [file] = view["attachments"]
    assert file["content_type"] == "application/pdf" and file["filename"] == "ผลตรวจ.pdf"
    download = client.get(
        f"/api/v1/agency/cases/{case_id}/attachments/{file['id']}", headers=tokens["labour"]
    )
    assert download.data == PDF and download.mimetype == "application/pdf"


def test_an_action_the_case_is_not_waiting_for_is_409_with_its_stage(client, tokens, case_id):
    early = post(client, tokens, "labour", case_id, "result", {"result_text": "เสร็จ"})
    assert early.status_code == 409
    error = early.get_json()["error"]
    assert error["code"] == "not_waiting"
    assert error["status"] == "referred" and error["waiting_for"] == ["acknowledge"]
    post(client, tokens, "labour", case_id, "acknowledge")
    again = post(client, tokens, "labour", case_id, "acknowledge")
    assert again.status_code == 409
    assert again.get_json()["error"]["status"] == "in_progress"


def test_idempotency_key_makes_a_retried_progress_report_act_once(client, tokens, case_id, factory):
    post(client, tokens, "labour", case_id, "acknowledge")
    body = {"progress_note": "ประสานนายจ้างแล้ว"}
    first = post(client, tokens, "labour", case_id, "progress", body, **{"Idempotency-Key": "p-1"})
    retry = post(client, tokens, "labour", case_id, "progress", body, **{"Idempotency-Key": "p-1"})
    assert first.status_code == retry.status_code == 200
    assert first.get_json() == retry.get_json()
    with factory() as session:
        notes = session.scalar(
            select(func.count()).select_from(CaseNote).where(CaseNote.kind == "progress_note")
        )
    assert notes == 1
    other = post(
        client,
        tokens,
        "labour",
        case_id,
        "progress",
        {"progress_note": "อีกเรื่อง"},
        **{"Idempotency-Key": "p-1"},
    )
    assert other.status_code == 409


def test_decline_returns_the_case_to_screening_with_the_reason(client, tokens, case_id):
    post(client, tokens, "labour", case_id, "acknowledge")
    declined = post(
        client, tokens, "labour", case_id, "decline", {"reason": "ไม่อยู่ในอำนาจหน้าที่ของกระทรวง"}
    )
    assert declined.status_code == 200, declined.get_json()
    assert declined.get_json()["status"] == "screening"
    detail = client.get(f"/api/v1/cases/{case_id}", headers=tokens["screener"]).get_json()
    assert [t["step"] for t in detail["tasks"]] == ["screen"]
    assert any(
        n["kind"] == "reason" and n["body"] == "ไม่อยู่ในอำนาจหน้าที่ของกระทรวง" for n in detail["notes"]
    )


def test_info_request_opens_the_centers_answer_task(client, tokens, case_id):
    post(client, tokens, "labour", case_id, "acknowledge")
    asked = post(client, tokens, "labour", case_id, "info-request", {"question": "ที่อยู่นายจ้าง?"})
    assert asked.status_code == 200
    assert asked.get_json()["waiting_for"] == []
    detail = client.get(f"/api/v1/cases/{case_id}", headers=tokens["screener"]).get_json()
    assert [t["step"] for t in detail["tasks"]] == ["answer_agency"]


def test_bad_input_is_422_and_changes_nothing(client, tokens, case_id, factory):
    post(client, tokens, "labour", case_id, "acknowledge")
    missing = post(client, tokens, "labour", case_id, "progress", {})
    assert missing.status_code == 422
    assert "progress_note" in missing.get_json()["error"]["fields"]
    unknown = post(client, tokens, "labour", case_id, "progress", {"progress_note": "x", "y": 1})
    assert unknown.status_code == 422 and "y" in unknown.get_json()["error"]["fields"]
    exe = {"filename": "a.pdf", "content_base64": base64.b64encode(b"MZ\x90\x00").decode()}
    bad_file = post(
        client, tokens, "labour", case_id, "result", {"result_text": "x", "attachments": [exe]}
    )
    assert bad_file.status_code == 422
    assert "attachments/0" in bad_file.get_json()["error"]["fields"]
    not_b64 = {"filename": "a.pdf", "content_base64": "%%%"}
    assert (
        post(
            client,
            tokens,
            "labour",
            case_id,
            "result",
            {"result_text": "x", "attachments": [not_b64]},
        ).status_code
        == 422
    )
    bad_agency = post(
        client, tokens, "labour", case_id, "forward", {"agency": "nosuch", "reason": "ไม่ใช่ของเรา"}
    )
    assert bad_agency.status_code == 422
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(CaseAttachment)) == 0
    view = client.get(f"/api/v1/agency/cases/{case_id}", headers=tokens["labour"]).get_json()
    assert view["status"] == "in_progress" and "result" in view["waiting_for"]


def test_only_the_agency_holding_the_case_may_read_or_act(
    client, tokens, case_id, factory, clock, staff
):
    # Another agency: as if the case did not exist.
    assert client.get(f"/api/v1/agency/cases/{case_id}", headers=tokens["local"]).status_code == 404
    assert post(client, tokens, "local", case_id, "acknowledge").status_code == 404
    assert client.get("/api/v1/agency/cases", headers=tokens["local"]).get_json()["items"] == []
    # Center staff do not use the agency API.
    assert client.get("/api/v1/agency/feed", headers=tokens["screener"]).status_code == 403
    assert post(client, tokens, "screener", case_id, "acknowledge").status_code == 403
    assert client.get("/api/v1/agency/feed").status_code == 401
    mine = client.get("/api/v1/agency/cases", headers=tokens["labour"]).get_json()
    assert [c["id"] for c in mine["items"]] == [case_id]
    # Once forwarded to dla, mol no longer holds it (403: it left mol, and says so); dla does.
    post(client, tokens, "labour", case_id, "acknowledge")
    forwarded = post(
        client, tokens, "labour", case_id, "forward", {"agency": "dla", "reason": "เป็นเรื่องท้องถิ่น"}
    )
    assert forwarded.status_code == 200, forwarded.get_json()
    gone = client.get(f"/api/v1/agency/cases/{case_id}", headers=tokens["labour"])
    assert gone.status_code == 403 and gone.get_json()["error"]["code"] == "permission_denied"
    again = post(client, tokens, "labour", case_id, "progress", {"progress_note": "ยังทำอยู่"})
    assert again.status_code == 403
    dla = client.get(f"/api/v1/agency/cases/{case_id}", headers=tokens["local"]).get_json()
    assert dla["waiting_for"] == ["acknowledge"] and dla["role"] == "lead"
    with factory() as session:
        recipients = session.scalars(
            select(OutboxMessage.recipient).where(OutboxMessage.event == "case_referred")
        ).all()
    assert "agency:dla" in recipients


def test_invited_co_handler_reports_to_the_lead_who_keeps_the_task(client, tokens, case_id):
    post(client, tokens, "labour", case_id, "acknowledge")
    invited = post(client, tokens, "labour", case_id, "invite", {"agency": "dla"})
    assert invited.status_code == 200, invited.get_json()
    co = client.get(f"/api/v1/agency/cases/{case_id}", headers=tokens["local"]).get_json()
    assert co["role"] == "co_handler" and co["waiting_for"] == ["progress"]
    # Only the lead reports the result (or forwards, invites, declines): 403 for a co-handler.
    for action, body in [("result", {"result_text": "x"}), ("forward", {"agency": "rtp"})]:
        refused = post(client, tokens, "local", case_id, action, body)
        assert refused.status_code == 403, refused.get_json()
    report = post(client, tokens, "local", case_id, "progress", {"progress_note": "อปท. ตรวจแล้ว"})
    assert report.status_code == 200 and report.get_json()["status"] == "in_progress"
    lead = client.get(f"/api/v1/agency/cases/{case_id}", headers=tokens["labour"]).get_json()
    assert "result" in lead["waiting_for"]
    assert "อปท. ตรวจแล้ว" in [n["body"] for n in lead["notes"]]
    events = client.get(f"/api/v1/cases/{case_id}/events", headers=tokens["screener"]).get_json()
    assert {"invited", "commented"} <= {e["action"] for e in events["items"]}
