"""Citizen tracking: wrong guesses from one address are slowed down, with one answer for all."""

from __future__ import annotations

from sqlalchemy import func, select

from damrong.jobs import job_list
from engine.access.rules import Actor
from engine.cases.intake import open_case
from engine.models import RateLimit
from tests.conftest import intake_data

GUESSER = {"REMOTE_ADDR": "203.0.113.7"}
NEIGHBOUR = {"REMOTE_ADDR": "203.0.113.8"}


def a_case(factory, clock) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    with factory.begin() as session:
        opened = open_case(session, clock, Actor.system(), intake_data(channel="web"))
        return opened.case.tracking_code, opened.citizen_secret


def track(client, code, secret, environ=GUESSER):  # type: ignore[no-untyped-def]
    return client.get(
        f"/api/v1/track/{code}", headers={"X-Citizen-Secret": secret}, environ_base=environ
    )


def test_wrong_and_unknown_codes_get_the_same_answer(client, factory, clock):
    code, _secret = a_case(factory, clock)
    wrong_secret = track(client, code, "AAAAAAAA")
    unknown_code = track(client, "0000-0000-000", "AAAAAAAA")
    malformed = track(client, "hello", "AAAAAAAA")
    assert wrong_secret.status_code == unknown_code.status_code == malformed.status_code == 404
    assert wrong_secret.get_json() == unknown_code.get_json() == malformed.get_json()


def test_repeated_guessing_is_slowed_down_then_allowed_again(client, factory, clock):
    code, secret = a_case(factory, clock)
    for _ in range(5):  # a few typos are free
        assert track(client, code, "WRONG000").status_code == 404
    assert track(client, code, "WRONG000").status_code == 404  # the 6th starts the wait
    refused = track(client, code, secret)  # even the right secret waits: guesses learn nothing
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "1"
    assert refused.get_json()["error"]["code"] == "rate_limited"
    assert track(client, "0000-0000-000", "X", NEIGHBOUR).status_code == 404  # others unaffected

    clock.advance(seconds=1)
    assert track(client, code, "WRONG000").status_code == 404
    assert track(client, code, secret).headers["Retry-After"] == "2"  # each wait doubles
    clock.advance(seconds=2)
    assert track(client, code, secret).status_code == 200


def test_citizen_actions_share_the_same_limit(client, factory, clock):
    code, secret = a_case(factory, clock)
    for _ in range(6):
        response = client.post(
            f"/api/v1/track/{code}/messages/withdraw",
            headers={"X-Citizen-Secret": "WRONG000"},
            environ_base=GUESSER,
        )
        assert response.status_code == 404
    response = client.post(
        f"/api/v1/track/{code}/messages/withdraw",
        headers={"X-Citizen-Secret": secret},
        environ_base=GUESSER,
    )
    assert response.status_code == 429 and int(response.headers["Retry-After"]) >= 1


def test_after_an_hour_without_guesses_the_count_starts_again(client, factory, clock):
    code, secret = a_case(factory, clock)
    for _ in range(5):
        track(client, code, "WRONG000")
    clock.advance(hours=1, seconds=1)
    for _ in range(5):
        assert track(client, code, "WRONG000").status_code == 404
    assert track(client, code, secret).status_code == 200


def test_the_scheduler_prunes_counters_that_are_over(client, factory, clock):
    code, _secret = a_case(factory, clock)
    for _ in range(7):
        track(client, code, "WRONG000")
    prune = next(job for job in job_list(30) if job.name == "rate_limit_prune")
    assert prune.run(factory, clock) == 0  # still blocked and in its window: kept
    clock.advance(hours=2)
    assert prune.run(factory, clock) == 1
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(RateLimit)) == 0
