"""Agency data exchange: the change feed, result attachments, redactions, the contact directory.

Importing this module also hooks the feed into every SQLAlchemy session (engine/feed.py), so any
process that changes a case — web, scheduler, command line — keeps the agencies' feed, whatever
its entry point imported.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, JSONType, UTCDateTime


class FeedEvent(Base):
    """One entry in an agency's change feed; `position` is given at commit, in commit order."""

    __tablename__ = "agency_feed"
    position: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    agency_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    event: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(24))
    audit_event_id: Mapped[int | None] = mapped_column(Integer)
    payload: Mapped[dict] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


Index("ix_agency_feed_agency_position", FeedEvent.agency_id, FeedEvent.position)


class FeedCounter(Base):
    """The single row whose lock orders feed positions by commit."""

    __tablename__ = "agency_feed_counter"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_position: Mapped[int] = mapped_column(BigInteger, default=0)


class CaseAttachment(Base):
    """A file sent with a case: the complainant's evidence, or an agency's result documents."""

    __tablename__ = "case_attachments"
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    step: Mapped[str | None] = mapped_column(String(64))
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    uploaded_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # An officer kept it from agencies (it shows who complained, say).
    withheld: Mapped[bool] = mapped_column(Boolean, default=False)


class CaseRedaction(Base):
    """A word or number an officer removed from everything agencies receive about a case."""

    __tablename__ = "case_redactions"
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    term: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DirectoryEntry(Base):
    """A contact: a center, an agency (linked to its org unit) or a government hotline."""

    __tablename__ = "directory_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)  # org unit code or hotline:<n>
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    kind: Mapped[str] = mapped_column(String(20), index=True)  # center | agency | hotline
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    address_th: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(40))
    hotline: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(200))
    office_hours_th: Mapped[str | None] = mapped_column(String(200))
    office_hours_en: Mapped[str | None] = mapped_column(String(200))
    area_code: Mapped[str | None] = mapped_column(String(6), index=True)  # None: nationwide
    area_name_th: Mapped[str | None] = mapped_column(String(200))
    search_text: Mapped[str] = mapped_column(Text, default="")  # names, area, digits; lower case
    active: Mapped[bool] = mapped_column(Boolean, default=True)


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


# Imported last: the feed hooks need the models above (and engine/models/__init__'s).
import engine.feed  # noqa: E402, F401
