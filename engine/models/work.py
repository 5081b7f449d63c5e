"""Materialized views of the workflow (tasks, timers) and the append-only audit and outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, JSONType, UTCDateTime


class Task(Base):
    """A READY user task, so inboxes are indexed SQL and never unpickle workflows."""

    __tablename__ = "tasks"
    __table_args__ = {"sqlite_autoincrement": True}  # ids are never reused
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    spiff_task_id: Mapped[str] = mapped_column(String(36), unique=True)
    step: Mapped[str] = mapped_column(String(64))  # the BPMN element id
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))  # the lane
    form: Mapped[str] = mapped_column(String(64))
    # The process the task's element belongs to, and the SLA policy it names (if any): the
    # deadline is looked up by them (see engine/sla/policies.policy_for).
    process_id: Mapped[str | None] = mapped_column(String(64))
    sla_policy: Mapped[str | None] = mapped_column(String(64))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    area_code: Mapped[str] = mapped_column(String(6))
    category_code: Mapped[str] = mapped_column(String(32))
    case_status: Mapped[str] = mapped_column(String(24))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    at_risk_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Reminder points still to come (ISO instants, from the policy's percentages); the next one
    # is in next_reminder_at so the sweep finds it by index.
    reminder_plan: Mapped[list[str]] = mapped_column(JSONType, default=list)
    next_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    breach_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    draft: Mapped[dict | None] = mapped_column(JSONType)


Index("ix_tasks_inbox", Task.org_unit_id, Task.role, Task.assignee_id, Task.due_at)
Index("ix_tasks_assignee_due", Task.assignee_id, Task.due_at)
Index("ix_tasks_breach_sweep", Task.breached_at, Task.due_at)
Index("ix_tasks_reminder_sweep", Task.next_reminder_at)


class Timer(Base):
    """A timer the workflow waits on, so a sweep finds due ones without loading workflows."""

    __tablename__ = "timers"
    __table_args__ = {"sqlite_autoincrement": True}  # ids are never reused
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    event_name: Mapped[str] = mapped_column(String(100))
    fire_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEvent(Base):
    """An append-only record of every change: who, what, when, status before and after."""

    __tablename__ = "audit_events"
    __table_args__ = (
        # One position per link of a case's chain (engine/auditchain.py); NULLs are the global one.
        Index("ux_audit_events_chain", "case_id", "chain_seq", unique=True),
        {"sqlite_autoincrement": True},  # ids are never reused
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    step: Mapped[str | None] = mapped_column(String(64))
    status_before: Mapped[str | None] = mapped_column(String(24))
    status_after: Mapped[str | None] = mapped_column(String(24))
    public: Mapped[bool] = mapped_column(default=False)
    detail: Mapped[dict] = mapped_column(JSONType, default=dict)
    # The hash chain (engine/auditchain.py): position, the previous link, this link's own hash,
    # and a salted hash of what may be personal (actor label, detail); erasure drops the salt.
    actor_kind: Mapped[str | None] = mapped_column(String(16))
    chain_seq: Mapped[int | None] = mapped_column(Integer)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
    private_hash: Mapped[str | None] = mapped_column(String(64))
    private_salt: Mapped[str | None] = mapped_column(String(32))


class AuditHead(Base):
    """The last link of one audit chain; writers lock it (UPDATE … RETURNING) to append."""

    __tablename__ = "audit_heads"
    chain: Mapped[str] = mapped_column(String(32), primary_key=True)  # case:<id> | global
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class OutboxMessage(Base):
    """A notification to send after commit; written in the same transaction as the change."""

    __tablename__ = "outbox"
    __table_args__ = {"sqlite_autoincrement": True}  # ids are never reused
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    event: Mapped[str] = mapped_column(String(64))
    recipient: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict] = mapped_column(JSONType, default=dict)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    leased_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    # A message to an audience (org_unit:7) is resolved into one child row per delivery.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"), index=True)
    channel: Mapped[str | None] = mapped_column(String(16))  # email | sms | line | webhook | digest
    address: Mapped[str | None] = mapped_column(String(500))
    language: Mapped[str | None] = mapped_column(String(2))
    rendered: Mapped[dict | None] = mapped_column(JSONType)  # subject, text, html, short
    dead_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


Index("ix_outbox_due", OutboxMessage.state, OutboxMessage.next_attempt_at)


# A supervisor's "all open in my area" tab and the inbox's area filter select tasks by an area
# prefix (a range on the DOPA code): counted by area, paged in deadline order (the first page of
# a province's 20,000 tasks reads a few index entries instead of sorting them all).
Index("ix_tasks_area_due", Task.area_code, Task.due_at)
Index("ix_tasks_due_area", Task.due_at, Task.area_code)
