"""Notices to the centers about process versions going live at a set time.

A designer may ask for a version to go live at a chosen time (engine/workflow/approvals.py); once
a second person approves, every official sees the coming change on their pages until it is live,
so nobody is surprised by a new step, form or deadline the morning it starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import ActivationRequest, Process
from engine.workflow.approvals import APPROVED

MAX_SHOWN = 3
MAX_NOTE = 300  # characters of the designer's note shown in the notice


@dataclass(frozen=True)
class ComingVersion:
    """A version approved to go live at a time still to come."""

    process_id: str
    name_th: str
    name_en: str
    version: int
    activate_at: datetime
    note: str


def coming_versions(session: Session, now: datetime) -> list[ComingVersion]:
    """Approved activations whose time has not come yet, soonest first."""
    rows = session.execute(
        select(ActivationRequest, Process.name_th, Process.name_en)
        .join(Process, Process.process_id == ActivationRequest.process_id, isouter=True)
        .where(
            ActivationRequest.state == APPROVED,
            ActivationRequest.activated_at.is_(None),
            ActivationRequest.activate_at > now,
        )
        .order_by(ActivationRequest.activate_at)
        .limit(MAX_SHOWN)
    ).tuples()
    return [
        ComingVersion(
            row.process_id,
            name_th or row.process_id,
            name_en or row.process_id,
            row.version,
            row.activate_at,  # type: ignore[arg-type]
            _short(row.note),
        )
        for row, name_th, name_en in rows
    ]


def _short(note: str) -> str:
    note = " ".join(note.split())
    return note if len(note) <= MAX_NOTE else note[: MAX_NOTE - 1] + "…"
