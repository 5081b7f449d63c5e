"""The complainant's rating of how their case was handled, once the result is in."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine import journal
from engine.access.checks import check_can_see, check_may_rate
from engine.access.rules import Actor
from engine.clock import Clock
from engine.db import require_transaction
from engine.errors import NotWaiting, ValidationFailed
from engine.models import Case
from engine.statuses import status_label
from engine.text import check_text
from engine.workflow import runner

RATABLE_STATUSES = frozenset({"resolved", "closed"})
COMMENT_LIMIT = 2000


def rate_case(
    session: Session, clock: Clock, actor: Actor, case_id: int, stars: object, comment: object
) -> Case:
    """Record the complainant's 1–5 rating and comment (a later rating replaces an earlier one)."""
    require_transaction(session)
    check_may_rate(actor)
    if isinstance(stars, bool) or not isinstance(stars, int) or not 1 <= stars <= 5:
        raise ValidationFailed.one("rating", "กรุณาเลือกคะแนน 1 ถึง 5", "Choose a rating from 1 to 5.")
    text = check_text("comment", comment or None, COMMENT_LIMIT, required=False)
    case = runner.lock_case(session, case_id)
    check_can_see(session, actor, case_id)
    if case.status not in RATABLE_STATUSES:
        raise NotWaiting(
            f"A case is rated once its result is in; it is {status_label(case.status, 'en')}.",
            f"ให้คะแนนได้เมื่อได้รับผลการดำเนินการแล้ว ขณะนี้สถานะคือ {status_label(case.status)}",
            status=case.status,
        )
    now = clock()
    case.rating, case.rating_comment, case.updated_at = stars, text, now
    journal.record(session, case, actor, "rated", now, public=True, detail={"rating": stars})
    return case
