"""API fixtures: the real app on the test database, and a bearer token per demo role."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from damrong.app import create_app
from damrong.config import Config
from engine.access.tokens import issue_token
from engine.models import User


@pytest.fixture
def app(factory, database_url, clock):  # type: ignore[no-untyped-def]
    return create_app(Config(database_url=database_url, secret_key="test"), clock=clock)


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture
def tokens(factory, staff, clock) -> dict[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    """Authorization headers per staff name."""
    with factory.begin() as session:
        return {
            name: {
                "Authorization": "Bearer "
                + issue_token(
                    session, clock(), session.scalar(select(User).where(User.username == name))
                )
            }
            for name in staff
        }
