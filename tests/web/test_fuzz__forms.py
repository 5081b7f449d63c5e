"""A form fuzzer for the pages (issue 13, quality bar): hostile field values — long, NUL and
other control characters, right-to-left and zero-width marks, huge and non-finite numbers,
nested JSON, template and SQL syntax, undecodable bytes, huge and bomb files — posted with a
valid CSRF token to every form a citizen, an official or an administrator fills in. No answer
is a 500, on SQLite and on PostgreSQL; each form gets a few dozen examples, so CI stays fast."""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from engine.models import Task
from tests.admin.conftest import sign_in
from tests.web.test_inputs__hostile import bomb_png

HOSTILE = [
    "",
    " ",
    "\x00",
    "ab\x00cd",
    "\x1b[31m\x07\x08",
    "\u202eเรื่องกลับด้าน\u202c",
    "\u200b\u200c\u200d\ufeff",
    "ก" * 5000,
    "x" * 100_000,
    "9" * 400,
    "-9" * 200 + ".5",
    "NaN",
    "-Infinity",
    "1e999",
    "0x7fffffffffffffff",
    "[" * 5000,
    '{"a":' * 200 + "1" + "}" * 200,
    "<script>alert(1)</script>",
    "'; DROP TABLE cases; --",
    "../../../../etc/passwd",
    "{{ 7*7 }}${7*7}%s%n",
    "31/02/2569",
    "๑๒๓๔๕",
    "0812345678",
    "javascript:alert(1)",
]
VALUES = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))
FILES = st.sampled_from(
    [b"", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, b"%PDF-" + b"\xff" * 5000, b"\0" * (3 * 1024 * 1024)]
    + [bomb_png()]
)
FIELD = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"[^>]*>', re.IGNORECASE)
FILE_FIELD = re.compile(
    r'<input\b[^>]*type="file"[^>]*name="([^"]+)"|<input\b[^>]*name="([^"]+)"[^>]*type="file"'
)
TOKEN = re.compile(
    r'name="(_csrf|csrf_token)"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="(_csrf|csrf_token)"'
)
QUICK = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def form_of(html: str) -> tuple[dict[str, str], list[str], list[str]]:
    """(the CSRF field and its value, the other field names, the file field names) of a page."""
    found = TOKEN.search(html)
    assert found, "the page has no CSRF token"
    token = {found.group(1) or found.group(4): found.group(2) or found.group(3)}
    files = sorted({a or b for a, b in FILE_FIELD.findall(html)})
    names = sorted(set(FIELD.findall(html)) - set(token) - set(files) - {"viewport", "theme-color"})
    return token, names, files


def fuzz(client, page: str, post: str, data) -> None:  # type: ignore[no-untyped-def]
    """Post one hostile filling of the form on `page` to `post`; anything but a 500 is fine."""
    token, names, files = form_of(client.get(page).get_data(as_text=True))
    chosen = data.draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names)))
    body: dict = {name: data.draw(VALUES) for name in chosen}
    for name in files:
        if data.draw(st.booleans()):
            body[name] = (io.BytesIO(data.draw(FILES)), data.draw(VALUES) or "f.png")
    response = client.post(post, data={**body, **token}, content_type="multipart/form-data")
    assert response.status_code < 500, (post, sorted(body), response.status_code)


@given(data=st.data())
@QUICK
def test_the_portals_forms(app, data):
    client = app.test_client()
    fuzz(client, "/portal/complaint", "/portal/complaint", data)
    fuzz(client, "/portal/track", "/portal/track", data)


@given(data=st.data())
@QUICK
def test_the_staff_sign_in(app, people, data):
    fuzz(app.test_client(), "/staff/signin", "/staff/signin", data)  # 400, 401 or 429


@pytest.fixture
def intake_client(app, people):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert sign_in(client, "intake").status_code == 302
    return client


@given(data=st.data())
@QUICK
def test_the_intake_form(intake_client, data):
    fuzz(intake_client, "/staff/intake", "/staff/intake", data)


@pytest.fixture
def screening(app, people, open_cases, factory):  # type: ignore[no-untyped-def]
    """A signed-in screener and the URL of the screening task of an open case."""
    case_id = open_cases("ไฟถนนดับทั้งซอย")[0]
    with factory() as session:
        task_id = session.scalar(select(Task.id).where(Task.case_id == case_id))
    client = app.test_client()
    assert sign_in(client, "screener").status_code == 302
    return client, f"/staff/tasks/{task_id}"


@given(data=st.data())
@QUICK
def test_a_task_form(screening, data):
    client, url = screening
    fuzz(client, url, url, data)


ADMIN_FORMS = [
    "/staff/admin/admin_holiday_overrides/new/",
    "/staff/admin/admin_categories/new/",
    "/staff/admin/admin_users/new/",
    "/staff/admin/admin_directory_entries/new/",
]


@pytest.fixture
def admin_client(app, people):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert sign_in(client, "admin").status_code == 302
    return client


@given(data=st.data())
@QUICK
def test_the_administration_forms(admin_client, data):
    for url in ADMIN_FORMS:
        fuzz(admin_client, url, url, data)


def test_undecodable_bytes_in_a_form_body_are_not_a_500(app):
    client = app.test_client()
    token, _names, _files = form_of(client.get("/portal/track").get_data(as_text=True))
    ((name, value),) = token.items()
    body = f"{name}={value}&code=%FF%FE%C3%28&secret=%ED%A0%80".encode()
    response = client.post(
        "/portal/track", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code < 500
