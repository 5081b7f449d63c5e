"""Staff sessions, failed sign-ins, and the rate-limit buckets every web process shares."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, JSONType, UTCDateTime


class SignInDelay(Base):
    """Failed sign-ins under one key (an address, an account, an account from one address).

    Past five failures the key waits 2, 4, 8 … seconds (at most 15 minutes) before its next try;
    account keys are a hash of the name typed, so unknown names are counted too and no name
    typed by a stranger is stored.
    """

    __tablename__ = "sign_in_delays"
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime)
    wait_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StaffSession(Base):
    """One signed-in browser of an official; its cookie holds a random id, kept here hashed.

    Ended by signing out, a password change or deactivation (ended_at, end_reason), or by its
    idle timeout and absolute lifetime. A form posted after the idle timeout waits here
    (pending_form) until the same official signs in again.
    """

    __tablename__ = "staff_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(20))
    pending_path: Mapped[str | None] = mapped_column(String(200))
    pending_form: Mapped[dict | None] = mapped_column(JSONType)


class RateLimit(Base):
    """One counter of a rate limit (per address, per key ...), shared by every web process."""

    __tablename__ = "rate_limits"
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
