"""What officials add to a case beside its workflow: attached files and redacted terms."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, UTCDateTime


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
