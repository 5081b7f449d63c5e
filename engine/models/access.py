"""What the staff web keeps beside the users (failed sign-ins), and the inbox's area index."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, UTCDateTime
from engine.models.work import Task


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


# A supervisor's "all open in my area" tab and the inbox's area filter select tasks by an area
# prefix (a range on the DOPA code): counted by area, paged in deadline order (the first page of
# a province's 20,000 tasks reads a few index entries instead of sorting them all).
Index("ix_tasks_area_due", Task.area_code, Task.due_at)
Index("ix_tasks_due_area", Task.due_at, Task.area_code)
