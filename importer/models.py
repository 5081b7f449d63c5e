"""Rows already imported from another complaint system, so a re-run never duplicates a case."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, UTCDateTime


class ImportedRecord(Base):
    """One source row turned into a case, written in the same transaction as the case."""

    __tablename__ = "imported_records"
    __table_args__ = (UniqueConstraint("source", "external_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(100))
    # The source's own id, or "sha256:<hex>" of the row's content when it has none.
    external_id: Mapped[str] = mapped_column(String(200))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    row_number: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
