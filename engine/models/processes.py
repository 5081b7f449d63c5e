"""Processes as a product: the live pointer per process and the table of workflow roles.

A process's versions are `ProcessDefinition` rows (engine/models/cases.py); `Process` says which
of them new cases start on. `WorkflowRole` turns a diagram's lane (or Camunda candidate group)
into the staff role that works the task, the unit it goes to and what a breach does.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, JSONType, UTCDateTime

# Where a role's task goes: the case's own center, the lead agency of its referral, the center
# of the case's area (the province's center for a provincial area), or the escalation ladder.
ROLE_UNITS = ("case_center", "lead_agency", "area_center", "escalation")


class Process(Base):
    """One process (by its BPMN id) and the version new cases start on."""

    __tablename__ = "processes"
    process_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_th: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")
    live_definition_id: Mapped[int | None] = mapped_column(ForeignKey("process_definitions.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(64), default="system")
    # Two designers deploying or activating at once: the second write fails the version check.
    lock: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": lock}


class WorkflowRole(Base):
    """A role a lane may name: who works its tasks, in which unit, and how its breach is handled."""

    __tablename__ = "workflow_roles"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    # Other names a modeler's lane or candidate group may use for the same role.
    aliases: Mapped[list[str]] = mapped_column(JSONType, default=list, server_default="[]")
    user_role: Mapped[str] = mapped_column(String(32))  # the staff role whose inbox shows it
    unit: Mapped[str] = mapped_column(String(20), default="case_center")
    escalates: Mapped[bool] = mapped_column(Boolean, default=False)
    default_status: Mapped[str | None] = mapped_column(String(24))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class ProcessDraft(Base):
    """A designer's work in progress on a process: its files and forms, saved on the server.

    Not a version: nothing runs on it. `lock` rises on every save, so a save from a stale
    editor (another tab, another designer) is refused instead of overwriting newer work."""

    __tablename__ = "process_drafts"
    id: Mapped[int] = mapped_column(primary_key=True)
    # The process the draft deploys as; a new process has no row in `processes` yet.
    process_id: Mapped[str] = mapped_column(String(64), index=True)
    base_version: Mapped[int | None] = mapped_column(Integer)  # the version it was copied from
    files: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)  # name -> BPMN/DMN XML
    forms: Mapped[dict[str, dict]] = mapped_column(JSONType, default=dict)  # name -> JSON Schema
    # Test-run scenarios by name, deployed with the draft onto its version.
    scenarios: Mapped[dict[str, dict]] = mapped_column(JSONType, default=dict, server_default="{}")
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lock: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": lock}


# What becomes of a request to make a version live (four eyes: someone else decides).
ACTIVATION_STATES = ("pending", "approved", "rejected", "cancelled", "failed")


class ActivationRequest(Base):
    """A request to make a stored version live (a new version or a rollback), decided by a
    second designer or an administrator; approved with `activate_at` it waits for that time."""

    __tablename__ = "activation_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    definition_id: Mapped[int] = mapped_column(
        ForeignKey("process_definitions.id", ondelete="CASCADE")
    )
    note: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_by: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    activate_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # scheduled; None: at once
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text, default="")  # why rejected, cancelled or failed
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lock: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": lock}


# Where a migration run stands: its batches go on until every planned case is done.
MIGRATION_RUN_STATES = ("running", "done", "cancelled")


class MigrationRun(Base):
    """Moving a planned list of running cases from one version to another (or, dry, checking
    each), in batches: by the request that starts it, then by the scheduler's job, so a large
    move shows its progress and survives the page being closed. `undo_of` names the run whose
    moved cases this one takes back."""

    __tablename__ = "migration_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(64), index=True)
    from_version: Mapped[int] = mapped_column(Integer)
    to_version: Mapped[int] = mapped_column(Integer)
    from_definition_id: Mapped[int] = mapped_column(
        ForeignKey("process_definitions.id", ondelete="CASCADE")
    )
    to_definition_id: Mapped[int] = mapped_column(
        ForeignKey("process_definitions.id", ondelete="CASCADE")
    )
    dry_run: Mapped[bool] = mapped_column(Boolean, default=True)
    # What was asked: {"statuses": [...], "elements": [...]} (empty: every running case).
    filters: Mapped[dict] = mapped_column(JSONType, default=dict)
    case_ids: Mapped[list[int]] = mapped_column(JSONType, default=list)  # planned, in order
    position: Mapped[int] = mapped_column(Integer, default=0)  # how many are done
    migratable: Mapped[int] = mapped_column(Integer, default=0)
    blocked: Mapped[int] = mapped_column(Integer, default=0)
    migrated: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(16), default="running", index=True)
    undo_of: Mapped[int | None] = mapped_column(
        ForeignKey("migration_runs.id", ondelete="SET NULL")
    )
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lock: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": lock}


class MigrationRunCase(Base):
    """One case's outcome in a migration run: could it move (dry), did it move, and why not."""

    __tablename__ = "migration_run_cases"
    run_id: Mapped[int] = mapped_column(
        ForeignKey("migration_runs.id", ondelete="CASCADE"), primary_key=True
    )
    case_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    migratable: Mapped[bool] = mapped_column(Boolean)
    migrated: Mapped[bool] = mapped_column(Boolean)
    elements: Mapped[list[str]] = mapped_column(JSONType, default=list)
    reasons: Mapped[list[str]] = mapped_column(JSONType, default=list)
    reasons_th: Mapped[list[str]] = mapped_column(JSONType, default=list)
