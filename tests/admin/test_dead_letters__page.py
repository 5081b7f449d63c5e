"""Administrators see messages that could not be delivered, with the error, and retry them."""

from __future__ import annotations

import re

from sqlalchemy import select

from engine import journal
from engine.models import Case, OutboxMessage
from tests.admin.conftest import sign_in

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _dead_letter(factory, clock, case_id: int) -> int:  # type: ignore[no-untyped-def]
    with factory.begin() as session:
        case = session.get(Case, case_id)
        row = journal.enqueue(session, case, "case_received", f"complainant:{case_id}", clock())
        row.state, row.attempts, row.channel = "dead", 8, "email"
        row.address, row.last_error = "somying@example.com", "550 mailbox unavailable"
        row.dead_at = clock()
        session.flush()
        return row.id


def test_an_admin_sees_a_dead_letter_and_puts_it_back_in_the_queue(
    app, people, open_cases, factory, clock
):
    [case_id] = open_cases("นายจ้างค้างจ่ายค่าจ้าง")
    message_id = _dead_letter(factory, clock, case_id)

    screener = app.test_client()
    sign_in(screener, "screener")
    assert screener.get("/staff/admin/dead-letters/").status_code == 403

    admin = app.test_client()
    sign_in(admin, "admin")
    page = admin.get("/staff/admin/dead-letters/")
    assert page.status_code == 200
    assert "550 mailbox unavailable" in page.text and "somying@example.com" in page.text
    forged = admin.post(f"/staff/admin/dead-letters/{message_id}/retry", data={})
    assert "แบบฟอร์มหมดอายุ" in admin.get(forged.headers["Location"]).text
    with factory() as session:
        assert session.get(OutboxMessage, message_id).state == "dead"  # nothing changed

    done = admin.post(
        f"/staff/admin/dead-letters/{message_id}/retry",
        data={"csrf_token": TOKEN.search(page.text).group(1)},
    )
    after = admin.get(done.headers["Location"])
    assert f"ข้อความ {message_id} เข้าคิวส่งใหม่แล้ว" in after.text
    assert "550 mailbox unavailable" not in after.text
    with factory() as session:
        row = session.get(OutboxMessage, message_id)
        assert (row.state, row.attempts) == ("pending", 0)
        key = session.scalar(
            select(OutboxMessage.idempotency_key).where(OutboxMessage.id == message_id)
        )
        assert key == row.idempotency_key  # the same key: a receiver that saw it will not act twice
