"""One-time LINE link codes: the complainant's own case, once, within their lifetime."""

from __future__ import annotations

import pytest

from engine.access.rules import Actor
from engine.errors import PermissionDenied
from portal.linelink import issue_code, redeem_code
from tests.engine.helpers import open_case

USER = "U" + "ab" * 16


def _issue(factory, clock, actor, case_id):  # type: ignore[no-untyped-def]
    with factory.begin() as session:
        return issue_code(session, clock, actor, case_id)


def _redeem(factory, clock, text, user=USER):  # type: ignore[no-untyped-def]
    with factory.begin() as session:
        case = redeem_code(session, clock, user, text)
        return case.id if case else None


def test_codes_link_once_and_lapse(factory, clock, staff) -> None:
    case_id, *_ = open_case(factory, clock, staff["intake"])
    with pytest.raises(PermissionDenied):
        _issue(factory, clock, staff["screener"], case_id)
    with pytest.raises(PermissionDenied):
        _issue(factory, clock, Actor.citizen(case_id + 1), case_id)
    first = _issue(factory, clock, Actor.citizen(case_id), case_id)
    second = _issue(factory, clock, Actor.citizen(case_id), case_id)
    assert _redeem(factory, clock, first) is None  # a newer code replaced it
    assert _redeem(factory, clock, second, user="not-a-line-user") is None
    # Read the way people type it: lower case, O for 0, no dash.
    typed = second.replace("-", "").lower().replace("0", "o")
    assert _redeem(factory, clock, f"code {typed}") == case_id
    assert _redeem(factory, clock, second) is None  # used
    third = _issue(factory, clock, Actor.citizen(case_id), case_id)
    clock.advance(minutes=30)
    assert _redeem(factory, clock, third) is None  # expired
