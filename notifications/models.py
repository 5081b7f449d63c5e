"""Notification data: admins' template overrides, agency webhooks, citizens' and staff's choices."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, JSONType, UTCDateTime


class NotificationTemplate(Base):
    """An administrator's version of a shipped template; rendered in Jinja2's sandbox."""

    __tablename__ = "notification_templates"
    __table_args__ = (UniqueConstraint("name", "language"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(
        String(64)
    )  # "<audience>/<event>", e.g. citizen/case_received
    language: Mapped[str] = mapped_column(String(2))
    subject: Mapped[str] = mapped_column(String(500))
    body_text: Mapped[str] = mapped_column(Text)
    body_short: Mapped[str | None] = mapped_column(Text)  # SMS and LINE; text body when empty
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(64))


class AgencyEndpoint(Base):
    """Where an agency's own system receives signed webhooks about its cases."""

    __tablename__ = "agency_endpoints"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), unique=True)
    url: Mapped[str] = mapped_column(String(500))
    # Kept readable (not hashed) because Damrong must sign with it; shown to admins only once.
    secret: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ComplainantPreference(Base):
    """How the complainant of one case wants to hear from us, or that they do not."""

    __tablename__ = "complainant_preferences"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    channels: Mapped[list[str]] = mapped_column(JSONType, default=list)  # email | sms | line
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StaffPreference(Base):
    """A staff member's choice: each notice at once, or one daily digest."""

    __tablename__ = "staff_preferences"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    mode: Mapped[str] = mapped_column(String(8), default="instant")  # instant | digest
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
