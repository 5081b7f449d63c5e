"""A case, its workflow instance, its process definition, referrals and notes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base, JSONType, UTCDateTime
from engine.models.reference import OrgUnit


class ProcessDefinition(Base):
    """One version of a process: its files, forms and parsed specs, never changed once stored.

    Unique per process by number and by content (files, forms and the versions of the processes
    it calls). Whether it is live is the `Process` row's pointer; a draft was never activated.
    """

    __tablename__ = "process_definitions"
    __table_args__ = (
        UniqueConstraint("process_id", "version", name="uq_process_definitions_version"),
        UniqueConstraint("process_id", "content_hash", name="uq_process_definitions_content"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    files: Mapped[dict[str, str]] = mapped_column(JSONType, deferred=True)  # name -> XML
    # Task forms by name (JSON Schema), as deployed with this version.
    forms: Mapped[dict[str, dict]] = mapped_column(
        JSONType, default=dict, server_default="{}", deferred=True
    )
    # Each user task's resolved settings by element id: role, unit, form, status, policy, names.
    tasks: Mapped[dict[str, dict]] = mapped_column(JSONType, default=dict, server_default="{}")
    # Called process id -> the definition id its call activities were pinned to at deploy.
    pins: Mapped[dict[str, int]] = mapped_column(JSONType, default=dict, server_default="{}")
    spec: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # specs, JSON, zlib
    serializer_version: Mapped[str] = mapped_column(String(16))
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deployed_by: Mapped[str] = mapped_column(String(64), default="system")
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Test-run scenarios by name (engine/workflow/scenarios.py): kept with the version, outside
    # its content hash (a scenario is a test of the version, not part of its behaviour).
    scenarios: Mapped[dict[str, dict]] = mapped_column(
        JSONType, default=dict, server_default="{}", deferred=True
    )


class Case(Base):
    """A complaint. Free text and personal data live here, never in workflow data."""

    __tablename__ = "cases"
    __table_args__ = {"sqlite_autoincrement": True}  # ids are never reused
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    tracking_code: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(200))
    registration_number: Mapped[str] = mapped_column(String(40), unique=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    area_code: Mapped[str] = mapped_column(String(6), index=True)
    category_code: Mapped[str] = mapped_column(ForeignKey("categories.code"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(24), index=True)
    resolution: Mapped[str | None] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    address_text: Mapped[str | None] = mapped_column(String(500))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    occurred_on: Mapped[str | None] = mapped_column(String(10))
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    # The complainant agreed that the description (never who they are) may be shown publicly,
    # e.g. by Open311's GET requests for a category an admin marks public.
    publish_details: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    complainant_name: Mapped[str | None] = mapped_column(String(200))
    complainant_national_id: Mapped[str | None] = mapped_column(String(13))
    complainant_phone: Mapped[str | None] = mapped_column(String(20))
    complainant_email: Mapped[str | None] = mapped_column(String(200))
    complainant_line_user_id: Mapped[str | None] = mapped_column(String(64))
    preferred_language: Mapped[str] = mapped_column(String(2), default="th")
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    rating: Mapped[int | None] = mapped_column(Integer)
    rating_comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    at_risk_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # While the complainant is asked for information the SLA clock stops; what was left resumes.
    sla_paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sla_remaining_days: Mapped[int | None] = mapped_column(Integer)
    # The supervisors in charge of an overdue case: 0 its own center, 1 the province, 2 central.
    escalation_level: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    center: Mapped[OrgUnit] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}


class WorkflowInstance(Base):
    """The SpiffWorkflow state of one case, without its spec (which the definition holds)."""

    __tablename__ = "workflow_instances"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definitions.id"), index=True)
    serializer_version: Mapped[str] = mapped_column(String(16))
    state: Mapped[bytes] = mapped_column(LargeBinary)  # JSON, zlib
    completed: Mapped[bool] = mapped_column(Boolean, default=False)


class Referral(Base):
    """The one record of who holds a case: an agency as lead or co-handler."""

    __tablename__ = "referrals"
    __table_args__ = {"sqlite_autoincrement": True}  # ids are never reused
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    role: Mapped[str] = mapped_column(String(16))  # lead | co_handler
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(64))

    agency: Mapped[OrgUnit] = relationship(lazy="joined")


Index("ix_referrals_agency_active", Referral.agency_id, Referral.active, Referral.case_id)


class CaseNote(Base):
    """Free text attached to a case: task notes, progress, results, comments."""

    __tablename__ = "case_notes"
    __table_args__ = {"sqlite_autoincrement": True}  # ids are never reused
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # comment | the form field name
    step: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    author_label: Mapped[str] = mapped_column(String(200))
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RegistrationCounter(Base):
    """The running number a center gives its cases, per Buddhist year."""

    __tablename__ = "registration_counters"
    center_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), primary_key=True)
    buddhist_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class IdempotencyRecord(Base):
    """The stored answer to a POST that carried an Idempotency-Key."""

    __tablename__ = "idempotency_records"
    scope: Mapped[str] = mapped_column(String(100), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ForwardRequest(Base):
    """An agency's request to forward a case to another agency, when its center approves
    forwards (OrgUnit.forward_needs_approval): pending until a center officer decides."""

    __tablename__ = "forward_requests"
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    from_agency_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    to_agency_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="pending")  # approved | rejected
    requested_by: Mapped[str] = mapped_column(String(200))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)
