"""The language switch and the sign-in send the browser only to paths on this site."""

from __future__ import annotations

import pytest

from tests.admin.conftest import PASSWORD, csrf_of

ENCODED = [
    "/%09/evil.com",
    "//evil.com",
    "/%5Cevil.com",
    "%2F%2Fevil.com",
    "/%5C%5Cevil.com",
    "https:evil.com",
    "https%3A%2F%2Fevil.com",
    "javascript:alert(1)",
    "/staff/%0D%0ASet-Cookie:%20x=1",
    "/%0A/evil.com",
    "/%00",
    "/%E2%80%A8/evil.com",
]


@pytest.mark.parametrize("raw", ENCODED)
def test_the_language_switch_never_leaves_the_site(app, raw: str) -> None:
    response = app.test_client().get(f"/staff/lang/en?next={raw}")
    if response.status_code == 400:  # a NUL byte is refused before any page runs
        assert "%00" in raw
        return
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"


@pytest.mark.parametrize("raw", ENCODED)
def test_the_sign_in_never_leaves_the_site(app, people, raw: str) -> None:
    client = app.test_client()
    page = client.get(f"/staff/signin?next={raw}")
    if page.status_code == 400:  # a NUL byte is refused before any page runs
        assert "%00" in raw
        return
    assert page.status_code == 200 and "evil.com" not in page.headers.get("Location", "")
    response = client.post(
        f"/staff/signin?next={raw}",
        data={"username": "screener", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"


def test_a_path_on_this_site_is_kept_through_the_sign_in(app, people) -> None:
    client = app.test_client()
    bounced = client.get("/staff/cases?q=ไฟ")
    assert bounced.status_code == 302 and "/staff/signin?next=" in bounced.headers["Location"]
    page = client.get(bounced.headers["Location"])
    response = client.post(
        bounced.headers["Location"],
        data={"username": "screener", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
    )
    assert response.headers["Location"] == "/staff/cases?q=%E0%B9%84%E0%B8%9F"


def test_a_hostile_return_address_in_the_administration_is_refused(app, people) -> None:
    client = app.test_client()
    page = client.get("/staff/signin")
    client.post(
        "/staff/signin",
        data={"username": "admin", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
    )
    for raw in ("//evil.com", "/%09/evil.com", "/x%0D%0ASet-Cookie:a=b", "https://evil.com/"):
        response = client.get(f"/staff/admin/admin_org_units/new/?url={raw}")
        assert response.status_code == 400, raw
    back = "/staff/admin/admin_org_units/"
    assert client.get(f"{back}new/?url={back}").status_code == 200
