"""Fixtures of the import tests: the `damrong` command line pointed at the test database."""

from __future__ import annotations

import pytest


@pytest.fixture
def cli_db(factory, database_url, monkeypatch):  # type: ignore[no-untyped-def]
    """The emptied test database, as DAMRONG_DATABASE_URL for `damrong import`."""
    monkeypatch.setenv("DAMRONG_DATABASE_URL", database_url)
    return factory
