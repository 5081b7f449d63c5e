"""Forward and invite from an agency's system: at once, or after the center's approval.

Both go through the one `refer` service (the BPMN's forward_referral and invite_co_handler
elements), appear in the case timeline and in each agency's feed; the agency the case left may
no longer act on it; a co-handler only reports progress.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from agency import reads
from engine.cases import forwarding
from engine.errors import Conflict, PermissionDenied
from engine.holders import active_referrals
from engine.models import ForwardRequest, OrgUnit, OutboxMessage
from tests.engine.helpers import complete, task_at


def post(client, tokens, who, case_id, action, body=None, **headers):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/agency/cases/{case_id}/{action}",
        json=body or {},
        headers={**tokens[who], **headers},
    )


def feed(client, tokens, who) -> list[dict]:  # type: ignore[no-untyped-def]
    return client.get("/api/v1/agency/feed?limit=500", headers=tokens[who]).get_json()["items"]


def timeline(client, tokens, case_id) -> list[str]:  # type: ignore[no-untyped-def]
    answer = client.get(f"/api/v1/cases/{case_id}/events?limit=200", headers=tokens["screener"])
    return [e["action"] for e in answer.get_json()["items"]]


def holders(factory, case_id) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with factory() as session:
        return [(r.agency.code, r.role) for r in active_referrals(session, case_id)]


@pytest.fixture
def require_approval(factory):  # type: ignore[no-untyped-def]
    """What an administrator does in the org unit form: a center approves forwards (org units
    are reference data every test shares: the setting is switched off again afterwards)."""

    def switch_on(center: str = "c50") -> None:
        with factory.begin() as session:
            session.execute(
                update(OrgUnit).where(OrgUnit.code == center).values(forward_needs_approval=True)
            )

    yield switch_on
    with factory.begin() as session:
        session.execute(update(OrgUnit).values(forward_needs_approval=False))


FORWARD = {"agency": "dla", "reason": "เป็นอำนาจของท้องถิ่น"}


def test_without_the_setting_a_forward_moves_the_lead_at_once(client, tokens, case_id, factory):
    post(client, tokens, "labour", case_id, "acknowledge")
    forwarded = post(
        client, tokens, "labour", case_id, "forward", FORWARD, **{"Idempotency-Key": "f1"}
    )
    assert forwarded.status_code == 200, forwarded.get_json()
    assert forwarded.get_json()["pending_forward"] is None
    assert forwarded.get_json()["waiting_for"] == []
    assert holders(factory, case_id) == [("dla", "lead")]
    # A retry with the same key acts once and answers the same.
    again = post(client, tokens, "labour", case_id, "forward", FORWARD, **{"Idempotency-Key": "f1"})
    assert again.status_code == 200 and again.get_json() == forwarded.get_json()

    new_lead = client.get(f"/api/v1/agency/cases/{case_id}", headers=tokens["local"]).get_json()
    assert new_lead["role"] == "lead" and new_lead["waiting_for"] == ["acknowledge"]
    assert "forwarded" in [e["event"] for e in feed(client, tokens, "local")]
    # The old agency hears that the case left it (the last entry, naming the new lead) ...
    old = feed(client, tokens, "labour")
    assert old[-1]["event"] == "referral_ended" and old[-1]["detail"] == {
        "agency": "dla",
        "role": "lead",
    }
    assert "forwarded" in [e["event"] for e in old]
    # ... by webhook too, and may no longer read or act on it.
    with factory() as session:
        hooks = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.recipient == "agency:mol", OutboxMessage.event == "case_updated")
            .order_by(OutboxMessage.id)
        ).all()
    assert "referral_ended" in hooks[-1].payload["events"]
    assert (
        client.get(f"/api/v1/agency/cases/{case_id}", headers=tokens["labour"]).status_code == 403
    )
    for action, body in [("progress", {"progress_note": "ยังอยู่"}), ("forward", FORWARD)]:
        assert post(client, tokens, "labour", case_id, action, body).status_code == 403
    assert "forwarded" in timeline(client, tokens, case_id)


def test_with_the_setting_a_forward_waits_for_the_centers_approval(
    client, tokens, case_id, factory, require_approval
):
    require_approval()  # the province's center: its district centers' cases too
    post(client, tokens, "labour", case_id, "acknowledge")
    asked = post(client, tokens, "labour", case_id, "forward", FORWARD)
    assert asked.status_code == 200, asked.get_json()
    pending = asked.get_json()["pending_forward"]
    assert pending["status"] == "pending" and pending["to_agency"] == "dla"
    assert "result" in asked.get_json()["waiting_for"]  # mol keeps the case and its task
    assert holders(factory, case_id) == [("mol", "lead")]
    assert client.get(f"/api/v1/agency/cases/{case_id}", headers=tokens["local"]).status_code == 404
    assert "forward_requested" in [e["event"] for e in feed(client, tokens, "labour")]
    assert feed(client, tokens, "local") == []  # nothing of the case reaches dla before approval
    # One request at a time.
    assert post(client, tokens, "labour", case_id, "forward", FORWARD).status_code == 409
    # An agency cannot approve its own request, nor a center officer of another province.
    url = f"/api/v1/cases/{case_id}/forward-requests/{pending['id']}/approve"
    assert client.post(url, headers=tokens["labour"]).status_code == 403
    assert client.post(url, headers=tokens["screener_bkk"]).status_code == 403
    listed = client.get(f"/api/v1/cases/{case_id}/forward-requests", headers=tokens["screener"])
    assert [r["status"] for r in listed.get_json()["items"]] == ["pending"]
    # Screeners find what waits for them across their cases; other areas and agencies do not.
    waiting = client.get("/api/v1/forward-requests", headers=tokens["screener"]).get_json()
    assert [(r["case_id"], r["to_agency"]) for r in waiting["items"]] == [(case_id, "dla")]
    assert client.get("/api/v1/forward-requests", headers=tokens["screener_bkk"]).get_json() == {
        "items": []
    }
    assert client.get("/api/v1/forward-requests", headers=tokens["labour"]).status_code == 403

    approved = client.post(url, json={"note": "อนุมัติ"}, headers=tokens["screener"])
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["status"] == "approved"
    assert approved.get_json()["decided_by"] == "screener"
    assert holders(factory, case_id) == [("dla", "lead")]
    new_lead = client.get(f"/api/v1/agency/cases/{case_id}", headers=tokens["local"]).get_json()
    assert new_lead["waiting_for"] == ["acknowledge"]
    assert "forwarded" in [e["event"] for e in feed(client, tokens, "local")]
    old = [e["event"] for e in feed(client, tokens, "labour")]
    assert old[-1] == "referral_ended" and "forward_approved" in old
    assert (
        post(client, tokens, "labour", case_id, "result", {"result_text": "x"}).status_code == 403
    )
    events = timeline(client, tokens, case_id)
    assert events.index("forward_requested") < events.index("forward_approved")
    assert events.index("forward_approved") < events.index("forwarded")
    assert client.post(url, headers=tokens["screener"]).status_code == 409  # decided already


def test_a_rejected_forward_leaves_the_case_with_the_agency(
    client, tokens, case_id, factory, require_approval
):
    require_approval("central")  # set on the central center: every center's cases
    post(client, tokens, "labour", case_id, "acknowledge")
    request_id = post(client, tokens, "labour", case_id, "forward", FORWARD).get_json()[
        "pending_forward"
    ]["id"]
    rejected = client.post(
        f"/api/v1/cases/{case_id}/forward-requests/{request_id}/reject",
        json={"note": "เป็นเรื่องค่าจ้าง อยู่ในอำนาจกระทรวงแรงงาน"},
        headers=tokens["supervisor"],
    )
    assert rejected.status_code == 200 and rejected.get_json()["status"] == "rejected"
    assert [e["event"] for e in feed(client, tokens, "labour")][-1] == "forward_rejected"
    assert holders(factory, case_id) == [("mol", "lead")]
    result = post(client, tokens, "labour", case_id, "result", {"result_text": "จ่ายค่าจ้างแล้ว"})
    assert result.status_code == 200 and result.get_json()["status"] == "under_review"


def test_a_request_lapses_when_the_agency_reported_its_result_first(
    client, tokens, case_id, factory, require_approval
):
    require_approval()
    post(client, tokens, "labour", case_id, "acknowledge")
    request_id = post(client, tokens, "labour", case_id, "forward", FORWARD).get_json()[
        "pending_forward"
    ]["id"]
    post(client, tokens, "labour", case_id, "result", {"result_text": "แก้ไขแล้ว"})
    lapsed = client.post(
        f"/api/v1/cases/{case_id}/forward-requests/{request_id}/approve", headers=tokens["screener"]
    )
    assert lapsed.status_code == 200 and lapsed.get_json()["status"] == "lapsed"
    assert holders(factory, case_id) == [("mol", "lead")]
    assert "forward_lapsed" in timeline(client, tokens, case_id)


def test_the_inbox_forward_waits_for_the_same_approval(
    factory, clock, staff, case_id, require_approval
):
    """Damrong's inbox completes the same task with the same form: the same rule applies."""
    require_approval()
    labour, local = staff["labour"], staff["local"]
    complete(factory, clock, labour, case_id, "agency_acknowledge", {})
    status = complete(
        factory, clock, labour, case_id, "agency_handle", {"action": "forward", **FORWARD}
    )
    assert status == "in_progress"
    assert task_at(factory, case_id, "agency_handle").org_unit_id is not None  # still open
    assert holders(factory, case_id) == [("mol", "lead")]
    with factory() as session:
        [request] = session.scalars(select(ForwardRequest)).all()
    with factory.begin() as session, pytest.raises(PermissionDenied):
        forwarding.decide(session, clock, staff["intake"], case_id, request.id, True)
    with factory.begin() as session:
        forwarding.decide(session, clock, staff["supervisor"], case_id, request.id, True)
    assert holders(factory, case_id) == [("dla", "lead")]
    assert task_at(factory, case_id, "agency_acknowledge").org_unit_id == local.org_unit_id
    with factory() as session:
        events = [e.event for e in reads.read_feed(session, local, 0).items]
    assert "forwarded" in events
    with factory.begin() as session, pytest.raises(Conflict):
        forwarding.decide(session, clock, staff["supervisor"], case_id, request.id, False)


def test_an_agency_forwards_and_invites_only_its_own_cases_and_only_as_lead(
    client, tokens, case_id
):
    invite = {"agency": "rtp", "reason": "มีประเด็นอาญา"}
    # Not referred to dla or rtp: as if the case did not exist.
    for who in ("local", "police"):
        assert post(client, tokens, who, case_id, "forward", FORWARD).status_code == 404
        assert post(client, tokens, who, case_id, "invite", invite).status_code == 404
    # Center staff do not use the agency API.
    assert post(client, tokens, "screener", case_id, "invite", invite).status_code == 403
    post(client, tokens, "labour", case_id, "acknowledge")
    # Not to itself.
    self_forward = post(client, tokens, "labour", case_id, "forward", {**FORWARD, "agency": "mol"})
    assert self_forward.status_code == 422
    assert post(client, tokens, "labour", case_id, "invite", {"agency": "dla"}).status_code == 200
    # The co-handler reports progress only: no forwarding, inviting, result or decline.
    for action, body in [
        ("forward", {"agency": "rtp", "reason": "ส่งตำรวจ"}),
        ("invite", invite),
        ("result", {"result_text": "เสร็จ"}),
        ("decline", {"reason": "ไม่ใช่อำนาจ"}),
    ]:
        refused = post(client, tokens, "local", case_id, action, body)
        assert refused.status_code == 403, (action, refused.get_json())
    progress = post(client, tokens, "local", case_id, "progress", {"progress_note": "ตรวจพื้นที่แล้ว"})
    assert progress.status_code == 200
    co = [e["event"] for e in feed(client, tokens, "local")]
    assert "invited" in co and "commented" in co
    # The lead may invite the police as a second co-handler.
    assert post(client, tokens, "labour", case_id, "invite", invite).status_code == 200
    assert "invited" in [e["event"] for e in feed(client, tokens, "police")]
