"""The supervisor's other actions from the console's case page: remind, escalate, reassign and
close as unresolvable, each with what the people involved then notice."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.models import AuditEvent, Case, OutboxMessage, Task
from engine.sla.deadlines import sweep_deadlines
from tests.admin.conftest import add_official, csrf_of
from tests.admin.test_inbox__scope import screen_and_refer, signed_in


@pytest.fixture
def overdue(people, open_cases, factory, clock) -> int:  # type: ignore[no-untyped-def]
    """A case the labour ministry let run 40 days over; the sweep has called the supervisor."""
    case_id = open_cases("นายจ้างไม่จ่ายค่าชดเชยการเลิกจ้าง", category="labour")[0]
    screen_and_refer(factory, clock, people, case_id)
    clock.advance(days=40)
    assert sweep_deadlines(factory, clock).breached >= 1
    return case_id


def supervise(client, case_id: int, **fields: str):  # type: ignore[no-untyped-def]
    page = client.get(f"/staff/cases/{case_id}/supervise")
    assert page.status_code == 200
    return client.post(
        f"/staff/cases/{case_id}/supervise", data={"csrf_token": csrf_of(page.text), **fields}
    )


def events(factory, action: str) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    with factory() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_reassigning_moves_the_case_to_the_other_agency(app, overdue, factory):
    labour = signed_in(app, "labour")
    assert labour.get(f"/staff/cases/{overdue}").status_code == 200
    done = supervise(
        signed_in(app, "supervisor"),
        overdue,
        supervisor_action="reassign",
        agency="dla",
        reason="กระทรวงแรงงานไม่ตอบสองครั้ง",
    )
    assert done.status_code == 302, done.text
    inbox = signed_in(app, "local").get("/staff/inbox?tab=unclaimed").text
    assert "นายจ้างไม่จ่ายค่าชดเชยการเลิกจ้าง" in inbox
    assert labour.get(f"/staff/cases/{overdue}").status_code == 403
    assert "นายจ้างไม่จ่ายค่าชดเชย" not in labour.get("/staff/inbox?tab=unclaimed").text


def test_closing_as_unresolvable_ends_the_case_and_clears_the_console(app, overdue, factory):
    client = signed_in(app, "supervisor")
    assert "นายจ้างไม่จ่ายค่าชดเชย" in client.get("/staff/supervision").text
    refused = supervise(client, overdue, supervisor_action="close_unresolvable")
    assert refused.status_code == 422 and "เหตุผล" in refused.text
    done = supervise(
        client, overdue, supervisor_action="close_unresolvable", reason="นายจ้างปิดกิจการแล้ว"
    )
    assert done.status_code == 302, done.text
    with factory() as session:
        assert session.get(Case, overdue).status == "closed"
        assert session.scalar(select(func.count()).where(Task.case_id == overdue)) == 0
    assert "นายจ้างไม่จ่ายค่าชดเชย" not in client.get("/staff/supervision").text


def test_a_reminder_is_sent_and_recorded(app, overdue, factory):
    with factory() as session:
        queued = session.scalar(select(func.count()).select_from(OutboxMessage))
    done = supervise(
        signed_in(app, "supervisor"), overdue, supervisor_action="remind", reason="โปรดรายงานผล"
    )
    assert done.status_code == 302, done.text
    (event,) = [e for e in events(factory, "sla_reminder") if e.actor_label == "supervisor"]
    assert event.detail["reason"] == "โปรดรายงานผล"
    assert event.detail["to"].endswith(":agency_officer")  # the agency's group is reminded
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) > queued


def test_escalating_hands_the_case_to_the_provincial_supervisors(app, overdue, factory):
    add_official(factory, "supervisor50", "c50", ["supervisor"])
    district = signed_in(app, "supervisor")
    no_reason = supervise(district, overdue, supervisor_action="escalate")
    assert no_reason.status_code == 422
    done = supervise(district, overdue, supervisor_action="escalate", reason="เกินกำหนดนานมาก")
    assert done.status_code == 302, done.text
    with factory() as session:
        assert session.get(Case, overdue).escalation_level == 1
    province = signed_in(app, "supervisor50")
    assert "นายจ้างไม่จ่ายค่าชดเชย" in province.get("/staff/supervision").text
    assert province.get(f"/staff/cases/{overdue}/supervise").status_code == 200
    assert district.get(f"/staff/cases/{overdue}/supervise").status_code == 403
