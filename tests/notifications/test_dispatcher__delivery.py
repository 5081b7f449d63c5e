"""The dispatcher: backoff and dead letters, crashes, rollbacks, and concurrent dispatchers."""

from __future__ import annotations

import os
import threading
from collections import Counter
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.cases import intake
from engine.errors import PermissionDenied
from engine.models import OutboxMessage
from notifications import admin
from notifications.dispatcher import dispatch_outbox, lease_due, resolve_pending, send_leased
from tests.conftest import intake_data
from tests.engine.helpers import complete, open_case
from tests.notifications.conftest import outbox


def _sms_calls(sink):  # type: ignore[no-untyped-def]
    return [c for c in sink.calls if c.path == "/sms"]


def test_failures_back_off_exponentially_then_the_message_is_dead_and_can_be_retried(
    factory, clock, staff, http_sink, settings
):
    http_sink.statuses = [503] * 4
    open_case(factory, clock, staff["intake"])
    delays = []
    for _attempt in range(4):
        before = clock()
        dispatch_outbox(factory, clock, settings)
        [row] = outbox(factory, channel="sms")
        if row.state == "dead":
            break
        delays.append((row.next_attempt_at - before).total_seconds())
        clock.set(row.next_attempt_at)
    assert len(_sms_calls(http_sink)) == 4
    base = settings.backoff_base_seconds
    for n, delay in enumerate(delays):
        assert base * 2**n / 2 <= delay <= base * 2**n, "exponential, with jitter"
    assert (row.state, row.attempts) == ("dead", 4)
    assert "HTTP 503" in row.last_error and row.dead_at == clock()

    clock.advance(days=1)
    dispatch_outbox(factory, clock, settings)
    assert len(_sms_calls(http_sink)) == 4, "a dead message is not sent again by itself"

    with factory() as session:
        [dead] = admin.list_dead_letters(session, staff["admin"])
        with pytest.raises(PermissionDenied):
            admin.list_dead_letters(session, staff["supervisor"])
    assert (dead["id"], dead["attempts"], dead["channel"]) == (row.id, 4, "sms")
    with factory.begin() as session:
        admin.retry_dead_letter(session, clock, staff["admin"], row.id)
    dispatch_outbox(factory, clock, settings)
    [row] = outbox(factory, channel="sms")
    assert (row.state, len(_sms_calls(http_sink))) == ("sent", 5)
    assert len({c.headers["idempotency-key"] for c in _sms_calls(http_sink)}) == 1


def test_a_refusal_is_dead_lettered_at_once(factory, clock, staff, http_sink, settings):
    http_sink.statuses = [400]
    open_case(factory, clock, staff["intake"])
    dispatch_outbox(factory, clock, settings)
    [row] = outbox(factory, channel="sms")
    assert (row.state, row.attempts) == ("dead", 1) and "HTTP 400" in row.last_error


def test_a_crash_between_send_and_record_does_not_double_deliver(
    factory, clock, staff, http_sink, settings
):
    person = {"name": "ก", "line_user_id": "U" + "b" * 32}
    open_case(factory, clock, staff["intake"], complainant=person)
    resolve_pending(factory, clock, settings)
    leased, lease_until = lease_due(factory, clock, settings)
    send_leased(leased, settings, clock, lease_until)  # ... and the process dies here
    assert len(http_sink.calls) == 1

    dispatch_outbox(factory, clock, settings)  # the lease still holds: nobody resends yet
    assert len(http_sink.calls) == 1
    clock.set(lease_until)
    dispatch_outbox(factory, clock, settings)

    assert len(http_sink.calls) == 2, "sent again after the lease ran out"
    keys = {c.headers["x-line-retry-key"] for c in http_sink.calls}
    assert len(keys) == 1 and len(http_sink.delivered) == 1, "the receiver saw one message"
    [row] = outbox(factory, channel="line")
    assert (row.state, row.attempts) == ("sent", 2)


def test_a_rolled_back_change_sends_nothing(factory, clock, staff, http_sink, smtp_sink, settings):
    with pytest.raises(RuntimeError), factory.begin() as session:
        intake.open_case(session, clock, staff["intake"], intake_data())
        assert session.scalars(select(OutboxMessage)).all(), "queued inside the transaction"
        raise RuntimeError("the request failed after the case was opened")
    dispatch_outbox(factory, clock, settings)
    assert outbox(factory) == [] and http_sink.calls == [] and smtp_sink.box.messages == []


def test_two_dispatchers_never_send_one_message_twice(factory, clock, staff, http_sink, settings):
    for n in range(12):
        open_case(factory, clock, staff["intake"], complainant={"phone": f"08100000{n:02d}"})
    small = replace(settings, batch_size=3)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            for _ in range(8):
                dispatch_outbox(factory, clock, small)
        except BaseException as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    sent = Counter(c.json()["to"] for c in _sms_calls(http_sink))
    assert len(sent) == 12 and set(sent.values()) == {1}


@pytest.mark.skipif(
    not os.environ.get("DAMRONG_TEST_DATABASE_URL"), reason="SKIP LOCKED is PostgreSQL's"
)
def test_postgresql_lease_skips_rows_another_dispatcher_holds(factory, clock, staff, settings):
    for n in range(3):
        open_case(factory, clock, staff["intake"], complainant={"phone": f"08200000{n:02d}"})
    resolve_pending(factory, clock, settings)
    ids = [r.id for r in outbox(factory, channel="sms")]
    with factory.begin() as holder:
        holder.execute(
            select(OutboxMessage.id).where(OutboxMessage.id == ids[0]).with_for_update()
        ).all()
        leased, _ = lease_due(factory, clock, settings)  # would block here without SKIP LOCKED
    assert sorted(m.id for m in leased) == ids[1:]


def test_a_case_referred_twice_gets_each_notice_once(factory, clock, staff, http_sink, settings):
    case_id, _code, _ = open_case(factory, clock, staff["intake"])
    dispatch_outbox(factory, clock, settings)
    complete(factory, clock, staff["screener"], case_id, "screen", {"decision": "refer"})
    dispatch_outbox(factory, clock, settings)
    clock.advance(hours=1)
    dispatch_outbox(factory, clock, settings)
    keys = Counter(c.headers["idempotency-key"] for c in _sms_calls(http_sink))
    assert keys and set(keys.values()) == {1}
    rows = outbox(factory, channel="sms")
    assert all(r.state == "sent" for r in rows) and all(r.leased_until is None for r in rows)
    assert timedelta(0) <= rows[-1].sent_at - rows[0].sent_at


def test_a_dispatcher_killed_mid_batch_leaves_nothing_lost_and_nothing_doubled_at_the_agency(
    factory, clock, staff, http_sink, settings
):
    with factory.begin() as session:
        secret = admin.set_agency_endpoint(
            session,
            clock,
            staff["admin"],
            "mol",
            http_sink.url + "/hooks/mol",
            allowance=settings.webhook_allowance,
        )["secret"]
    for _ in range(4):
        case_id, _code, _ = open_case(factory, clock, staff["intake"])
        complete(factory, clock, staff["screener"], case_id, "screen", {"decision": "refer"})
    resolve_pending(factory, clock, settings)
    leased, lease_until = lease_due(factory, clock, settings)
    hooks = [m for m in leased if m.channel == "webhook"]
    assert len(hooks) >= 4 and all(m.secret == secret for m in hooks)
    half = len(hooks) // 2
    send_leased(hooks[:half], settings, clock, lease_until)  # killed halfway through the batch

    clock.set(lease_until)  # the restarted dispatcher finds the expired lease
    dispatch_outbox(factory, clock, settings)

    calls = [c for c in http_sink.calls if c.path == "/hooks/mol"]
    delivered = [c for c in http_sink.delivered if c.path == "/hooks/mol"]
    assert len(calls) == len(hooks) + half, "those sent before the kill were sent again"
    assert len(delivered) == len(hooks), "and the receiver acted on each once"
    assert len({c.json()["case_id"] for c in delivered}) == 4
    assert all(r.state == "sent" for r in outbox(factory, channel="webhook"))
