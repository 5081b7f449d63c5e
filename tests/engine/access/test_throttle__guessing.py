"""The guess limiter at the database: a claim counts before the secret is checked, a blocked
claim changes nothing, a right guess is given back without lifting someone else's block."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.access import throttle
from engine.errors import RateLimited
from engine.models import RateLimit

KEY = "guess:203.0.113.9"
HOUR = timedelta(hours=1)


def _claim(factory, clock) -> throttle.Guess:  # type: ignore[no-untyped-def]
    with factory.begin() as session:
        return throttle.check_guessing(session, KEY, clock())


def _row(factory) -> tuple[int, object]:  # type: ignore[no-untyped-def]
    with factory() as session:
        row = session.get(RateLimit, KEY)
        return row.hits, row.blocked_until


def test_free_guesses_then_doubling_waits(factory, clock):
    for _ in range(throttle.FREE_GUESSES):
        assert _claim(factory, clock).blocked_until is None
    started = _claim(factory, clock)  # the sixth is checked, and starts the first wait
    assert started.blocked_until == clock() + timedelta(seconds=1)
    with pytest.raises(RateLimited) as refused:
        _claim(factory, clock)
    assert refused.value.retry_after == 1
    assert _row(factory)[0] == throttle.FREE_GUESSES + 1  # a refused claim is not counted
    clock.advance(seconds=1)
    _claim(factory, clock)
    with pytest.raises(RateLimited) as refused:
        _claim(factory, clock)
    assert refused.value.retry_after == 2


def test_a_right_guess_is_given_back_with_the_block_it_started(factory, clock):
    for _ in range(throttle.FREE_GUESSES):
        _claim(factory, clock)
    right = _claim(factory, clock)
    assert right.blocked_until is not None
    with factory.begin() as session:
        throttle.forgive_guess(session, right)
    assert _row(factory) == (throttle.FREE_GUESSES, None)
    assert _claim(factory, clock).blocked_until is not None  # the next wrong one still waits


def test_forgiving_never_lifts_a_later_block(factory, clock):
    for _ in range(throttle.FREE_GUESSES):
        _claim(factory, clock)
    slow_right = _claim(factory, clock)  # its lookup is slow...
    clock.advance(seconds=1)
    _claim(factory, clock)  # ...meanwhile the block ends and a wrong guess starts a new one
    with factory.begin() as session:
        throttle.forgive_guess(session, slow_right)
    with pytest.raises(RateLimited):
        _claim(factory, clock)


def test_the_fixed_window_and_wrong_guesses_without_a_claim(factory, clock):
    with factory.begin() as session:
        for _ in range(3):
            throttle.hit(session, "file:203.0.113.9", clock(), 3, HOUR)
        with pytest.raises(RateLimited):
            throttle.hit(session, "file:203.0.113.9", clock(), 3, HOUR)
    with factory.begin() as session:
        counts = [throttle.record_wrong_guess(session, KEY, clock()) for _ in range(7)]
    assert counts == list(range(1, 8))
    with pytest.raises(RateLimited):
        _claim(factory, clock)
