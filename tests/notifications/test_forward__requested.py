"""A pending forward request reaches the center's screeners and supervisors: in the outbox, and
by e-mail through a real SMTP server, with both agencies' names and the agency's reason."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from engine.models import OrgUnit, User
from notifications.dispatcher import dispatch_outbox
from tests.engine.helpers import complete, open_case
from tests.notifications.conftest import give_emails, outbox, unit_id

REASON = "ผู้ร้องเป็นลูกจ้างขององค์การบริหารส่วนตำบล เป็นอำนาจของท้องถิ่น"
FORWARD = {"action": "forward", "agency": "dla", "reason": REASON}


SUBJECTS = ("หน่วยงานขอส่งต่อเรื่อง", "Forward awaiting your approval")


def _mail_to(smtp_sink, address: str):  # type: ignore[no-untyped-def]
    """The forward requests mailed to an address (staff get other mail too: new tasks)."""
    box = smtp_sink.box
    return [
        m
        for m, rcpt in zip(box.messages, box.recipients, strict=True)
        if address in rcpt and m["Subject"].startswith(SUBJECTS)
    ]


def _text(mail) -> str:  # type: ignore[no-untyped-def]
    return mail.get_body(preferencelist=("plain",)).get_content()


def _approving(factory, on: bool) -> None:  # type: ignore[no-untyped-def]
    with factory.begin() as session:
        session.execute(
            update(OrgUnit).where(OrgUnit.code == "c50").values(forward_needs_approval=on)
        )


def _forward(factory, clock, staff) -> int:  # type: ignore[no-untyped-def]
    """The labour ministry acknowledges a referred case and asks to forward it to the DLA."""
    case_id = open_case(factory, clock, staff["intake"], category="labour")[0]
    complete(factory, clock, staff["screener"], case_id, "screen", {"decision": "refer"})
    complete(factory, clock, staff["labour"], case_id, "agency_acknowledge", {})
    complete(factory, clock, staff["labour"], case_id, "agency_handle", FORWARD)
    return case_id


@pytest.fixture
def emails(factory, staff):  # type: ignore[no-untyped-def]
    give_emails(
        factory,
        screener="screener@c5001.example",
        supervisor="supervisor@c5001.example",
        intake="intake@c5001.example",
        executive="executive@c50.example",
    )
    with factory.begin() as session:
        session.execute(update(User).where(User.username == "supervisor").values(language="en"))


@pytest.mark.usefixtures("emails")
def test_screeners_and_supervisors_are_told_with_the_agencies_and_the_reason(
    factory, clock, staff, smtp_sink, settings
):
    _approving(factory, True)
    case_id = _forward(factory, clock, staff)
    [row] = outbox(factory, event="forward_requested")
    assert row.case_id == case_id
    assert row.recipient == f"group:{unit_id(factory, 'c5001')}:screener,supervisor"

    dispatch_outbox(factory, clock, settings)

    [thai] = _mail_to(smtp_sink, "screener@c5001.example")
    assert thai["Subject"].startswith("หน่วยงานขอส่งต่อเรื่อง รอศูนย์อนุมัติ")
    text = _text(thai)
    assert "กระทรวงแรงงาน ขอส่งต่อเรื่อง" in text and "ไปยังกรมส่งเสริมการปกครองท้องถิ่น" in text
    assert f"เหตุผล: {REASON}" in text
    assert f"https://damrong.example.go.th/staff/cases/{case_id}" in text
    # The supervisor is also a screener: one message, in the language they chose.
    [english] = _mail_to(smtp_sink, "supervisor@c5001.example")
    assert english["Subject"].startswith("Forward awaiting your approval")
    text = _text(english)
    assert "Ministry of Labour asks to forward" in text
    assert "to Department of Local Administration" in text and f"Reason: {REASON}" in text
    # Intake officers and executives do not decide forwards: nothing for them.
    assert _mail_to(smtp_sink, "intake@c5001.example") == []
    assert _mail_to(smtp_sink, "executive@c50.example") == []


@pytest.mark.usefixtures("emails")
def test_without_approval_nobody_is_asked(factory, clock, staff, smtp_sink, settings):
    _approving(factory, False)
    _forward(factory, clock, staff)
    assert outbox(factory, event="forward_requested") == []
    dispatch_outbox(factory, clock, settings)
    assert smtp_sink.box.messages, "other mail still goes out"
    assert _mail_to(smtp_sink, "screener@c5001.example") == []
    assert _mail_to(smtp_sink, "supervisor@c5001.example") == []
