"""Signing in and out, growing delays, CSRF, password changes and API tokens, as a browser sees
them."""

from __future__ import annotations

from sqlalchemy import select

from engine.models import SignInDelay, Task
from tests.admin.conftest import PASSWORD, csrf_of, sign_in


def test_sign_in_opens_the_inbox_in_thai_and_sign_out_ends_the_session(app, people):
    client = app.test_client()
    assert client.get("/staff/inbox").headers["Location"].startswith("/staff/signin")
    response = sign_in(client, "screener")
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    inbox = client.get("/staff/inbox")
    assert inbox.status_code == 200 and "กล่องงาน" in inbox.text and 'lang="th"' in inbox.text
    client.post("/staff/signout", data={"csrf_token": csrf_of(inbox.text)})
    assert client.get("/staff/inbox").status_code == 302


def test_wrong_password_is_refused_in_thai_and_in_english_after_switching(app, people):
    client = app.test_client()
    refused = sign_in(client, "screener", "wrong-password")
    assert refused.status_code == 401 and "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in refused.text
    client.get("/staff/lang/en")
    refused = sign_in(client, "screener", "wrong-password")
    assert "Wrong username or password." in refused.text and 'lang="en"' in refused.text


def test_five_wrong_passwords_make_this_address_wait_two_then_four_seconds(app, people, clock):
    client = app.test_client()
    for _ in range(5):
        assert sign_in(client, "screener", "nope-nope").status_code == 401
    waiting = sign_in(client, "screener")  # even the right password, while this address waits
    assert waiting.status_code == 429 and "2 วินาที" in waiting.text
    assert waiting.headers["Retry-After"] == "2"
    clock.advance(seconds=2)
    assert sign_in(client, "screener", "nope-nope").status_code == 401  # the sixth: 4 s
    assert sign_in(client, "screener").headers["Retry-After"] == "4"
    clock.advance(seconds=4)
    assert sign_in(client, "screener").status_code == 302


def test_guesses_from_one_address_never_keep_the_right_password_out_of_another(
    app, people, clock, factory
):
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.66"
    for _ in range(12):
        sign_in(attacker, "admin", "guess-guess")
    assert sign_in(attacker, "admin").status_code == 429  # the guesser waits …
    official = app.test_client()
    official.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert sign_in(official, "admin").status_code == 302  # … the administrator does not
    with factory() as session:  # no name a stranger typed is stored
        keys = set(session.scalars(select(SignInDelay.key)))
        assert keys and not any("admin" in key for key in keys)


def test_a_success_in_between_resets_the_accounts_count(app, people):
    client = app.test_client()
    for _ in range(4):
        sign_in(client, "screener", "nope-nope")
    assert sign_in(client, "screener").status_code == 302
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.10"
    for _ in range(4):
        assert sign_in(other, "screener", "nope-nope").status_code == 401
    assert sign_in(other, "screener").status_code == 302


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(
    app, people, open_cases, factory
):
    open_cases("ไฟทางดับทั้งซอย")
    client = app.test_client()
    sign_in(client, "screener")
    with factory() as session:
        task_id = session.scalar(select(Task.id))
    for data in ({}, {"csrf_token": "forged"}):
        refused = client.post(f"/staff/tasks/{task_id}/claim", data=data)
        assert refused.status_code == 400 and "แบบฟอร์มหมดอายุ" in refused.text
    with factory() as session:
        assert session.get(Task, task_id).assignee_id is None
    # Signing in needs the token too (no login CSRF).
    fresh = app.test_client()
    response = fresh.post("/staff/signin", data={"username": "screener", "password": PASSWORD})
    assert response.status_code == 400


def test_next_after_sign_in_stays_on_this_site(app, people):
    client = app.test_client()
    page = client.get("/staff/signin")
    response = client.post(
        "/staff/signin?next=//evil.example/x",
        data={"username": "screener", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
    )
    assert response.headers["Location"] == "/staff/"
    assert client.get("/staff/lang/en?next=https://evil.example").headers["Location"] == "/staff/"


def test_password_change_needs_the_current_one_and_ends_other_sessions(app, people):
    client, elsewhere = app.test_client(), app.test_client()
    sign_in(client, "screener")
    sign_in(elsewhere, "screener")
    token = csrf_of(client.get("/staff/account").text)
    wrong = client.post(
        "/staff/account/password",
        data={
            "csrf_token": token,
            "current_password": "not-it",
            "new_password": "ใหม่-รหัส-2569",
            "repeat_password": "ใหม่-รหัส-2569",
        },
    )
    assert wrong.status_code == 422 and "รหัสผ่านปัจจุบันไม่ถูกต้อง" in wrong.text
    short = client.post(
        "/staff/account/password",
        data={
            "csrf_token": token,
            "current_password": PASSWORD,
            "new_password": "short",
            "repeat_password": "other",
        },
    )
    assert "อย่างน้อย 10 ตัวอักษร" in short.text and "ไม่ตรงกัน" in short.text
    done = client.post(
        "/staff/account/password",
        data={
            "csrf_token": token,
            "current_password": PASSWORD,
            "new_password": "ใหม่-รหัส-2569",
            "repeat_password": "ใหม่-รหัส-2569",
        },
    )
    assert done.status_code == 302
    assert client.get("/staff/account").status_code == 200  # this session carries on
    assert elsewhere.get("/staff/account").status_code == 302  # the other one is void
    assert sign_in(app.test_client(), "screener").status_code == 401
    assert sign_in(app.test_client(), "screener", "ใหม่-รหัส-2569").status_code == 302


def test_api_tokens_are_created_shown_once_and_revoked(app, people):
    client = app.test_client()
    sign_in(client, "labour")
    page = client.post(
        "/staff/account/tokens",
        data={"csrf_token": csrf_of(client.get("/staff/account").text), "name": "ระบบของกรม"},
    )
    token = page.text.split('id="new-token">')[1].split("<")[0]
    api = app.test_client()
    bearer = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/v1/tasks", headers=bearer).status_code == 200
    listing = client.get("/staff/account").text
    assert "ระบบของกรม" in listing and token not in listing
    token_id = listing.split("/staff/account/tokens/")[1].split("/")[0]
    # Someone else cannot revoke it.
    other = app.test_client()
    sign_in(other, "local")
    stolen = other.post(
        f"/staff/account/tokens/{token_id}/revoke",
        data={"csrf_token": csrf_of(other.get("/staff/account").text)},
    )
    assert stolen.status_code == 404
    assert api.get("/api/v1/tasks", headers=bearer).status_code == 200
    client.post(
        f"/staff/account/tokens/{token_id}/revoke",
        data={"csrf_token": csrf_of(client.get("/staff/account").text)},
    )
    assert api.get("/api/v1/tasks", headers=bearer).status_code == 401
    assert "เพิกถอนแล้ว" in client.get("/staff/account").text


def test_root_gives_browsers_the_portal_and_tools_the_json_index(app):
    client = app.test_client()
    browser = client.get("/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert browser.status_code == 302 and browser.headers["Location"] == "/portal/"
    home = client.get("/portal/")
    assert 'href="/staff/"' in home.text and 'href="/directory"' in home.text
    assert client.get("/", headers={"Accept": "application/json"}).get_json()["name"] == "Damrong"
    assert client.get("/").get_json()["api"] == "/api/v1/openapi.json"
    assert client.get("/api").get_json()["name"] == "Damrong"


def test_only_allow_listed_npm_files_are_served(app):
    client = app.test_client()
    css = client.get("/staff/vendor/@fontsource/noto-sans-thai/400.css")
    assert css.status_code == 200 and "Noto Sans Thai" in css.text
    for path in (
        "@fontsource/noto-sans-thai/package.json",
        "@fontsource/noto-sans-thai/../../package.json",
        ".package-lock.json",
    ):
        assert client.get(f"/staff/vendor/{path}").status_code == 404, path
