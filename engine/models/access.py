"""Throttles: failed staff sign-ins, and the rate-limit buckets every web process shares."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, UTCDateTime


class SignInThrottle(Base):
    """Failed sign-ins per username; five in a row lock the name for fifteen minutes.

    Keyed by the name typed, not by user id, so guessing at unknown names is throttled too
    and the lock-out does not reveal which usernames exist.
    """

    __tablename__ = "sign_in_throttles"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RateLimit(Base):
    """One counter of a rate limit (per address, per key ...), shared by every web process."""

    __tablename__ = "rate_limits"
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
