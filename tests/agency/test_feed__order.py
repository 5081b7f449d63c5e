"""The change feed: what each agency sees, in commit order, never skipped, never repeated."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from agency import reads
from engine.cases.intake import add_comment
from engine.models import OutboxMessage
from tests.agency.conftest import referred_case
from tests.engine.helpers import complete


def pull(factory, actor, since=0):  # type: ignore[no-untyped-def]
    """Everything in an agency's feed after a cursor, and the next cursor."""
    with factory() as session:
        page = reads.read_feed(session, actor, since, limit=1000)
        return [(r.case_id, r.event) for r in page.items], page.next_cursor


def test_referral_forward_and_invitation_reach_each_agencys_feed(factory, clock, staff):
    case_id = referred_case(factory, clock, staff)
    labour, local, police = staff["labour"], staff["local"], staff["police"]
    events, cursor = pull(factory, labour)
    assert (case_id, "referred") in events
    assert (case_id, "status_changed") in events
    assert pull(factory, labour, cursor)[0] == []  # the next pull repeats nothing
    assert pull(factory, local)[0] == []

    complete(factory, clock, labour, case_id, "agency_acknowledge", {})
    complete(
        factory, clock, labour, case_id, "agency_handle", {"action": "invite", "agency": "dla"}
    )
    complete(
        factory,
        clock,
        labour,
        case_id,
        "agency_handle",
        {"action": "forward", "agency": "rtp", "reason": "เป็นคดีอาญา"},
    )
    later, _ = pull(factory, labour, cursor)
    assert [e for _, e in later if e in ("invited", "forwarded")] == ["invited", "forwarded"]
    co_handler = [e for _, e in pull(factory, local)[0]]
    assert co_handler.index("invited") < co_handler.index("forwarded")
    new_lead = [e for _, e in pull(factory, police)[0]]
    assert "forwarded" in new_lead
    # mol lost the case with the forward: nothing more reaches its feed.
    with factory.begin() as session:
        add_comment(session, clock, police, case_id, "รับเรื่องแล้ว")
    assert [e for _, e in pull(factory, police)[0]][-1] == "commented"
    assert pull(factory, labour, cursor)[0] == later


def test_every_change_queues_a_webhook_and_the_feed_holds_no_free_text(factory, clock, staff):
    case_id = referred_case(factory, clock, staff)
    labour = staff["labour"]
    complete(factory, clock, labour, case_id, "agency_acknowledge", {})
    complete(
        factory,
        clock,
        labour,
        case_id,
        "agency_handle",
        {"action": "progress", "progress_note": "ลับเฉพาะ นายสมชาย 0812345678"},
    )
    with factory() as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.recipient == "agency:mol")
            .order_by(OutboxMessage.id)
        ).all()
        feed = reads.read_feed(session, labour, 0).items
    assert [r.event for r in rows][:2] == ["case_referred", "case_updated"]
    assert sum(r.event == "case_updated" for r in rows) == 3  # referral, ack, progress
    assert rows[-1].payload["positions"] == [feed[-1].position]
    assert (feed[-1].event, feed[-1].payload["detail"]) == (
        "task_completed",
        {"action": "progress"},
    )
    assert "ลับเฉพาะ" not in repr([f.payload for f in feed])
    assert "0812345678" not in repr([r.payload for r in rows])


def test_a_transaction_that_commits_late_is_not_skipped(factory, clock, staff, database_url):
    """Two overlapping writers; the one that began first commits last (PostgreSQL only:
    SQLite's BEGIN IMMEDIATE never lets two writers overlap)."""
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite serialises writers; run with DAMRONG_TEST_DATABASE_URL=postgresql://…")
    first = referred_case(factory, clock, staff)
    second = referred_case(factory, clock, staff)
    labour = staff["labour"]
    _, cursor = pull(factory, labour)

    early = factory()
    early.begin()
    add_comment(early, clock, labour, first, "เริ่มก่อน แต่บันทึกทีหลัง")
    late = factory()
    late.begin()
    add_comment(late, clock, labour, second, "เริ่มทีหลัง แต่บันทึกก่อน")
    late.commit()
    seen, cursor = pull(factory, labour, cursor)  # a pull while `early` is still in flight
    assert seen == [(second, "commented")]
    early.commit()
    seen_next, cursor = pull(factory, labour, cursor)
    assert seen_next == [(first, "commented")]
    assert pull(factory, labour, cursor)[0] == []
    early.close()
    late.close()


def test_a_rolled_back_change_never_reaches_the_feed(factory, clock, staff):
    case_id = referred_case(factory, clock, staff)
    _, cursor = pull(factory, staff["labour"])
    with pytest.raises(RuntimeError), factory.begin() as session:
        add_comment(session, clock, staff["labour"], case_id, "จะถูกยกเลิก")
        raise RuntimeError("the request failed after writing")
    assert pull(factory, staff["labour"], cursor)[0] == []
