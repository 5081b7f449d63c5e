"""The agencies' change feed: its entries and the counter that orders them by commit.

The hooks that write the feed (agency/feed.py) are installed on each session factory by the
composition root (damrong/wiring.py), never by importing this module.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
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
