"""Who wants what: a complainant's channels or opt-out (per case), a staff member's digest."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine import journal
from engine.access.checks import check_is_staff_user, check_may_choose_notifications
from engine.access.rules import Actor
from engine.clock import Clock
from engine.db import require_transaction
from engine.errors import CaseNotFound, ValidationFailed
from engine.models import Case
from notifications.models import ComplainantPreference, StaffPreference
from notifications.recipients import ANONYMOUS_CHANNELS, CITIZEN_CHANNELS

CHANNEL_NAMES = {"email": ("อีเมล", "e-mail"), "sms": ("SMS", "SMS"), "line": ("LINE", "LINE")}
STAFF_MODES = ("instant", "digest")


def complainant_preference(session: Session, actor: Actor, case_id: int) -> dict:
    """The complainant's current choice (their own case only)."""
    case = _own_case(session, actor, case_id)
    preference = session.get(ComplainantPreference, case.id)
    contact = {
        "email": case.complainant_email,
        "sms": case.complainant_phone,
        "line": case.complainant_line_user_id,
    }
    allowed = ANONYMOUS_CHANNELS if case.anonymous else frozenset(CITIZEN_CHANNELS)
    return {
        "channels": list(preference.channels) if preference else [],
        "opted_out": bool(preference and preference.opted_out),
        "available": [c for c in CITIZEN_CHANNELS if contact[c] and c in allowed],
    }


def set_complainant_preference(
    session: Session, clock: Clock, actor: Actor, case_id: int, channels: object, opted_out: object
) -> dict:
    """Choose channels (empty: our default, one channel) or opt out of all messages."""
    require_transaction(session)
    case = _own_case(session, actor, case_id)
    if not isinstance(opted_out, bool):
        raise ValidationFailed.one("opted_out", "ต้องเป็น true หรือ false", "Must be true or false.")
    if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
        raise ValidationFailed.one(
            "channels", "ต้องเป็นรายการช่องทาง", "Must be a list of channel names."
        )
    available = set(complainant_preference(session, actor, case.id)["available"])
    for channel in channels:
        if channel not in CHANNEL_NAMES:
            raise ValidationFailed.one(
                "channels", f"ไม่รู้จักช่องทาง «{channel}»", f"Unknown channel «{channel}»."
            )
        if channel not in available:
            th, en = CHANNEL_NAMES[channel]
            raise ValidationFailed.one(
                "channels",
                f"ไม่สามารถแจ้งทาง{th}ได้ (ไม่มีข้อมูลติดต่อ หรือเรื่องไม่เปิดเผยตัวตน)",
                f"Cannot notify by {en}: no contact given, or the complaint is anonymous.",
            )
    now = clock()
    preference = session.get(ComplainantPreference, case.id)
    if preference is None:
        preference = ComplainantPreference(case_id=case.id, channels=[], opted_out=False)
        session.add(preference)
    preference.channels = [c for c in CITIZEN_CHANNELS if c in channels]
    preference.opted_out = opted_out
    preference.updated_at = now
    journal.record(
        session,
        case,
        actor,
        "notification_preference",
        now,
        detail={"channels": preference.channels, "opted_out": opted_out},
    )
    session.flush()
    return complainant_preference(session, actor, case.id)


def _own_case(session: Session, actor: Actor, case_id: int) -> Case:
    check_may_choose_notifications(actor, case_id)
    case = session.get(Case, case_id)
    if case is None:
        raise CaseNotFound("There is no such case.", "ไม่พบเรื่องร้องเรียนนี้")
    return case


def staff_mode(session: Session, actor: Actor) -> str:
    """The staff member's choice: instant (default) or digest."""
    preference = session.get(StaffPreference, check_is_staff_user(actor))
    return preference.mode if preference else "instant"


def set_staff_mode(session: Session, clock: Clock, actor: Actor, mode: object) -> str:
    """Choose instant notices or one daily digest, for oneself."""
    require_transaction(session)
    user_id = check_is_staff_user(actor)
    if mode not in STAFF_MODES:
        raise ValidationFailed.one(
            "mode", "ต้องเป็น instant หรือ digest", "Must be «instant» or «digest»."
        )
    preference = session.get(StaffPreference, user_id)
    if preference is None:
        preference = StaffPreference(user_id=user_id)
        session.add(preference)
    preference.mode, preference.updated_at = str(mode), clock()
    session.flush()
    return preference.mode
