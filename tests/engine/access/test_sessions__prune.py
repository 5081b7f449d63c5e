"""The scheduler's sign-in clean-up: ended staff sessions and stale sign-in delays go, live ones
stay (the tables would otherwise grow with every sign-in for ever)."""

from __future__ import annotations

import contextlib

from sqlalchemy import func, select

from damrong.jobs import job_list
from engine.access import sessions, signin
from engine.errors import Unauthenticated
from engine.models import SignInDelay, StaffSession, User


def _count(factory, model) -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_the_job_drops_old_sessions_and_delays_and_keeps_current_ones(factory, clock, staff):
    prune_job = next(job for job in job_list(30) if job.name == "sign_in_prune")
    with factory.begin() as session:
        user = session.scalar(select(User).where(User.username == "screener"))
        ended = sessions.start(session, clock(), user)
        sessions.end(session, clock(), ended)
    for _ in range(2):  # failed sign-ins from one address leave delay rows behind
        # The edge keeps the failure: the transaction commits.
        with factory.begin() as session, contextlib.suppress(Unauthenticated):
            signin.sign_in(session, clock(), "screener", "wrong password", "203.0.113.9")
    assert _count(factory, SignInDelay) > 0
    clock.advance(days=8)
    with factory.begin() as session:
        live = sessions.start(session, clock(), session.get(User, user.id))
    prune_job.run(factory, clock)
    assert _count(factory, SignInDelay) == 0
    with factory() as session:
        assert sessions.find(session, ended) is None
        assert sessions.find(session, live) is not None
    assert _count(factory, StaffSession) == 1
