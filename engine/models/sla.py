"""SLA reference data: calendar overrides and deadline policies, both edited by administrators."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, JSONType, UTCDateTime


class HolidayOverride(Base):
    """A special holiday the Cabinet announces, an office closure, or a working Saturday."""

    __tablename__ = "holiday_overrides"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool] = mapped_column(Boolean)
    name_th: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")


class SlaPolicy(Base):
    """How long a step may take, per category (or for every category when none is given)."""

    __tablename__ = "sla_policies"
    __table_args__ = (
        UniqueConstraint("process_id", "step", "category_code", name="uq_sla_policies_key"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    # A policy for one process's element, or (None) for that step name in every process. The
    # step "*" is a process's default policy for user tasks that have no policy of their own.
    process_id: Mapped[str | None] = mapped_column(String(64))
    step: Mapped[str] = mapped_column(String(64))
    category_code: Mapped[str | None] = mapped_column(ForeignKey("categories.code"))
    unit: Mapped[str] = mapped_column(String(16))  # working_days | calendar_days | hours
    duration: Mapped[int] = mapped_column(Integer)
    reminders: Mapped[list[int]] = mapped_column(JSONType, default=list)  # percent of the time
    breach_action: Mapped[str] = mapped_column(String(32), default="escalate")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class SlaRecord(Base):
    """A finished task that had a deadline: met or breached, for the compliance figures.

    Task rows disappear when the task is done; this keeps what the dashboard counts.
    """

    __tablename__ = "sla_records"
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    step: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(32))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    center_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    category_code: Mapped[str] = mapped_column(String(32))
    area_code: Mapped[str] = mapped_column(String(6))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime)
    met: Mapped[bool] = mapped_column(Boolean)
    breach_count: Mapped[int] = mapped_column(Integer, default=0)


Index("ix_sla_records_finished", SlaRecord.finished_at, SlaRecord.step)
