"""Who a message goes to: a recipient string and its case become concrete deliveries.

Recipient strings come from the engine (engine/cases/notices.py, engine/sla/deadlines.py):
`complainant:<case_id>`, `org_unit:<id>`, `group:<org_unit_id>:<role>` (or several roles,
comma-separated: each member once), `user:<id>` and `agency:<code>`. Each becomes
(channel, address, language) deliveries, honouring preferences.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Case, OrgUnit, User
from notifications.models import AgencyEndpoint, ComplainantPreference, StaffPreference

CITIZEN_CHANNELS = ("line", "email", "sms")  # the default is the first the complainant gave us
# A Thai SIM card is registered to its owner's national ID and a LINE account to a phone, so
# an anonymous complainant hears from us only by e-mail, which they may keep anonymous.
ANONYMOUS_CHANNELS = frozenset({"email"})


class Unresolvable(Exception):
    """A recipient string that names nothing Damrong knows; retrying will not help."""


@dataclass(frozen=True)
class Delivery:
    """One concrete message: a channel, an address, a language, and who it is for."""

    channel: str  # email | sms | line | webhook | digest
    address: str
    language: str
    audience: str  # citizen | staff | agency
    endpoint_id: int | None = None  # webhooks: which agency endpoint signs it


@dataclass(frozen=True)
class Resolution:
    """Deliveries for one outbox row, or the reason there are none."""

    deliveries: list[Delivery]
    reason: str = ""


def resolve(session: Session, recipient: str, event: str, channels: frozenset[str]) -> Resolution:
    """Turn a recipient string into deliveries on the channels that are configured."""
    kind, _, rest = recipient.partition(":")
    if kind == "complainant":
        return _complainant(session, int(rest), channels)
    if kind == "org_unit":
        unit = session.get(OrgUnit, int(rest))
        return _staff(session, unit, _members(session, unit, None), event, channels)
    if kind == "group":
        unit_id, _, role = rest.partition(":")
        unit = session.get(OrgUnit, int(unit_id))
        return _staff(session, unit, _members(session, unit, role), event, channels)
    if kind == "user":
        user = session.get(User, int(rest))
        users = [user] if user is not None and user.active else []
        return _staff(session, None, users, event, channels)
    if kind == "agency":
        return _agency(session, rest, event, channels)
    raise Unresolvable(f"unknown recipient {recipient!r}")


def _complainant(session: Session, case_id: int, channels: frozenset[str]) -> Resolution:
    case = session.get(Case, case_id)
    if case is None:
        raise Unresolvable(f"no case {case_id}")
    preference = session.get(ComplainantPreference, case_id)
    if preference is not None and preference.opted_out:
        return Resolution([], "the complainant opted out")
    contact = {
        "line": case.complainant_line_user_id,
        "email": case.complainant_email,
        "sms": case.complainant_phone,
    }
    allowed = ANONYMOUS_CHANNELS if case.anonymous else frozenset(CITIZEN_CHANNELS)
    usable = [c for c in CITIZEN_CHANNELS if contact[c] and c in allowed and c in channels]
    if preference is not None and preference.channels:
        chosen = [c for c in usable if c in preference.channels]
    else:
        chosen = usable[:1]
    if not chosen:
        return Resolution([], "no contact on a permitted, configured channel")
    lang = case.preferred_language if case.preferred_language in ("th", "en") else "th"
    return Resolution([Delivery(c, str(contact[c]), lang, "citizen") for c in chosen])


def _members(session: Session, unit: OrgUnit | None, role: str | None) -> list[User]:
    if unit is None:
        return []
    users = session.scalars(
        select(User).where(User.org_unit_id == unit.id, User.active.is_(True)).order_by(User.id)
    ).all()
    wanted = set(role.split(",")) if role else None
    return [u for u in users if wanted is None or wanted & set(u.roles or [])]


def _staff(
    session: Session,
    unit: OrgUnit | None,
    users: list[User],
    event: str,
    channels: frozenset[str],
) -> Resolution:
    deliveries: list[Delivery] = []
    digest_ids = _digest_users(session, [u.id for u in users]) if event != "daily_digest" else set()
    for user in users:
        lang = user.language if user.language in ("th", "en") else "th"
        if user.id in digest_ids:
            deliveries.append(Delivery("digest", str(user.id), lang, "staff"))
        elif user.email and "email" in channels:
            deliveries.append(Delivery("email", user.email, lang, "staff"))
    if not deliveries and unit is not None and unit.email and "email" in channels:
        deliveries.append(Delivery("email", unit.email, "th", "staff"))  # the unit's mailbox
    return Resolution(deliveries, "" if deliveries else "no staff e-mail to send to")


def _digest_users(session: Session, user_ids: list[int]) -> set[int]:
    if not user_ids:
        return set()
    rows = session.scalars(
        select(StaffPreference.user_id).where(
            StaffPreference.user_id.in_(user_ids), StaffPreference.mode == "digest"
        )
    )
    return set(rows)


# Machine events for the agency's system: every change to a case it holds. Its officers see
# these in the inbox; mailing each one would bury them.
WEBHOOK_ONLY = frozenset({"case_updated"})


def _agency(session: Session, code: str, event: str, channels: frozenset[str]) -> Resolution:
    unit = session.scalar(select(OrgUnit).where(OrgUnit.code == code))
    if unit is None:
        raise Unresolvable(f"no agency {code!r}")
    deliveries: list[Delivery] = []
    endpoint = session.scalar(
        select(AgencyEndpoint).where(
            AgencyEndpoint.org_unit_id == unit.id, AgencyEndpoint.active.is_(True)
        )
    )
    if endpoint is not None:
        deliveries.append(Delivery("webhook", endpoint.url, "th", "agency", endpoint.id))
    if event in WEBHOOK_ONLY:
        return Resolution(deliveries, "" if deliveries else "no webhook registered")
    officers = _staff(session, unit, _members(session, unit, "agency_officer"), event, channels)
    deliveries.extend(officers.deliveries)
    return Resolution(deliveries, "" if deliveries else "no webhook or officer e-mail")
