"""A version approved to go live at a set time is announced on every official's pages until it is
live: the process, the version, the Thai date and time, and the designer's note (escaped)."""

from __future__ import annotations

from engine.workflow.approvals import activate_due
from tests.admin.test_designer__pages import (  # noqa: F401  (fixtures)
    designers,
    edit,
    live_version,
    new_draft,
    no_drafts,
    pending_request,
    signed_in,
)

NOTE = "เพิ่มขั้นตรวจซ้ำ <script>alert('x')</script>"


def test_a_scheduled_version_is_announced_to_the_centers_until_it_goes_live(
    app,
    designers,  # noqa: F811  (the imported fixture)
    factory,
    clock,
):
    client, token = signed_in(app, "designer1")
    draft_id = new_draft(client, token)
    edit(client, token, draft_id, 'name="กลั่นกรองเรื่อง"', 'name="กลั่นกรองเรื่องร้องเรียน"')
    # The clock stands at 23 Nov 2026 09:00 Bangkok time: go live on the 25th at 08:30.
    deployed = client.post(
        f"/staff/designer/drafts/{draft_id}/deploy",
        data={"csrf_token": token, "note": NOTE, "activate_at": "2026-11-25T08:30"},
    )
    assert deployed.status_code == 302
    screener, _ = signed_in(app, "screener")
    assert "data-coming" not in screener.get("/staff/inbox").text, "not before approval"

    second, second_token = signed_in(app, "designer2")
    approved = second.post(
        f"/staff/designer/approvals/{pending_request(factory)}/approve",
        data={"csrf_token": second_token},
    )
    assert approved.status_code == 302
    inbox = screener.get("/staff/inbox").text
    assert 'data-coming="complaint:2"' in inbox
    assert "รุ่น 2" in inbox and "25 พ.ย. 2569 08:30" in inbox
    assert "&lt;script&gt;" in inbox and "<script>alert" not in inbox
    english = signed_in(app, "labour")[0]
    english.get("/staff/lang/en")
    assert "starts on" in english.get("/staff/account").text
    assert live_version(factory) == 1

    clock.advance(days=2)  # 25 Nov 09:00: past the time
    assert activate_due(factory, clock)["activated"] == 1
    assert live_version(factory) == 2
    assert "data-coming" not in screener.get("/staff/inbox").text
