"""Who hears what: complainants' channels and opt-out, anonymity, staff digests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.access.rules import Actor
from engine.errors import PermissionDenied, ValidationFailed
from notifications import preferences
from notifications.digest import send_daily_digests
from notifications.dispatcher import dispatch_outbox
from tests.engine.helpers import open_case
from tests.notifications.conftest import give_emails, outbox

EVERYTHING = {
    "name": "สมศักดิ์",
    "phone": "0899999999",
    "email": "somsak@example.com",
    "line_user_id": "U" + "c" * 32,
}


def _paths(sink) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.path for c in sink.calls]


def _mail_to(sink, address: str) -> list:  # type: ignore[no-untyped-def]
    return [m for m, r in zip(sink.box.messages, sink.box.recipients, strict=True) if address in r]


def _choose(factory, clock, case_id: int, channels, opted_out=False):  # type: ignore[no-untyped-def]
    with factory.begin() as session:
        return preferences.set_complainant_preference(
            session, clock, Actor.citizen(case_id), case_id, channels, opted_out
        )


def _reopen_later(factory, clock, case_id: int) -> None:  # type: ignore[no-untyped-def]
    """Queue another complainant notice for the case, as the engine would."""
    from engine import journal
    from engine.models import Case

    with factory.begin() as session:
        journal.enqueue(
            session,
            session.get(Case, case_id),
            "progress_reported",
            f"complainant:{case_id}",
            clock(),
        )


def test_complainant_chooses_channels_or_opts_out(
    factory, clock, staff, http_sink, smtp_sink, settings
):
    case_id, _code, _ = open_case(factory, clock, staff["intake"], complainant=EVERYTHING)
    dispatch_outbox(factory, clock, settings)
    assert _paths(http_sink) == ["/v2/bot/message/push"], "default: one channel, LINE first"

    chosen = _choose(factory, clock, case_id, ["sms", "email"])
    assert chosen["channels"] == ["email", "sms"] and chosen["available"] == [
        "line",
        "email",
        "sms",
    ]
    _reopen_later(factory, clock, case_id)
    dispatch_outbox(factory, clock, settings)
    assert _paths(http_sink)[1:] == ["/sms"] and len(_mail_to(smtp_sink, "somsak@example.com")) == 1

    _choose(factory, clock, case_id, [], opted_out=True)
    _reopen_later(factory, clock, case_id)
    dispatch_outbox(factory, clock, settings)
    assert len(http_sink.calls) == 2 and len(_mail_to(smtp_sink, "somsak@example.com")) == 1
    skipped = outbox(factory, state="skipped")
    assert skipped and "opted out" in skipped[-1].last_error


def test_only_the_complainant_sets_preferences_and_only_for_contacts_they_gave(
    factory, clock, staff
):
    case_id, _code, _ = open_case(factory, clock, staff["intake"])  # phone only
    with pytest.raises(PermissionDenied), factory.begin() as session:
        preferences.set_complainant_preference(session, clock, staff["screener"], case_id, [], True)
    with pytest.raises(PermissionDenied), factory.begin() as session:
        preferences.set_complainant_preference(
            session, clock, Actor.citizen(case_id + 1), case_id, [], True
        )
    with pytest.raises(ValidationFailed) as refused, factory.begin() as session:
        preferences.set_complainant_preference(
            session, clock, Actor.citizen(case_id), case_id, ["email"], False
        )
    assert "อีเมล" in refused.value.fields["channels"][0]


def test_an_anonymous_complainant_is_never_messaged_by_sms_or_line(
    factory, clock, staff, http_sink, smtp_sink, settings
):
    contact = {k: v for k, v in EVERYTHING.items() if k != "name"}
    case_id, _code, _ = open_case(
        factory, clock, staff["intake"], complainant=contact, anonymous=True
    )
    dispatch_outbox(factory, clock, settings)
    assert http_sink.calls == []
    [mail] = _mail_to(smtp_sink, "somsak@example.com")
    assert "เรียน ผู้ร้องเรียน" in mail.get_body(preferencelist=("plain",)).get_content()
    with pytest.raises(ValidationFailed), factory.begin() as session:
        preferences.set_complainant_preference(
            session, clock, Actor.citizen(case_id), case_id, ["line"], False
        )


def test_staff_choose_a_daily_digest_instead_of_instant_mail(
    factory, clock, staff, smtp_sink, settings
):
    give_emails(factory, screener="screener@c5001.go.th", supervisor="boss@c5001.go.th")
    with factory.begin() as session:
        assert preferences.set_staff_mode(session, clock, staff["screener"], "digest") == "digest"
        with pytest.raises(ValidationFailed):
            preferences.set_staff_mode(session, clock, staff["screener"], "hourly")
    open_case(factory, clock, staff["intake"])  # a new screening task for the group
    dispatch_outbox(factory, clock, settings)
    assert _mail_to(smtp_sink, "screener@c5001.go.th") == []
    assert [r.state for r in outbox(factory, channel="digest")] == ["held"]

    clock.set(datetime(2026, 11, 23, 23, 0, tzinfo=UTC))  # 06:00 Bangkok: too early
    assert send_daily_digests(factory, clock, settings) == 0
    clock.set(datetime(2026, 11, 24, 1, 5, tzinfo=UTC))  # 08:05 Bangkok
    assert send_daily_digests(factory, clock, settings) == 2  # the screener and the supervisor
    assert send_daily_digests(factory, clock, settings) == 0, "one digest a day"
    dispatch_outbox(factory, clock, settings)

    [digest] = _mail_to(smtp_sink, "screener@c5001.go.th")
    assert digest["Subject"] == "สรุปประจำวันที่ 24 พฤศจิกายน 2569"
    assert "งานใหม่" in digest.get_body(preferencelist=("plain",)).get_content()
    instant, boss = _mail_to(smtp_sink, "boss@c5001.go.th")  # the supervisor kept instant mail
    assert instant["Subject"].startswith("งานใหม่") and boss["Subject"].startswith("สรุป")
    assert "งานค้างทั้งหมด 1 งาน" in boss.get_body(preferencelist=("plain",)).get_content()
    assert [r.state for r in outbox(factory, channel="digest")] == ["digested"]


def test_an_overdue_task_reaches_the_supervisor_as_an_escalation_in_their_language(
    factory, clock, staff, smtp_sink, settings
):
    from sqlalchemy import update

    from engine.models import User
    from engine.sla.deadlines import sweep_deadlines

    give_emails(factory, supervisor="boss@c5001.go.th")
    with factory.begin() as session:
        session.execute(update(User).where(User.username == "supervisor").values(language="en"))
    case_id, _code, _ = open_case(factory, clock, staff["intake"])
    dispatch_outbox(factory, clock, settings)
    clock.advance(days=60)
    sweep_deadlines(factory, clock)
    dispatch_outbox(factory, clock, settings)
    subjects = [m["Subject"] for m in _mail_to(smtp_sink, "boss@c5001.go.th")]
    assert any(s.startswith("Escalated, overdue case") for s in subjects), subjects
