"""Staff web fixtures: the real app on the test database, officials with real passwords."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import pytest
from argon2 import PasswordHasher
from sqlalchemy import delete, update

from damrong.app import create_app
from damrong.config import Config
from engine.cases.intake import open_case
from engine.models import Category, User
from tests.conftest import intake_data, make_user

PASSWORD = "damrong1567"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@cache
def password_hash() -> str:
    """One argon2 hash for every test user (hashing is slow on purpose)."""
    return PasswordHasher().hash(PASSWORD)


@pytest.fixture
def app(factory, database_url, clock):  # type: ignore[no-untyped-def]
    return create_app(Config(database_url=database_url, secret_key="test"), clock=clock)


@pytest.fixture
def people(factory, staff):  # type: ignore[no-untyped-def]
    """The `staff` actors, each able to sign in with PASSWORD."""
    with factory.begin() as session:
        session.execute(update(User).values(password_hash=password_hash()))
    return staff


@pytest.fixture
def open_cases(factory, people, clock):  # type: ignore[no-untyped-def]
    """Open complaints at the Mueang Chiang Mai center; returns a function taking titles."""

    def make(*titles: str, **overrides: object) -> list[int]:
        ids = []
        for title in titles:
            with factory.begin() as session:
                opened = open_case(
                    session, clock, people["intake"], intake_data(title=title, **overrides)
                )
                ids.append(opened.case.id)
        return ids

    return make


def csrf_of(html: str) -> str:
    """The CSRF token a page's forms carry."""
    found = CSRF.search(html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def sign_in(client, username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    """Sign in through the form, as a browser would."""
    page = client.get("/staff/signin")
    return client.post(
        "/staff/signin",
        data={"username": username, "password": password, "csrf_token": csrf_of(page.text)},
    )


def add_official(factory, username: str, unit: str, roles: list[str]) -> None:  # type: ignore[no-untyped-def]
    """One more official who can sign in with PASSWORD."""
    with factory.begin() as session:
        make_user(session, username, unit, roles).password_hash = password_hash()


@pytest.fixture
def new_category_code(factory):  # type: ignore[no-untyped-def]
    """A category code a test may create; removed afterwards (categories are reference data)."""
    code = "water_supply"
    yield code
    with factory.begin() as session:
        session.execute(delete(Category).where(Category.code == code))


@pytest.fixture
def server(factory, database_url, clock) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app on a real local port for a browser test (a module may define its own)."""
    from tests.browser import live_server

    with live_server(
        create_app(Config(database_url=database_url, secret_key="browser-test"), clock=clock)
    ) as url:
        yield url
