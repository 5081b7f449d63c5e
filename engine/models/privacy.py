"""What protects a complainant's identity: the agencies' filtered copy of a case's text for
search, and the log of who looked at a confidential complainant's identity."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, UTCDateTime


class AgencyCaseText(Base):
    """A case's title and description exactly as the identity filter shows them to agencies.

    An agency's search runs over this copy, never over the case's own text, so nothing the
    filter hides can be matched. Kept in step on every commit that changes the case's text,
    confidentiality, complainant or redactions; rebuilt when `rules_version` is out of date.
    """

    __tablename__ = "agency_case_texts"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    rules_version: Mapped[int] = mapped_column(Integer, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class IdentityView(Base):
    """One look by a member of staff at a confidential complainant's identity."""

    __tablename__ = "identity_views"
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_label: Mapped[str] = mapped_column(String(200))
    via: Mapped[str] = mapped_column(String(32))  # case_page | api_case | pdf | letter
    at: Mapped[datetime] = mapped_column(UTCDateTime)
