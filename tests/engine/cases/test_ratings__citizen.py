"""Only the complainant rates, only once the result is in, 1 to 5 with an optional comment."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.access.rules import Actor
from engine.cases.ratings import rate_case
from engine.errors import NotWaiting, PermissionDenied, ValidationFailed
from engine.models import AuditEvent, Case
from tests.engine.helpers import complete, open_case


def _rate(factory, clock, actor, case_id, stars, comment=None):  # type: ignore[no-untyped-def]
    with factory.begin() as session:
        return rate_case(session, clock, actor, case_id, stars, comment).rating


def test_ratings_follow_the_result(factory, clock, staff) -> None:
    case_id, *_ = open_case(factory, clock, staff["intake"])
    citizen = Actor.citizen(case_id)
    with pytest.raises(NotWaiting):
        _rate(factory, clock, citizen, case_id, 5)
    complete(
        factory, clock, staff["screener"], case_id, "screen", {"decision": "resolve", "reason": "x"}
    )
    for bad in (0, 6, "5", True, None):
        with pytest.raises(ValidationFailed):
            _rate(factory, clock, citizen, case_id, bad)
    with pytest.raises(ValidationFailed):
        _rate(factory, clock, citizen, case_id, 3, "ก" * 2001)
    with pytest.raises(PermissionDenied):
        _rate(factory, clock, staff["screener"], case_id, 5)
    with pytest.raises(PermissionDenied):  # another case's complainant
        _rate(factory, clock, Actor.citizen(case_id + 1), case_id, 5)
    assert _rate(factory, clock, citizen, case_id, 2, "ช้า") == 2
    assert _rate(factory, clock, citizen, case_id, 4) == 4  # a second thought replaces the first
    with factory() as session:
        case = session.get(Case, case_id)
        assert (case.rating, case.rating_comment) == (4, None)
        rated = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.case_id == case_id, AuditEvent.action == "rated")
            .order_by(AuditEvent.id)
        ).all()
        assert [e.detail for e in rated] == [{"rating": 2}, {"rating": 4}]
        assert all(e.public for e in rated)
