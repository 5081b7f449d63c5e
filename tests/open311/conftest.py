"""Open311 fixtures: the real app on the test database, a client key, and parsing helpers."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from damrong.app import create_app
from damrong.config import Config
from open311 import keys


@pytest.fixture
def app(factory, database_url, clock):  # type: ignore[no-untyped-def]
    return create_app(Config(database_url=database_url, secret_key="test"), clock=clock)


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture
def api_key(factory, clock) -> str:  # type: ignore[no-untyped-def]
    """A live key for the partner app «superapp»."""
    with factory.begin() as session:
        return keys.issue_key(session, clock(), "superapp", requests_per_minute=100)


def xml(response) -> ElementTree.Element:  # type: ignore[no-untyped-def]
    """The response body parsed as XML (fails the test if it is not XML)."""
    assert response.content_type.startswith("text/xml"), response.content_type
    return ElementTree.fromstring(response.data)


def report(**overrides: object) -> dict:
    """A valid POST requests form: a wage complaint pinned in Chiang Mai city."""
    data = {
        "service_code": "labour",
        "lat": "18.79",
        "long": "98.98",
        "description": "นายจ้างไม่จ่ายค่าจ้างสองเดือนแล้ว ขอความช่วยเหลือด้วย",
        "first_name": "สมหญิง",
        "last_name": "รักงาน",
        "phone": "+66 81 234 5678",
        "email": "somying@example.com",
        "attribute[consent]": "true",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
