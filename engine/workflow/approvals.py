"""Four eyes on the live version: making a stored version live (a new version or a rollback to
an earlier one) is asked for by one designer and approved by a second person — another designer
or an administrator; the one who asked never approves their own request, administrators
included. Approved, the version is activated at once, or at the requested time by the scheduler
(`activate_due`). Every step is audited (case None).

Every way to make a version live goes through here: the web, the API (`ask_or_approve`,
`deploy_for_approval`) and the CLI (`activate_without_approval`: the server's console only).
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from engine import journal
from engine.access.checks import (
    check_may_approve_activation,
    check_may_cancel_activation,
    check_may_design,
    check_server_console,
    may_approve_activation,
)
from engine.access.rules import Actor
from engine.clock import Clock
from engine.errors import Conflict, DamrongError, NotFound, ValidationFailed
from engine.models import ActivationRequest, Process
from engine.workflow import catalog, versions

log = logging.getLogger(__name__)
PENDING, APPROVED, REJECTED, CANCELLED, FAILED = (
    "pending",
    "approved",
    "rejected",
    "cancelled",
    "failed",
)
MAX_TEXT = 2000


def request_activation(
    session: Session,
    now: datetime,
    actor: Actor,
    process_id: str,
    version: int,
    note: str = "",
    activate_at: datetime | None = None,
) -> ActivationRequest:
    """Ask for a stored version to go live (at once on approval, or at `activate_at`)."""
    check_may_design(actor)
    if activate_at is not None and activate_at <= now:
        raise ValidationFailed.one(
            "activate_at",
            "เวลาที่จะเปิดใช้ต้องเป็นเวลาในอนาคต",
            "The time to go live must be in the future.",
        )
    definition = versions.find(session, process_id, version)
    live_id = session.scalar(
        select(Process.live_definition_id).where(Process.process_id == process_id)
    )
    if definition.id == live_id:
        raise Conflict(
            f"{process_id} v{version} is live already.", f"{process_id} รุ่น {version} ใช้งานอยู่แล้ว"
        )
    if definition.retired_at is not None:
        raise Conflict(
            f"{process_id} v{version} is retired; it cannot become live.",
            f"{process_id} รุ่น {version} เลิกใช้แล้ว เปิดใช้ใหม่ไม่ได้",
        )
    waiting = session.scalar(
        select(ActivationRequest.id).where(
            ActivationRequest.definition_id == definition.id,
            ActivationRequest.state.in_((PENDING, APPROVED)),
            ActivationRequest.activated_at.is_(None),
        )
    )
    if waiting is not None:
        raise Conflict(
            f"Request {waiting} to make {process_id} v{version} live is waiting already.",
            f"มีคำขอเปิดใช้ {process_id} รุ่น {version} รออยู่แล้ว (คำขอหมายเลข {waiting})",
        )
    row = ActivationRequest(
        process_id=process_id,
        version=version,
        definition_id=definition.id,
        note=_text("note", note),
        requested_by_id=actor.user_id,
        requested_by=actor.label,
        requested_at=now,
        activate_at=activate_at,
        state=PENDING,
        reason="",
    )
    session.add(row)
    session.flush()
    rollback = definition.activated_at is not None  # it was live once: going back to it
    _record(session, now, actor, "process_activation_requested", row, rollback=rollback)
    return row


def waiting_for(session: Session, process_id: str, version: int) -> ActivationRequest | None:
    """The request still waiting (pending, or approved for a later time) for a version."""
    definition = versions.find(session, process_id, version)
    return session.scalar(
        select(ActivationRequest).where(
            ActivationRequest.definition_id == definition.id,
            ActivationRequest.state.in_((PENDING, APPROVED)),
            ActivationRequest.activated_at.is_(None),
        )
    )


def ask_or_approve(
    session: Session,
    now: datetime,
    actor: Actor,
    process_id: str,
    version: int,
    note: str = "",
    activate_at: datetime | None = None,
) -> tuple[ActivationRequest, bool]:
    """ "Make this version live" from the API: approve someone else's pending request for it, or
    else file a request. (request, True when this call decided it)."""
    check_may_design(actor)
    waiting = waiting_for(session, process_id, version)
    if waiting is not None and waiting.state == PENDING and may_approve_activation(actor, waiting):
        return approve(session, now, actor, waiting.id, note), True
    if waiting is not None and waiting.state == PENDING:
        raise Conflict(
            f"You asked for {process_id} v{version} to go live already (request {waiting.id}); "
            "another designer or an administrator must approve it.",
            f"ท่านขอเปิดใช้ {process_id} รุ่น {version} ไว้แล้ว (คำขอหมายเลข {waiting.id}) "
            "ต้องให้ผู้ออกแบบกระบวนงานคนอื่นหรือผู้ดูแลระบบอนุมัติ",
        )
    return request_activation(session, now, actor, process_id, version, note, activate_at), False


def deploy_for_approval(
    session: Session,
    now: datetime,
    actor: Actor,
    files: dict[str, str],
    *,
    process_id: str | None = None,
    note: str = "",
    apply_rewrites: bool = False,
) -> tuple[versions.Deployed, ActivationRequest | None]:
    """A deploy meant to go live: the version is stored (not live) and its activation is asked
    for; content that is live already asks nothing, and a request already waiting is reused."""
    deployed = catalog.deploy(
        session,
        now,
        actor,
        files,
        process_id=process_id,
        note=note,
        draft=True,
        apply_rewrites=apply_rewrites,
    )
    definition = deployed.definition
    assert definition is not None
    if deployed.live:
        return deployed, None
    asked = waiting_for(session, definition.process_id, definition.version)
    if asked is None:
        asked = request_activation(
            session, now, actor, definition.process_id, definition.version, note
        )
    return deployed, asked


def activate_without_approval(
    session: Session, now: datetime, actor: Actor, process_id: str, version: int, operator: str
) -> dict:
    """The server's console only (a system actor, never a staff member's token or page): make
    a version live at once, audited as a direct activation by `operator`; requests still
    waiting for that version are withdrawn, saying so."""
    check_server_console(actor)
    done = catalog.activate(session, now, actor, process_id, version)
    journal.record(
        session,
        None,
        actor,
        "process_activated_without_approval",
        now,
        detail={"process_id": process_id, "version": version, "operator": operator[:64]},
    )
    waiting = waiting_for(session, process_id, version)
    if waiting is not None:
        waiting.state, waiting.reason = CANCELLED, f"activated directly by {operator[:64]}"
        waiting.decided_by, waiting.decided_at = actor.label, now
        _flush(session, waiting)
        _record(session, now, actor, "process_activation_cancelled", waiting)
    return done


def request_json(row: ActivationRequest) -> dict:
    """A request as the API shows it."""

    def instant(value: datetime | None) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "id": row.id,
        "process_id": row.process_id,
        "version": row.version,
        "state": state_label(row),
        "note": row.note,
        "requested_by": row.requested_by,
        "requested_at": instant(row.requested_at),
        "activate_at": instant(row.activate_at),
        "decided_by": row.decided_by,
        "decided_at": instant(row.decided_at),
        "reason": row.reason,
        "activated_at": instant(row.activated_at),
    }


def find(session: Session, request_id: int) -> ActivationRequest:
    """One request, or NotFound."""
    row = session.get(ActivationRequest, request_id)
    if row is None:
        raise NotFound(f"No activation request {request_id}.", f"ไม่พบคำขอเปิดใช้หมายเลข {request_id}")
    return row


def approve(
    session: Session, now: datetime, actor: Actor, request_id: int, note: str = ""
) -> ActivationRequest:
    """A second person approves: the version goes live now (or at the request's time)."""
    row = find(session, request_id)
    check_may_approve_activation(actor, row)
    _still_pending(row)
    row.state, row.reason = APPROVED, _text("note", note)
    row.decided_by_id, row.decided_by, row.decided_at = actor.user_id, actor.label, now
    _flush(session, row)
    _record(session, now, actor, "process_activation_approved", row)
    if row.activate_at is None or row.activate_at <= now:
        catalog.activate(session, now, actor, row.process_id, row.version)
        row.activated_at = now
        _flush(session, row)
    return row


def reject(
    session: Session, now: datetime, actor: Actor, request_id: int, reason: str
) -> ActivationRequest:
    """A second person refuses, saying why; nothing goes live."""
    row = find(session, request_id)
    check_may_approve_activation(actor, row)
    _still_pending(row)
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationFailed.one(
            "reason", "กรุณาระบุเหตุผลที่ไม่อนุมัติ", "Say why the request is rejected."
        )
    row.state, row.reason = REJECTED, _text("reason", reason)
    row.decided_by_id, row.decided_by, row.decided_at = actor.user_id, actor.label, now
    _flush(session, row)
    _record(session, now, actor, "process_activation_rejected", row)
    return row


def cancel(session: Session, now: datetime, actor: Actor, request_id: int) -> ActivationRequest:
    """The one who asked (or an administrator) withdraws a waiting or scheduled request."""
    row = find(session, request_id)
    check_may_cancel_activation(actor, row)
    if not (row.state == PENDING or (row.state == APPROVED and row.activated_at is None)):
        raise _decided(row)
    row.state = CANCELLED
    row.decided_by_id, row.decided_by, row.decided_at = actor.user_id, actor.label, now
    _flush(session, row)
    _record(session, now, actor, "process_activation_cancelled", row)
    return row


def list_requests(
    session: Session, actor: Actor, *, process_id: str | None = None, open_only: bool = False
) -> list[ActivationRequest]:
    """Requests, newest first: all of them, or those still waiting (pending or scheduled)."""
    check_may_design(actor)
    query = select(ActivationRequest).order_by(
        ActivationRequest.requested_at.desc(), ActivationRequest.id.desc()
    )
    if process_id is not None:
        query = query.where(ActivationRequest.process_id == process_id)
    if open_only:
        query = query.where(
            ActivationRequest.state.in_((PENDING, APPROVED)),
            ActivationRequest.activated_at.is_(None),
        )
    return list(session.scalars(query.limit(500)))


def activate_due(factory: sessionmaker[Session], clock: Clock) -> dict[str, int]:
    """The scheduler's job: make live each approved version whose time has come, one request
    per transaction; one that cannot go live (retired since) is marked failed with the reason."""
    now = clock()
    with factory() as session:
        due = list(
            session.scalars(
                select(ActivationRequest.id).where(
                    ActivationRequest.state == APPROVED,
                    ActivationRequest.activated_at.is_(None),
                    ActivationRequest.activate_at <= now,
                )
            )
        )
    done = failed = 0
    for request_id in due:
        try:
            with factory.begin() as session:
                _activate_one(session, now, request_id)
                done += 1
        except DamrongError as exc:
            with factory.begin() as session:
                row = session.get(ActivationRequest, request_id)
                if row is not None and row.state == APPROVED and row.activated_at is None:
                    row.state, row.reason = FAILED, exc.message_th + " / " + exc.message_en
                    scheduler = Actor.system("scheduler")
                    _record(session, now, scheduler, "process_activation_failed", row)
            failed += 1
        except Exception:  # one bad request never stops the others
            log.exception("scheduled activation %s failed", request_id)
            failed += 1
    return {"activated": done, "failed": failed}


def _activate_one(session: Session, now: datetime, request_id: int) -> None:
    row = session.scalar(
        select(ActivationRequest).where(ActivationRequest.id == request_id).with_for_update()
    )
    if row is None or row.state != APPROVED or row.activated_at is not None:
        return  # cancelled or carried out by another scheduler meanwhile
    catalog.activate(session, now, Actor.system("scheduler"), row.process_id, row.version)
    row.activated_at = now
    _flush(session, row)


def state_label(row: ActivationRequest) -> str:
    """pending, scheduled (approved, its time to come), activated, rejected, cancelled, failed."""
    if row.state == APPROVED:
        return "activated" if row.activated_at is not None else "scheduled"
    return row.state


def _still_pending(row: ActivationRequest) -> None:
    if row.state != PENDING:
        raise _decided(row)


def _decided(row: ActivationRequest) -> Conflict:
    return Conflict(
        f"Request {row.id} is {state_label(row)} already; nothing was changed.",
        f"คำขอหมายเลข {row.id} ได้รับการตัดสินแล้ว ({state_label(row)}) ไม่มีการเปลี่ยนแปลง",
    )


def _flush(session: Session, row: ActivationRequest) -> None:
    request_id = row.id
    try:
        session.flush()
    except StaleDataError as exc:  # two people decided at the same moment: the first one won
        raise Conflict(
            f"Request {request_id} was decided by someone else a moment ago; nothing was changed.",
            f"คำขอหมายเลข {request_id} เพิ่งได้รับการตัดสินโดยผู้อื่น ไม่มีการเปลี่ยนแปลง",
        ) from exc


def _text(field: str, value: object) -> str:
    if not isinstance(value, str):
        return ""
    if len(value) > MAX_TEXT:
        raise ValidationFailed.one(
            field, f"ข้อความยาวได้ไม่เกิน {MAX_TEXT} ตัวอักษร", f"At most {MAX_TEXT} characters."
        )
    return value.strip()


def _record(
    session: Session, now: datetime, actor: Actor, action: str, row: ActivationRequest, **extra
) -> None:
    detail = {
        "request_id": row.id,
        "process_id": row.process_id,
        "version": row.version,
        "requested_by": row.requested_by,
        "activate_at": row.activate_at.isoformat() if row.activate_at else None,
        **extra,
    }
    if row.reason:
        detail["reason"] = row.reason[:200]
    journal.record(session, None, actor, action, now, detail=detail)
