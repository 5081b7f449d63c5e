"""Who may open a case through the API: a center's intake officers, screeners and supervisors.
Agency officers, designers, executives and administrators get 403 in Thai and English, and
nothing is opened; citizens use the portal, partner apps Open311."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.access.rules import Actor
from engine.access.tokens import issue_token
from engine.cases.intake import open_case
from engine.errors import PermissionDenied
from engine.models import Case
from tests.conftest import intake_data, make_user


def _cases(factory) -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        return session.scalar(select(func.count()).select_from(Case))


def _token(factory, clock, name: str, unit: str, roles: list[str]) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with factory.begin() as session:
        user = make_user(session, name, unit, roles)
        return {"Authorization": "Bearer " + issue_token(session, clock(), user)}


@pytest.mark.parametrize("name", ["intake", "screener", "supervisor"])
def test_a_centers_officers_open_cases(client, tokens, factory, name):
    channel = "walk_in" if name == "intake" else "web"
    answer = client.post("/api/v1/cases", json=intake_data(channel=channel), headers=tokens[name])
    assert answer.status_code == 201
    assert _cases(factory) == 1


@pytest.mark.parametrize("name", ["labour", "police", "executive", "admin"])
def test_other_staff_get_403_in_both_languages_and_nothing_opens(client, tokens, factory, name):
    for language in ("th", "en"):
        answer = client.post(
            "/api/v1/cases",
            json=intake_data(channel="web"),
            headers={**tokens[name], "Accept-Language": language},
        )
        assert answer.status_code == 403
        assert answer.get_json()["error"]["code"] == "permission_denied"
        message = answer.get_json()["error"]["message"]
        assert ("เฉพาะเจ้าหน้าที่รับเรื่อง" in message) == (language == "th")
        assert ("intake officers" in message) == (language == "en")
    assert _cases(factory) == 0


def test_a_designer_and_an_intake_role_outside_any_center_are_refused(client, factory, clock):
    designer = _token(factory, clock, "designer", "c5001", ["designer"])
    agency_intake = _token(factory, clock, "odd", "mol", ["intake"])  # intake role at an agency
    for headers in (designer, agency_intake):
        answer = client.post("/api/v1/cases", json=intake_data(channel="web"), headers=headers)
        assert answer.status_code == 403
    assert _cases(factory) == 0


def test_a_hostile_body_from_a_refused_role_is_still_a_403_never_a_500(client, tokens, factory):
    for body in ({}, {"title": None}, {"complainant": "<script>"}, {"area_code": "' OR 1=1"}):
        answer = client.post("/api/v1/cases", json=body, headers=tokens["labour"])
        assert answer.status_code == 403
    for body in ([], "x"):  # not even a JSON object: the edge refuses it before anyone asks
        answer = client.post("/api/v1/cases", json=body, headers=tokens["labour"])
        assert answer.status_code == 422
    assert _cases(factory) == 0


def test_the_engine_refuses_every_edge_alike(factory, clock, staff):
    with factory.begin() as session, pytest.raises(PermissionDenied):
        open_case(session, clock, staff["labour"], intake_data(channel="web"))
    with factory.begin() as session:  # the scheduler, citizens and imports still open cases
        open_case(session, clock, Actor.system(), intake_data(channel="web"))
    assert _cases(factory) == 1
