"""What each timeline entry of the case workspace says beyond its name: the reasons officials
gave (as typed) and the facts they decided (new deadline, new level, new assignee).

Staff only: the citizen's tracking page reads public events and never these details.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.edge import blueprint
from engine.access.rules import Actor
from engine.models import AuditEvent, CaseNote, ForwardRequest
from web.i18n import t

FORWARD_ACTIONS = ("forward_requested", "forward_approved", "forward_rejected", "forward_lapsed")


CITIZEN_LABEL = Actor.citizen(0).label  # what the audit log stores for the complainant


@blueprint.app_template_global("actor_name")
def actor_name(label: str | None, kind: str | None = None) -> str:
    """Who did it, in the page's words: the complainant as «ผู้ร้อง», never the stored English
    label; officials by their user name."""
    if kind == "citizen" or (kind is None and label == CITIZEN_LABEL):
        return t("ผู้ร้อง", "Complainant")
    if kind == "system" and label == "system":
        return t("ระบบ", "System")
    return label or ""


def event_details(
    session: Session,
    events: Sequence[AuditEvent],
    notes: Sequence[CaseNote],
    clean: Callable[[str | None], str | None],
) -> dict[int, dict[str, object]]:
    """Per event id: "reason" (free text as typed, filtered like the rest of the case for
    this reader) and the decided facts; events with nothing to add are left out."""
    reasons = _task_reasons(notes)
    forwards = _forward_requests(session, events)
    out: dict[int, dict[str, object]] = {}
    for event in events:
        detail = event.detail or {}
        found: dict[str, object] = {}
        reason = detail.get("reason")
        if event.action == "task_completed":
            reason = reason or reasons.get((event.step, event.at))
        elif event.action in FORWARD_ACTIONS:
            request = forwards.get(detail.get("forward_request_id"))  # type: ignore[arg-type]
            if request is not None:
                requested = event.action == "forward_requested"
                reason = request.reason if requested else request.decision_note
                if not requested:
                    found["request_reason"] = clean(request.reason)
        if isinstance(reason, str) and reason.strip():
            found["reason"] = clean(reason)
        if event.action == "sla_extended":
            found["days"] = detail.get("days")
            found["due_at"] = _when(detail.get("to"))
        elif event.action == "sla_escalated":
            found["level_to"] = detail.get("to")
        elif event.action == "reassigned":
            found["assignee"] = detail.get("to")
        found = {k: v for k, v in found.items() if v not in (None, "")}
        if found:
            out[event.id] = found
    return out


def _task_reasons(notes: Sequence[CaseNote]) -> dict[tuple[str | None, datetime], str]:
    # A task's free-text reason is kept as a note written with the task's completion.
    return {(n.step, n.created_at): n.body for n in notes if n.kind == "reason"}


def _forward_requests(session: Session, events: Sequence[AuditEvent]) -> dict[int, ForwardRequest]:
    ids = {
        e.detail.get("forward_request_id")
        for e in events
        if e.action in FORWARD_ACTIONS and e.detail
    }
    ids = {i for i in ids if isinstance(i, int)}
    if not ids:
        return {}
    rows = session.scalars(select(ForwardRequest).where(ForwardRequest.id.in_(ids)))
    return {r.id: r for r in rows}


def _when(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None
