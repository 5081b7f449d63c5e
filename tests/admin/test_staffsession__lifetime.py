"""Server-side staff sessions: sign-out, password change and deactivation end them; idle timeout
and absolute lifetime; the cookie holds only a random id; a form survives the idle timeout."""

from __future__ import annotations

from sqlalchemy import select

from admin.staffsession import COOKIE
from damrong.app import create_app
from damrong.config import Config
from engine.cases import tasks
from engine.models import StaffSession, Task, User
from tests.admin.conftest import PASSWORD, csrf_of, sign_in
from tests.admin.test_administration__audited import CSRF as ADMIN_CSRF


def _cookie(client) -> str:  # type: ignore[no-untyped-def]
    return client.get_cookie(COOKIE, path="/staff").value


def test_the_cookie_carries_a_random_id_kept_only_hashed(app, people, factory) -> None:
    client = app.test_client()
    response = sign_in(client, "screener")
    staff_cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith(COOKIE))
    assert "HttpOnly" in staff_cookie and "SameSite=Lax" in staff_cookie
    assert "Secure" not in staff_cookie  # the test site's address is plain http
    token = _cookie(client)
    with factory() as session:
        row = session.scalars(select(StaffSession)).one()
        assert token not in row.token_hash and len(row.token_hash) == 64
    assert "uid" not in str(client.get_cookie("session").value)


def test_signing_out_ends_the_session_even_for_a_copied_cookie(app, people) -> None:
    client = app.test_client()
    sign_in(client, "screener")
    copy = app.test_client()
    copy.set_cookie(COOKIE, _cookie(client), path="/staff")
    assert copy.get("/staff/inbox").status_code == 200
    client.post("/staff/signout", data={"csrf_token": csrf_of(client.get("/staff/inbox").text)})
    assert client.get("/staff/inbox").status_code == 302
    assert copy.get("/staff/inbox").status_code == 302  # the stolen copy is dead too


def test_thirty_idle_minutes_end_a_session_and_use_keeps_it_alive(app, people, clock) -> None:
    client = app.test_client()
    sign_in(client, "screener")
    for _ in range(4):
        clock.advance(minutes=29)
        assert client.get("/staff/inbox").status_code == 200
    clock.advance(minutes=30)
    bounced = client.get("/staff/inbox")
    assert bounced.status_code == 302 and "/staff/signin" in bounced.headers["Location"]
    assert "หมดเวลาการใช้งาน" in client.get(bounced.headers["Location"]).text
    clock.advance(minutes=-60)  # a session that ended stays ended
    assert client.get("/staff/inbox").status_code == 302


def test_twelve_hours_end_any_session_however_busy(app, people, clock) -> None:
    client = app.test_client()
    sign_in(client, "screener")
    for _ in range(23):
        clock.advance(minutes=30, seconds=-1)
        assert client.get("/staff/inbox").status_code == 200
    clock.advance(minutes=30)
    assert client.get("/staff/inbox").status_code == 302


def test_the_lifetimes_come_from_the_configuration(factory, database_url, clock, people) -> None:
    config = Config(
        database_url=database_url,
        secret_key="test",
        base_url="https://damrong.example.go.th",
        session_idle_minutes=5,
        session_max_hours=1,
    )
    client = create_app(config, clock=clock).test_client()
    response = sign_in(client, "screener")
    staff_cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith(COOKIE))
    assert "Secure" in staff_cookie  # the public address is https
    clock.advance(minutes=5)
    assert client.get("/staff/inbox").status_code == 302
    assert Config.from_env({"DAMRONG_SESSION_IDLE_MINUTES": "45"}).session_idle_minutes == 45
    assert Config.from_env({"DAMRONG_SESSION_MAX_HOURS": "8"}).session_max_hours == 8
    assert Config.from_env({"DAMRONG_PUBLIC_URL": "https://x.go.th"}).secure_cookies


def test_deactivation_and_an_administrators_reset_end_every_session(
    app, people, factory, open_cases, clock
) -> None:
    [case_id] = open_cases("นายจ้างไม่จ่ายค่าจ้าง")
    with factory.begin() as session:  # the screener holds the case's screening task
        task = session.scalars(select(Task).where(Task.case_id == case_id)).one()
        tasks.claim(session, clock, people["screener"], task.id)
    official, admin = app.test_client(), app.test_client()
    sign_in(official, "screener")
    sign_in(admin, "admin")
    with factory() as session:
        user_id = session.scalar(select(User.id).where(User.username == "screener"))
    edit = f"/staff/admin/admin_users/edit/?id={user_id}"
    form = admin.get(edit).text
    data = {
        "csrf_token": ADMIN_CSRF.search(form).group(1),
        "username": "screener",
        "display_name": "screener",
        "org_unit": "",
        "language": "th",
        "roles": ["screener"],
        "new_password": "",
    }
    with factory() as session:
        data["org_unit"] = str(session.get(User, user_id).org_unit_id)
    admin.post(edit, data=data)  # "active" left unticked: deactivated
    assert official.get("/staff/inbox").status_code == 302
    with factory() as session:
        row = session.scalars(select(StaffSession).where(StaffSession.user_id == user_id)).one()
        assert row.end_reason == "deactivated"
        held = session.scalars(select(Task).where(Task.case_id == case_id)).one()
        assert held.assignee_id is None, "the deactivated screener's task went back to the group"


def test_a_task_form_posted_after_the_idle_timeout_comes_back_after_signing_in(
    app, people, open_cases, factory, clock
) -> None:
    open_cases("ไฟทางดับทั้งซอย")
    client = app.test_client()
    sign_in(client, "screener")
    with factory() as session:
        task_id = session.scalar(select(Task.id))
    page = client.get(f"/staff/tasks/{task_id}").text
    clock.advance(minutes=45)  # the official wrote a long note, then pressed "submit"
    typed = "ตรวจสอบแล้ว ไฟทางดับจริงทั้งซอย ส่งให้เทศบาลดำเนินการ"
    sent = client.post(
        f"/staff/tasks/{task_id}",
        data={"csrf_token": csrf_of(page), "decision": "reject", "reason": typed},
    )
    assert sent.status_code == 302 and "signin" in sent.headers["Location"]
    token = csrf_of(client.get(sent.headers["Location"]).text)
    back = client.post(
        sent.headers["Location"],
        data={
            "username": "screener",
            "password": PASSWORD,
            "csrf_token": token,
        },
    )
    assert back.headers["Location"] == f"/staff/tasks/{task_id}"
    with factory() as session:
        draft = session.get(Task, task_id).draft
        assert typed in str(draft)
    assert typed in client.get(f"/staff/tasks/{task_id}").text
