"""Portal fixtures: the real app on the test database and a browser-like client with CSRF."""

from __future__ import annotations

import re

import pytest

from damrong.app import create_app
from damrong.config import Config


@pytest.fixture
def app(factory, database_url, clock):  # type: ignore[no-untyped-def]
    return create_app(
        Config(database_url=database_url, secret_key="test", base_url="http://portal.test"),
        clock=clock,
    )


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


def csrf(client, path: str = "/portal/complaint") -> str:  # type: ignore[no-untyped-def]
    """The CSRF token a page hands out (and the session cookie that goes with it)."""
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="_csrf" value="([^"]+)"', page)[1]


def complaint(**overrides: object) -> dict:
    """A complete complaint as the form posts it."""
    data = {
        "title": "ไฟถนนดับทั้งซอย",
        "description": "ไฟถนนในซอยวัดเกตดับมาสองสัปดาห์แล้ว กลางคืนมืดมาก",
        "category": "local_nuisance",
        "area_code:province": "50",
        "area_code:district": "5001",
        "area_code:subdistrict": "500101",
        "address_text": "ซอยวัดเกต",
        "complainant.name": "สมหญิง รักดี",
        "complainant.phone": "0812345678",
        "consent": "true",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def phone(browser, server):  # type: ignore[no-untyped-def]
    """A phone-sized page (390×844, touch, Thai) on the test module's `server`."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale="th-TH",
        base_url=server,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
