"""What the staff web keeps beside the users: failed sign-ins, for the lock-out."""

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
