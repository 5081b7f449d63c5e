"""E-mail over SMTP: the Thai acknowledgement arrives readable, once, even after an outage."""

from __future__ import annotations

import re

from notifications.dispatcher import dispatch_outbox
from tests.engine.helpers import open_case
from tests.notifications.conftest import outbox

CITIZEN = {"name": "สมหญิง รักงาน", "email": "somying@example.com"}


def _to(box, address: str):  # type: ignore[no-untyped-def]
    return [m for m, rcpt in zip(box.messages, box.recipients, strict=True) if address in rcpt]


def test_the_complainant_receives_a_thai_acknowledgement_with_a_tracking_link(
    factory, clock, staff, smtp_sink, settings
):
    case_id, code, _secret = open_case(factory, clock, staff["intake"], complainant=CITIZEN)

    dispatch_outbox(factory, clock, settings)

    [mail] = _to(smtp_sink.box, "somying@example.com")
    assert mail["Subject"] == f"ศูนย์ดำรงธรรมได้รับเรื่องร้องเรียนของท่านแล้ว เลขติดตาม {code}"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    html = mail.get_body(preferencelist=("html",)).get_content()
    link = f"https://damrong.example.go.th/portal/track?code={code}"
    assert "เรียน สมหญิง รักงาน" in text
    assert "นายจ้างค้างจ่ายค่าจ้าง" in text and link in text
    assert re.search(r"\d{1,2} [ก-๙]+ 25\d\d เวลา \d\d:\d\d น\.", text), "a Buddhist Era date"
    assert f'<a href="{link}">' in html and "สมหญิง" in html
    assert mail["Message-ID"].endswith("@damrong>")
    [row] = outbox(factory, channel="email", address="somying@example.com")
    assert (row.state, row.attempts, row.sent_at) == ("sent", 1, clock())


def test_subject_is_mime_encoded_on_the_wire(factory, clock, staff, smtp_sink, settings):
    open_case(factory, clock, staff["intake"], complainant=CITIZEN)
    dispatch_outbox(factory, clock, settings)
    index = smtp_sink.box.recipients.index(["somying@example.com"])
    wire = smtp_sink.box.raw[index]
    assert wire.isascii(), "Thai travels MIME-encoded, not as raw 8-bit bytes"
    header = wire.split(b"Subject:", 1)[1].split(b"\n", 1)[0]
    assert b"=?utf-8?" in header.lower()


def test_smtp_down_then_up_delivers_exactly_once_with_the_attempts_visible(
    factory, clock, staff, smtp_sink, settings
):
    smtp_sink.stop()
    open_case(factory, clock, staff["intake"], complainant=CITIZEN)

    dispatch_outbox(factory, clock, settings)
    [row] = outbox(factory, channel="email", address="somying@example.com")
    assert (row.state, row.attempts) == ("pending", 1)
    assert "SMTP" in row.last_error and row.next_attempt_at > clock()

    clock.set(row.next_attempt_at)
    dispatch_outbox(factory, clock, settings)  # still down
    [row] = outbox(factory, channel="email", address="somying@example.com")
    assert (row.state, row.attempts) == ("pending", 2)

    smtp_sink.start()
    dispatch_outbox(factory, clock, settings)  # not due yet: backoff is respected
    assert _to(smtp_sink.box, "somying@example.com") == []
    clock.set(row.next_attempt_at)
    dispatch_outbox(factory, clock, settings)
    clock.advance(days=1)
    dispatch_outbox(factory, clock, settings)

    assert len(_to(smtp_sink.box, "somying@example.com")) == 1
    [row] = outbox(factory, channel="email", address="somying@example.com")
    assert (row.state, row.attempts) == ("sent", 3)


def test_starttls_required_never_falls_back_to_plain_text(
    factory, clock, staff, smtp_sink, settings
):
    from dataclasses import replace

    strict = replace(settings, smtp_url=smtp_sink.url + "?starttls=required")
    open_case(factory, clock, staff["intake"], complainant=CITIZEN)
    dispatch_outbox(factory, clock, strict)
    assert _to(smtp_sink.box, "somying@example.com") == []
    [row] = outbox(factory, channel="email", address="somying@example.com")
    assert "STARTTLS" in row.last_error
