"""Open311 GeoReport v2 in engine terms: client keys, filing a request, and redacted records.

The web edge (portal/open311.py) parses parameters and renders JSON or XML; everything that
decides — who may file, where a request goes, what the public may read — lives here.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import areas, identity, journal, throttle
from engine.access import Actor
from engine.clock import Clock
from engine.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from engine.models import AuditEvent, Category, Open311Key, Open311Request
from engine.services.cases import open_case

KEY_PREFIX = "o311_"
DEFAULT_SPAN = timedelta(days=90)  # the spec's default and longest date range
MAX_RESULTS = 1000


PER_MINUTE_LIMITS = (1, 10_000)  # a partner app's requests per minute, fewest and most
NAME_LENGTH = 100  # Open311Key.name


def check_may_manage_keys(actor: Actor) -> None:
    """Raise PermissionDenied unless the actor is an administrator (or the command line)."""
    if actor.kind == "system" or (actor.kind == "staff" and actor.has("admin")):
        return
    raise PermissionDenied(
        "Only administrators manage partner apps' Open311 keys.",
        "เฉพาะผู้ดูแลระบบเท่านั้นที่จัดการกุญแจ Open311 ของแอปพันธมิตรได้",
    )


def check_partner_name(name: str | None) -> str:
    """The partner app's name, trimmed: 1 to 100 characters."""
    text = " ".join((name or "").split())
    if not text or len(text) > NAME_LENGTH:
        raise ValidationFailed.one(
            "name",
            f"ต้องระบุชื่อแอปพันธมิตร ยาวไม่เกิน {NAME_LENGTH} ตัวอักษร",
            f"Give the partner app's name, at most {NAME_LENGTH} characters.",
        )
    return text


def check_per_minute(value: object) -> int:
    """A per-minute limit as a whole number within PER_MINUTE_LIMITS (digits as text accepted)."""
    low, high = PER_MINUTE_LIMITS
    text = str(value).strip() if value is not None else ""
    number = int(text) if text.isascii() and text.isdigit() else None
    if number is None or not low <= number <= high:
        raise ValidationFailed.one(
            "requests_per_minute",
            f"จำนวนคำขอต่อนาทีต้องเป็นจำนวนเต็มตั้งแต่ {low} ถึง {high:,}",
            f"Requests per minute must be a whole number from {low} to {high:,}.",
        )
    return number


def issue_key(
    session: Session,
    now: datetime,
    name: str,
    requests_per_minute: int = 30,
    actor: Actor | None = None,
) -> str:
    """A new client key for a partner app; the plain key is returned once and never stored."""
    actor = actor or Actor.system()
    check_may_manage_keys(actor)
    name = check_partner_name(name)
    requests_per_minute = check_per_minute(requests_per_minute)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = Open311Key(
        name=name,
        key_hash=identity.hash_token(key),
        requests_per_minute=requests_per_minute,
        created_at=now,
    )
    session.add(row)
    session.flush()
    detail = {"key_id": row.id, "name": name, "requests_per_minute": requests_per_minute}
    journal.record(session, None, actor, "open311_key_issued", now, detail=detail)
    return key


def _key_row(session: Session, key_id: int) -> Open311Key:
    row = session.get(Open311Key, key_id)
    if row is None:
        raise NotFound(f"No Open311 key {key_id}.", f"ไม่พบกุญแจ Open311 หมายเลข {key_id}")
    return row


def revoke_key(session: Session, now: datetime, key_id: int, actor: Actor | None = None) -> None:
    """Stop a key from working; requests it filed stay."""
    actor = actor or Actor.system()
    check_may_manage_keys(actor)
    row = _key_row(session, key_id)
    if row.revoked_at is None:
        row.revoked_at = now
        detail = {"key_id": row.id, "name": row.name}
        journal.record(session, None, actor, "open311_key_revoked", now, detail=detail)


def change_key_limit(
    session: Session, now: datetime, key_id: int, per_minute: object, actor: Actor | None = None
) -> None:
    """Give a live key a new per-minute limit, counted from its next request."""
    actor = actor or Actor.system()
    check_may_manage_keys(actor)
    limit = check_per_minute(per_minute)
    row = _key_row(session, key_id)
    if row.revoked_at is not None:
        raise Conflict(
            "This key is revoked; issue a new one instead.",
            "กุญแจนี้ถูกเพิกถอนแล้ว กรุณาออกกุญแจใหม่แทน",
        )
    if row.requests_per_minute != limit:
        detail = {
            "key_id": row.id,
            "name": row.name,
            "requests_per_minute": [row.requests_per_minute, limit],
        }
        row.requests_per_minute = limit
        journal.record(session, None, actor, "open311_key_limit_changed", now, detail=detail)


@dataclass(frozen=True)
class KeyListing:
    """What administrators see of a key: never its hash."""

    id: int
    name: str
    requests_per_minute: int
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    issued_by: str | None  # from the audit log; keys issued before it was kept have none
    revoked_by: str | None


def list_keys(session: Session, actor: Actor, key_id: int | None = None) -> list[KeyListing]:
    """Every key, newest first (or the one key_id), with who issued and revoked it."""
    check_may_manage_keys(actor)
    query = select(Open311Key).order_by(Open311Key.id.desc())
    if key_id is not None:
        query = query.where(Open311Key.id == key_id)
    rows = session.scalars(query).all()
    who: dict[tuple[str, object], str] = {}
    events = session.execute(
        select(AuditEvent.action, AuditEvent.actor_label, AuditEvent.detail)
        .where(AuditEvent.action.in_(("open311_key_issued", "open311_key_revoked")))
        .order_by(AuditEvent.id)
    )
    for action, label, detail in events:
        who.setdefault((action, (detail or {}).get("key_id")), label)
    return [
        KeyListing(
            id=row.id,
            name=row.name,
            requests_per_minute=row.requests_per_minute,
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            revoked_at=row.revoked_at,
            issued_by=who.get(("open311_key_issued", row.id)),
            revoked_by=who.get(("open311_key_revoked", row.id)),
        )
        for row in rows
    ]


def get_key(session: Session, actor: Actor, key_id: int) -> KeyListing:
    """One key as administrators see it, or NotFound."""
    found = list_keys(session, actor, key_id)
    if not found:
        raise NotFound(f"No Open311 key {key_id}.", f"ไม่พบกุญแจ Open311 หมายเลข {key_id}")
    return found[0]


def use_key(session: Session, now: datetime, plain: str | None) -> Open311Key:
    """The live key behind `api_key`, counted against its per-minute limit (403 if bad).

    Every use is audited (in the caller's transaction, which commits even when the request
    it carries is then refused)."""
    row = None
    if plain:
        row = session.scalar(
            select(Open311Key).where(Open311Key.key_hash == identity.hash_token(plain))
        )
    if row is None or row.revoked_at is not None:
        raise PermissionDenied(
            "The api_key is missing, wrong or revoked.",
            "ไม่มี api_key หรือ api_key ไม่ถูกต้องหรือถูกเพิกถอนแล้ว",
        )
    throttle.hit(
        session, f"open311-key:{row.id}", now, row.requests_per_minute, timedelta(minutes=1)
    )
    row.last_used_at = now
    journal.record(
        session, None, key_actor(row), "open311_key_used", now, detail={"key_id": row.id}
    )
    return row


def key_actor(key: Open311Key) -> Actor:
    """The actor a request filed with this key acts as: a partner app, seeing no cases."""
    return Actor(kind="partner", label=f"open311:{key.name}"[:200])


@dataclass
class Submission:
    """A POST requests, parsed; the edge has already turned lat/long into a province code."""

    service_code: str
    description: str
    area_code: str | None = None
    lat: float | None = None
    lon: float | None = None
    address_string: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    media_url: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    language: str = "th"


def check_service(session: Session, code: str) -> Category:
    """The active category this service code names, or NotFound."""
    category = session.get(Category, code) if code else None
    if category is None or not category.active:
        raise NotFound(
            f"There is no service with code «{code}».", f"ไม่พบบริการ (ประเภทเรื่อง) รหัส «{code}»"
        )
    return category


def check_address_id(code: str) -> str:
    """A current DOPA subdistrict code; abolished codes name the codes that replaced them."""
    try:
        current = areas.check_area_code(code)
    except areas.UnknownArea as exc:
        raise ValidationFailed.one("address_id", exc.message_th, exc.message_en) from exc
    if len(current) != 6:
        raise ValidationFailed.one(
            "address_id",
            "address_id ต้องเป็นรหัสตำบล 6 หลักของกรมการปกครอง",
            "address_id must be a 6-digit DOPA subdistrict code.",
        )
    return current


_PROVINCE_PREFIX = re.compile(r"^(?:จังหวัด|จ\.)")


def province_named_in(text: str) -> str | None:
    """The province an address names as a whole word ("จ.เชียงใหม่", "จังหวัดน่าน 55000",
    "ลำพูน", "กรุงเทพฯ", "Chiang Mai"); None when it names none."""
    if re.search(r"กรุงเทพ|กทม|bangkok", text, re.IGNORECASE):
        return "10"
    by_name = {p.name_th: p.code for p in areas.children(None)}
    for token in re.split(r"[\s,()]+", text):
        name = _PROVINCE_PREFIX.sub("", token).rstrip("0123456789")
        if name in by_name:
            return by_name[name]
    lowered = f" {re.sub(r'[^a-z]+', ' ', text.lower())} "
    for province in sorted(areas.children(None), key=lambda p: -len(p.name_en)):
        if f" {province.name_en.lower()} " in lowered:
            return province.code
    return None


def _phone(raw: str | None) -> str | None:
    digits = re.sub(r"[\s\-().]", "", raw or "")
    if digits.startswith("+66"):
        digits = "0" + digits[3:]
    return digits or None


def _flag(attributes: dict[str, str], name: str) -> bool:
    return attributes.get(name, "").strip().lower() in {"true", "1", "yes"}


def _title(description: str, given: str | None) -> str:
    if given and given.strip():
        return given.strip()
    text = " ".join(description.split())
    return text if len(text) <= 80 else text[:79] + "…"


def intake_data(sub: Submission, area_code: str | None) -> dict:
    """The intake form's data for a submission (the form then checks every field)."""
    attrs = sub.attributes
    name = " ".join(p.strip() for p in (sub.first_name, sub.last_name) if p and p.strip())
    person = {
        "name": name or None,
        "phone": _phone(sub.phone),
        "email": (sub.email or "").strip() or None,
        "preferred_language": sub.language,
    }
    data: dict = {
        "title": _title(sub.description, attrs.get("title")),
        "description": sub.description,
        "category": sub.service_code,
        "area_code": area_code,
        "channel": "open311",
        "consent": _flag(attrs, "consent") or None,
        "anonymous": _flag(attrs, "anonymous"),
        "confidential": _flag(attrs, "confidential"),
        "publish": _flag(attrs, "publish"),
        "complainant": {k: v for k, v in person.items() if v},
    }
    optional = {
        "address_text": (sub.address_string or "").strip() or None,
        "lat": sub.lat,
        "lon": sub.lon,
        "occurred_on": attrs.get("occurred_on") or None,
    }
    data.update({k: v for k, v in optional.items() if v is not None})
    return {k: v for k, v in data.items() if v is not None}


def submit(session: Session, clock: Clock, key: Open311Key, sub: Submission) -> Open311Request:
    """File a request as a new case (channel open311) at the center its location points to.

    An address_string alone goes to the center of the province it names; one that names none
    goes to the central center, whose screener reads the text and sets the area."""
    try:
        check_service(session, sub.service_code)
    except NotFound as exc:  # a bad parameter of a POST is a 400, as the spec has it
        raise ValidationFailed.one("service_code", exc.message_th, exc.message_en) from exc
    area_code = sub.area_code
    words_only = area_code is None and bool((sub.address_string or "").strip())
    if words_only:
        area_code = province_named_in(sub.address_string or "")
    if area_code is None and not words_only:
        raise ValidationFailed.one(
            "location",
            "ต้องระบุสถานที่: lat และ long, address_string หรือ address_id",
            "A location is required: lat and long, address_string, or address_id.",
        )
    opened = open_case(
        session,
        clock,
        key_actor(key),
        intake_data(sub, area_code),
        area_unknown=area_code is None,
    )
    row = Open311Request(
        case_id=opened.case.id,
        key_id=key.id,
        token=secrets.token_urlsafe(16),
        media_url=sub.media_url,
        created_at=clock(),
    )
    session.add(row)
    session.flush()
    return row
