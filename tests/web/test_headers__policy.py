"""Security headers on what is served (issue 13, finding 18): every HTML page has a policy with
a fresh nonce and no framing by others; no inline handler or javascript: link is served; every
inline script carries the nonce (or is the forms' script, allowed by hash); personal data is
never cached."""

from __future__ import annotations

import re

import pytest

from tests.admin.conftest import sign_in

INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=|javascript:", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
STAFF_PAGES = {"intake": ["/staff/intake"], "supervisor": ["/staff/inbox", "/staff/cases"]}
ADMIN_PAGES = [
    "/staff/admin/",
    "/staff/admin/admin_users/",
    "/staff/admin/admin_holiday_overrides/",
    "/staff/admin/admin_holiday_overrides/new/",
    "/staff/admin/admin_categories/",
    "/staff/admin/partner-keys/",
    "/staff/admin/dead-letters/",
]
PUBLIC_PAGES = ["/portal/", "/portal/complaint", "/portal/track", "/staff/signin"]


def nonce_of(policy: str) -> str:
    found = re.search(r"'nonce-([^']+)'", policy)
    assert found, policy
    return found.group(1)


def check_page(response) -> None:  # type: ignore[no-untyped-def]
    """The policy's promises hold on one served page."""
    assert response.status_code == 200, response.status_code
    policy = response.headers["Content-Security-Policy"]
    assert (
        "frame-ancestors" in policy and "'unsafe-inline'" not in policy.split("style-src-attr")[0]
    )
    assert "object-src 'none'" in policy
    html = response.get_data(as_text=True)
    assert not INLINE_HANDLER.search(html), INLINE_HANDLER.search(html)
    nonce = nonce_of(policy)
    for attributes in SCRIPT_TAG.findall(html):
        assert "src=" in attributes or f'nonce="{nonce}"' in attributes or not attributes.strip()


def test_staff_and_administration_pages_carry_the_policy_and_no_inline_code(app, people):
    visits = [(name, path) for name, paths in STAFF_PAGES.items() for path in paths]
    visits += [("admin", path) for path in ADMIN_PAGES]
    nonces = set()
    for name, path in visits:
        client = app.test_client()
        assert sign_in(client, name).status_code == 302
        response = client.get(path)
        check_page(response)
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["Cache-Control"] == "no-store"
        nonces.add(nonce_of(response.headers["Content-Security-Policy"]))
    assert len(nonces) == len(visits)  # a fresh nonce for every response


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_carry_the_policy(app, path):
    response = app.test_client().get(path)
    check_page(response)


def test_personal_json_and_pdfs_are_never_cached_but_public_lists_may_be(app, tokens):
    client = app.test_client()
    for path in ("/api/v1/cases", "/api/v1/tasks", "/api/v1/track/AAAA-BBBB"):
        response = client.get(path, headers=tokens["screener"])
        assert response.headers.get("Cache-Control") == "no-store", path
        assert "Content-Security-Policy" not in response.headers  # JSON, not a page
    assert client.get("/api/v1/openapi.json").headers.get("Cache-Control") != "no-store"
