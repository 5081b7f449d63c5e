"""Shared web fixtures: the real app on the test database."""

from __future__ import annotations

import pytest

from damrong.app import create_app
from damrong.config import Config
from tests.admin.conftest import open_cases, people  # noqa: F401  (fixtures: staff, cases)
from tests.api.conftest import tokens  # noqa: F401  (fixture: API tokens per staff name)


@pytest.fixture
def app(factory, database_url, clock):  # type: ignore[no-untyped-def]
    return create_app(Config(database_url=database_url, secret_key="test"), clock=clock)
