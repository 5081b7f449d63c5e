"""Opening, reading and listing cases, and comments on them."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from engine import journal
from engine.access import identity, secrets
from engine.access.checks import (
    check_can_contribute,
    check_can_see,
    check_may_open_cases,
    check_may_register_by_staff_channel,
)
from engine.access.rules import Actor, case_visibility
from engine.cases import codes
from engine.clock import Clock
from engine.db import require_transaction
from engine.errors import CaseNotFound, ValidationFailed
from engine.formcheck import check_form
from engine.models import (
    Area,
    AuditEvent,
    Case,
    CaseNote,
    Category,
    OrgUnit,
)
from engine.reference import areas
from engine.text import check_text
from engine.workflow import runner

BANGKOK = ZoneInfo("Asia/Bangkok")
_AREAS_PRESENT: set[str] = set()
STAFF_CHANNELS = {"phone", "walk_in", "letter"}
UNKNOWN_AREA = ""  # the place is known only in words until a screener sets the area


@dataclass(frozen=True)
class OpenedCase:
    """A new case and the secret its complainant needs to follow it (shown once)."""

    case: Case
    citizen_secret: str


@dataclass(frozen=True)
class PreparedCase:
    """A complaint checked, given its identity and its workflow run to the first wait.

    Everything here is computed from the request and reference data without writing, so a
    busy caller builds it before its write transaction (`prepare_case` in a read session),
    and the write transaction only stores it. Opening a case within one transaction works
    the same: `open_case` prepares it itself.
    """

    values: dict
    center_id: int
    center_code: str
    secret: str
    started: runner.Started


def prepare_case(
    session: Session, clock: Clock, actor: Actor, data: dict, *, area_unknown: bool = False
) -> PreparedCase:
    """Check a complaint and run its lifecycle to the first wait; nothing is written.

    `area_unknown`: the place is only described in `address_text` (an Open311 address_string
    that names no area); the central center screens the case and its screener sets the area.
    """
    check_may_open_cases(actor)
    channel = data.get("channel") if isinstance(data, dict) else None
    _check_intake(data, channel, area_unknown)
    if channel in STAFF_CHANNELS:
        check_may_register_by_staff_channel(actor)
    area_code = UNKNOWN_AREA if area_unknown else _check_area(session, data["area_code"])
    category_code = _check_category(session, data["category"])
    complainant = _check_complainant(data)
    center_id, center_code = _choose_center(session, actor, area_code)
    secret = secrets.new_citizen_secret()
    values = dict(
        tracking_code=_unique_tracking_code(session),
        secret_hash=secrets.hash_secret(secret),
        registration_number="",
        center_id=center_id,
        area_code=area_code,
        category_code=category_code,
        channel=channel,
        status="received",
        title=data["title"].strip(),
        description=data["description"],
        address_text=data.get("address_text"),
        lat=data.get("lat"),
        lon=data.get("lon"),
        occurred_on=data.get("occurred_on"),
        anonymous=bool(data.get("anonymous")),
        confidential=bool(data.get("confidential")),
        publish_details=bool(data.get("publish")),
        preferred_language=complainant.pop("preferred_language", "th"),
        opened_by_id=actor.user_id,
        **complainant,
    )
    workflow_data = {
        "category": category_code,
        "area_code": area_code,
        "province": area_code[:2],
        "channel": channel,
    }
    started = runner.prepare_start(session, clock, workflow_data)
    return PreparedCase(values, center_id, center_code, secret, started)


def open_case(
    session: Session,
    clock: Clock,
    actor: Actor,
    data: dict,
    *,
    area_unknown: bool = False,
    prepared: PreparedCase | None = None,
) -> OpenedCase:
    """Register a complaint, give it its identity and start its lifecycle.

    `prepared`: what `prepare_case` built from the same data (otherwise it is built here).
    """
    require_transaction(session)
    prepared = prepared or prepare_case(session, clock, actor, data, area_unknown=area_unknown)
    now = clock()
    case = Case(**prepared.values, created_at=now, updated_at=now)
    session.add(case)
    session.flush()
    case.registration_number = _next_registration_number(session, case, prepared.center_code)
    journal.record(
        session,
        case,
        actor,
        "opened",
        now,
        after="received",
        public=True,
        detail={"channel": case.channel},
    )
    runner.start(session, clock, actor, case, {}, prepared.started)
    return OpenedCase(case, prepared.secret)


def _check_intake(data: dict, channel: str | None, area_unknown: bool) -> None:
    """The intake form's checks; a case whose area is unknown needs its place in words instead."""
    try:
        check_form("intake", data, {"channel": channel})
    except ValidationFailed as exc:
        rest = {f: m for f, m in exc.fields.items() if not (area_unknown and f == "area_code")}
        if rest:
            raise ValidationFailed(rest) from None
    if area_unknown and not str(data.get("address_text") or "").strip():
        raise ValidationFailed.one(
            "address_text",
            "ไม่ทราบพื้นที่ จึงต้องระบุสถานที่เกิดเหตุเป็นข้อความ",
            "The area is unknown, so the place must be described in words.",
        )


def _check_area(session: Session, code: str) -> str:
    try:
        code = areas.check_area_code(code)
    except areas.UnknownArea as exc:
        raise ValidationFailed.one("area_code", exc.message_th, exc.message_en) from exc
    # Areas are reference data that is never deleted: once seen in the table, always there.
    if code not in _AREAS_PRESENT:
        if session.scalar(select(Area.code).where(Area.code == code)) is None:
            raise ValidationFailed.one(
                "area_code", f"ไม่พบรหัสพื้นที่ {code}", f"Unknown area code {code}."
            )
        _AREAS_PRESENT.add(code)
    return code


def _check_category(session: Session, code: str) -> str:
    """An active category's code (an administrator may retire one at any time: always asked)."""
    active = session.scalar(select(Category.active).where(Category.code == code))
    if not active:
        raise ValidationFailed.one(
            "category", f"ไม่พบประเภทเรื่อง «{code}»", f"Unknown category «{code}»."
        )
    return code


def _check_complainant(data: dict) -> dict:
    person = dict(data.get("complainant") or {})
    nid = person.get("national_id")
    if nid and not identity.is_valid_national_id(nid):
        raise ValidationFailed.one(
            "complainant.national_id",
            "เลขประจำตัวประชาชนไม่ถูกต้อง (ตรวจสอบหลักสุดท้ายไม่ผ่าน)",
            "The national ID number is not valid (its check digit does not match).",
        )
    anonymous = bool(data.get("anonymous"))
    return {
        # An anonymous complainant may leave a contact for updates, never a name or an ID.
        "complainant_name": None if anonymous else person.get("name"),
        "complainant_national_id": None if anonymous else nid,
        "complainant_phone": person.get("phone"),
        "complainant_email": person.get("email"),
        "complainant_line_user_id": person.get("line_user_id"),
        "preferred_language": person.get("preferred_language", "th"),
    }


def _unique_tracking_code(session: Session) -> str:
    # 50 random bits: a clash is astronomically rare, and the unique index still refuses one
    # (the request then fails as a retryable conflict instead of sharing a code).
    return codes.new_tracking_code()


def _choose_center(session: Session, actor: Actor, area_code: str) -> tuple[int, str]:
    """Staff register cases at their own center; others go to the area's nearest center.

    Returns the center's id and code.
    """
    if actor.is_center_staff and actor.org_unit_id is not None:
        return actor.org_unit_id, session.scalar(
            select(OrgUnit.code).where(OrgUnit.id == actor.org_unit_id)
        )
    candidates = [area_code[:4], area_code[:2]] if len(area_code) >= 4 else [area_code[:2]]
    candidates = candidates if area_code else []  # an unknown area is screened centrally
    codes = [f"c{code}" for code in candidates] + ["central"]
    units = session.execute(
        select(OrgUnit.code, OrgUnit.id).where(OrgUnit.code.in_(codes), OrgUnit.active.is_(True))
    ).all()
    by_code = dict(units)
    for code in codes:
        if code in by_code:
            return by_code[code], code
    raise RuntimeError("no central center: run `damrong init`")


_NEXT_NUMBER = text(
    "INSERT INTO registration_counters (center_id, buddhist_year, last_number)"
    " VALUES (:center_id, :year, 1)"
    " ON CONFLICT (center_id, buddhist_year)"
    " DO UPDATE SET last_number = registration_counters.last_number + 1"
    " RETURNING last_number"
)  # the same SQL on SQLite (3.35+) and PostgreSQL; compiled once, not per case


def _next_registration_number(session: Session, case: Case, center_code: str) -> str:
    """The center's next running number this Buddhist year, in one atomic upsert."""
    year = codes.buddhist_year(case.created_at.astimezone(BANGKOK).date())
    number = session.execute(_NEXT_NUMBER, {"center_id": case.center_id, "year": year}).scalar_one()
    return codes.format_registration_number(center_code, number, year)


def get_case(session: Session, actor: Actor, case_id: int) -> Case:
    """A case the actor may see (404 for cases that do not exist, 403 for others)."""
    case = session.get(Case, case_id)
    if case is None:
        raise CaseNotFound(f"Case {case_id} does not exist.", f"ไม่พบเรื่องร้องเรียนเลขที่ {case_id}")
    check_can_see(session, actor, case_id)
    return case


def list_cases(
    session: Session,
    actor: Actor,
    *,
    status: str | None = None,
    category: str | None = None,
    area: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Case], int]:
    """Cases in the actor's scope, newest first, with the total for paging."""
    query = select(Case).where(case_visibility(actor))
    if status:
        query = query.where(Case.status == status)
    if category:
        query = query.where(Case.category_code == category)
    if area:
        query = query.where(Case.area_code.startswith(area, autoescape=True))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(
        query.order_by(Case.created_at.desc(), Case.id.desc()).limit(limit).offset(offset)
    ).all()
    return list(rows), int(total or 0)


def add_comment(
    session: Session, clock: Clock, actor: Actor, case_id: int, body: str, public: bool = False
) -> CaseNote:
    """Add an internal comment, or one the complainant will see."""
    require_transaction(session)
    case = runner.lock_case(session, case_id)
    check_can_see(session, actor, case_id)
    check_can_contribute(actor)
    text = check_text("body", body, 5000)
    now = clock()
    note = CaseNote(
        case_id=case.id,
        kind="comment",
        body=text,
        public=public,
        author_id=actor.user_id,
        author_label=actor.label,
        org_unit_id=actor.org_unit_id,
        created_at=now,
    )
    session.add(note)
    case.updated_at = now
    journal.record(session, case, actor, "commented", now, public=public)
    session.flush()
    return note


def case_events(
    session: Session, actor: Actor, case_id: int, limit: int = 50, offset: int = 0
) -> tuple[list[AuditEvent], int]:
    """A case's audit trail, oldest first, one page of it, with the total."""
    get_case(session, actor, case_id)
    query = select(AuditEvent).where(AuditEvent.case_id == case_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(AuditEvent.id).limit(limit).offset(offset)).all()
    return list(rows), int(total)
