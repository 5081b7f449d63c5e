"""Administrators' side of notifications: dead letters, templates with preview, agency webhooks.

Every function checks the admin role itself, so each edge (API, Flask-Admin, CLI) is safe.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import journal
from engine.access.checks import check_may_manage_notifications
from engine.access.rules import Actor
from engine.clock import Clock
from engine.db import require_transaction
from engine.errors import Conflict, NotFound, ValidationFailed
from engine.models import Case, OrgUnit, OutboxMessage
from notifications import addresses, templates
from notifications.addresses import Allowance
from notifications.context import SAMPLE
from notifications.models import AgencyEndpoint, NotificationTemplate
from notifications.settings import Settings


def _message_view(row: OutboxMessage) -> dict:
    return {
        "id": row.id,
        "case_id": row.case_id,
        "event": row.event,
        "recipient": row.recipient,
        "channel": row.channel,
        "address": row.address,
        "state": row.state,
        "attempts": row.attempts,
        "last_error": row.last_error,
        "created_at": row.created_at.isoformat(),
        "dead_at": row.dead_at.isoformat() if row.dead_at else None,
        "sent_at": row.sent_at.isoformat() if row.sent_at else None,
    }


def list_dead_letters(session: Session, actor: Actor, limit: int = 100) -> list[dict]:
    """Messages that gave up, newest first, with their error and attempts."""
    check_may_manage_notifications(actor)
    rows = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.state == "dead")
        .order_by(OutboxMessage.dead_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    )
    return [_message_view(row) for row in rows]


def list_messages(
    session: Session, actor: Actor, case_id: int | None = None, state: str | None = None
) -> list[dict]:
    """Deliveries with their attempts and last error, newest first (optionally one case's)."""
    check_may_manage_notifications(actor)
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(200)
    if case_id is not None:
        query = query.where(OutboxMessage.case_id == case_id)
    if state:
        query = query.where(OutboxMessage.state == state)
    return [_message_view(row) for row in session.scalars(query)]


def retry_dead_letter(session: Session, clock: Clock, actor: Actor, message_id: int) -> dict:
    """Put a dead message back in the queue with a fresh set of attempts (same idempotency key)."""
    check_may_manage_notifications(actor)
    require_transaction(session)
    row = session.get(OutboxMessage, message_id, with_for_update=True)
    if row is None:
        raise NotFound("There is no such message.", "ไม่พบข้อความนี้")
    if row.state != "dead":
        raise Conflict("Only dead messages can be retried.", "ลองส่งใหม่ได้เฉพาะข้อความที่ส่งไม่สำเร็จ")
    now = clock()
    row.state, row.attempts, row.next_attempt_at = "pending", 0, now
    row.dead_at = row.leased_until = None
    case = session.get(Case, row.case_id) if row.case_id else None
    journal.record(session, case, actor, "notification_retried", now, detail={"outbox_id": row.id})
    session.flush()
    return _message_view(row)


def _check_name(name: str, lang: str) -> None:
    if not templates.exists(name) or lang not in templates.LANGUAGES:
        raise NotFound("There is no such template.", "ไม่พบแม่แบบข้อความนี้")


def list_templates(session: Session, actor: Actor) -> list[dict]:
    """Every template and language, and whether an administrator changed it."""
    check_may_manage_notifications(actor)
    overridden = set(
        session.execute(select(NotificationTemplate.name, NotificationTemplate.language)).tuples()
    )
    return [
        {"name": name, "language": lang, "overridden": (name, lang) in overridden}
        for name in templates.NAMES
        for lang in templates.LANGUAGES
    ]


def get_template(session: Session, actor: Actor, name: str, lang: str) -> dict:
    """The template in force, and the shipped text to go back to."""
    check_may_manage_notifications(actor)
    _check_name(name, lang)
    source = templates.source_for(session, name, lang)
    shipped = templates.shipped_source(name, lang)
    return {
        "name": name,
        "language": lang,
        "overridden": source.overridden,
        "subject": source.subject,
        "text": source.text,
        "short": source.short,
        "shipped": {"subject": shipped.subject, "text": shipped.text, "short": shipped.short},
    }


def _source_from(data: dict) -> templates.Source:
    fields = {}
    for part in ("subject", "text"):
        value = data.get(part)
        if not isinstance(value, str) or not value.strip():
            fields[part] = ("ต้องระบุ", "Required.")
    short = data.get("short")
    if short is not None and not isinstance(short, str):
        fields["short"] = ("ต้องเป็นข้อความ", "Must be text.")
    if fields:
        raise ValidationFailed(fields)
    return templates.Source(data["subject"], data["text"], short or None, overridden=True)


def preview(session: Session, actor: Actor, name: str, lang: str, data: dict | None) -> dict:
    """Render a template (the one in force, or a draft given as data) against sample data."""
    check_may_manage_notifications(actor)
    _check_name(name, lang)
    source = _source_from(data) if data else templates.source_for(session, name, lang)
    try:
        return templates.render_source(source, {**SAMPLE, "lang": lang})
    except templates.TemplateProblem as exc:
        raise ValidationFailed.one(
            exc.part,
            f"แม่แบบใช้ไม่ได้: {exc.detail}",
            f"The template does not render: {exc.detail}",
        ) from exc


def save_template(
    session: Session, clock: Clock, actor: Actor, name: str, lang: str, data: dict
) -> dict:
    """Store an administrator's version after it renders against the sample data."""
    require_transaction(session)
    rendered = preview(session, actor, name, lang, data)  # checks the role and the template
    source = _source_from(data)
    row = session.scalar(
        select(NotificationTemplate).where(
            NotificationTemplate.name == name, NotificationTemplate.language == lang
        )
    )
    if row is None:
        row = NotificationTemplate(name=name, language=lang)
        session.add(row)
    row.subject, row.body_text, row.body_short = source.subject, source.text, source.short
    row.updated_at, row.updated_by = clock(), actor.label
    journal.record(
        session, None, actor, "template_saved", clock(), detail={"name": name, "language": lang}
    )
    session.flush()
    return {**get_template(session, actor, name, lang), "preview": rendered}


def reset_template(session: Session, clock: Clock, actor: Actor, name: str, lang: str) -> dict:
    """Drop the administrator's version; the shipped file is in force again."""
    check_may_manage_notifications(actor)
    require_transaction(session)
    _check_name(name, lang)
    row = session.scalar(
        select(NotificationTemplate).where(
            NotificationTemplate.name == name, NotificationTemplate.language == lang
        )
    )
    if row is not None:
        session.delete(row)
        journal.record(
            session, None, actor, "template_reset", clock(), detail={"name": name, "language": lang}
        )
        session.flush()
    return get_template(session, actor, name, lang)


def set_agency_endpoint(
    session: Session,
    clock: Clock,
    actor: Actor,
    agency_code: str,
    url: object,
    active: bool = True,
    allowance: Allowance | None = None,
) -> dict:
    """Register (or change) an agency's webhook URL; a new signing secret is returned once.

    `allowance`: what may be reached beyond public https (DAMRONG_WEBHOOK_ALLOW by default).
    """
    check_may_manage_notifications(actor)
    require_transaction(session)
    agency = session.scalar(select(OrgUnit).where(OrgUnit.code == agency_code))
    if agency is None or not agency.is_agency:
        raise NotFound("There is no such agency.", "ไม่พบหน่วยงานนี้")
    allowance = allowance if allowance is not None else Settings.from_env().webhook_allowance
    try:
        parts = addresses.check_url(url, allowance)
        addresses.resolve(parts.hostname or "", parts.port or 443, allowance)
    except addresses.UnsafeAddress as exc:
        if not exc.unresolved:  # a name not in the DNS yet is checked again at every send
            raise ValidationFailed.one("url", exc.message_th, exc.message_en) from exc
    endpoint = session.scalar(select(AgencyEndpoint).where(AgencyEndpoint.org_unit_id == agency.id))
    secret = secrets.token_urlsafe(32)
    if endpoint is None:
        endpoint = AgencyEndpoint(org_unit_id=agency.id, created_at=clock())
        session.add(endpoint)
    endpoint.url, endpoint.secret, endpoint.active = str(url), secret, active
    journal.record(
        session, None, actor, "agency_endpoint_set", clock(), detail={"agency": agency_code}
    )
    session.flush()
    return {"agency": agency_code, "url": endpoint.url, "active": endpoint.active, "secret": secret}
