"""The supervisor console: overdue work grouped by unit and step, and extending with a reason."""

from __future__ import annotations

from sqlalchemy import select

from engine.models import AuditEvent, Task
from tests.admin.conftest import csrf_of, sign_in
from tests.admin.test_inbox__scope import screen_and_refer


def test_overdue_work_is_grouped_and_a_supervisor_extends_it_with_a_reason(
    app, people, open_cases, factory, clock
):
    referred = open_cases("ลูกจ้างถูกเลิกจ้างไม่ได้ค่าชดเชย", category="labour")[0]
    screen_and_refer(factory, clock, people, referred)
    fresh = open_cases("เรื่องยังอยู่ในกำหนด")[0]
    clock.advance(days=40)
    ontime = open_cases("เรื่องใหม่ที่ยังไม่เกินกำหนด")[0]
    client = app.test_client()
    sign_in(client, "supervisor")
    page = client.get("/staff/supervision").text
    assert "กระทรวงแรงงาน" in page and "ลูกจ้างถูกเลิกจ้างไม่ได้ค่าชดเชย" in page
    assert "เรื่องยังอยู่ในกำหนด" in page  # the center's own late screening
    assert "เรื่องใหม่ที่ยังไม่เกินกำหนด" not in page and "เกินกำหนด" in page
    assert page.index("data-unit=") < page.index("ลูกจ้างถูกเลิกจ้าง")
    form = client.get(f"/staff/cases/{referred}/supervise").text
    no_reason = client.post(
        f"/staff/cases/{referred}/supervise",
        data={"csrf_token": csrf_of(form), "supervisor_action": "extend", "extend_days": "5"},
    )
    assert no_reason.status_code == 422 and "เหตุผล" in no_reason.text
    assert 'value="5"' in no_reason.text  # what was typed stays
    with factory() as session:
        before = session.scalar(select(Task.due_at).where(Task.case_id == referred))
    done = client.post(
        f"/staff/cases/{referred}/supervise",
        data={
            "csrf_token": csrf_of(form),
            "supervisor_action": "extend",
            "extend_days": "5",
            "reason": "หน่วยงานขอเวลาตรวจสอบเอกสารเพิ่ม",
        },
    )
    assert done.status_code == 302, done.text
    with factory() as session:
        after = session.scalar(
            select(Task.due_at).where(Task.case_id == referred, Task.role != "supervisor")
        )
        assert after > clock()  # five working days from now, past the old deadline
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "sla_extended"))
        assert event.detail["reason"] == "หน่วยงานขอเวลาตรวจสอบเอกสารเพิ่ม"
    assert before < after
    assert "ลูกจ้างถูกเลิกจ้างไม่ได้ค่าชดเชย" not in client.get("/staff/supervision").text
    assert ontime and fresh


def test_only_supervisors_reach_the_console(app, people, open_cases):
    case_id = open_cases("ทดสอบสิทธิ์หัวหน้างาน")[0]
    for name in ("screener", "labour", "executive"):
        client = app.test_client()
        sign_in(client, name)
        assert client.get("/staff/supervision").status_code == 403, name
        assert client.get(f"/staff/cases/{case_id}/supervise").status_code in (403, 404), name
