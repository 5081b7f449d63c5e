"""Open311 GeoReport v2: client keys, requests filed through it, and rate-limit buckets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, UTCDateTime


class Open311Key(Base):
    """An `api_key` an Open311 client app posts with; only its SHA-256 hash is stored."""

    __tablename__ = "open311_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))  # the partner app, shown in the audit log
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    requests_per_minute: Mapped[int] = mapped_column(Integer, default=30)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Open311Request(Base):
    """A case filed through Open311: which key filed it, its spec `token`, and its media link."""

    __tablename__ = "open311_requests"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("open311_keys.id"), index=True)
    token: Mapped[str] = mapped_column(String(40), unique=True)
    media_url: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
