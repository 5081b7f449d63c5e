"""The staff web's server-side sessions: the cookie, its lifetime, and a form kept over a sign-in.

The cookie carries only the session's random id (HttpOnly, SameSite=Lax, Secure when the public
address is https); engine/access/sessions.py keeps its hash and decides when it has ended.
"""

from __future__ import annotations

import re
from datetime import timedelta

from flask import g, request
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from engine.access import sessions
from engine.access.rules import Actor
from engine.cases import tasks as task_service
from engine.errors import DamrongError
from engine.models import Task, User
from forms.formdata import parse_form
from web.edge import reading, services, writing

COOKIE = "damrong_staff"
TASK_PAGE = re.compile(r"^/staff/tasks/(\d{1,12})$")
KEPT_FORM_BYTES = 64 * 1024  # a task form is far smaller; a larger post is not kept


def lifetime() -> sessions.Lifetime:
    """The configured idle timeout and absolute lifetime."""
    config = services().config
    return sessions.Lifetime(
        idle=timedelta(minutes=getattr(config, "session_idle_minutes", 30)),
        absolute=timedelta(hours=getattr(config, "session_max_hours", 12)),
    )


def begin(db: Session, user: User) -> None:
    """Start a server-side session; its id goes out in this response's cookie."""
    g.staff_cookie = sessions.start(db, services().clock(), user)


def resume() -> User | None:
    """The official whose live session this request's cookie names (None once it has ended)."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    now = services().clock()
    with reading() as db:
        resumed = sessions.resume(db, now, token, lifetime())
        if resumed.user is not None:
            db.expunge(resumed.user)
    if resumed.row is not None and sessions.needs_writing(resumed, now):
        with writing() as db:
            sessions.record(db, now, resumed.row.id, resumed.ended)
    if resumed.ended is not None:
        # The browser keeps the useless id: the next sign-in finds a form kept under it.
        g.session_ended = resumed.ended
        g.ended_session_id = resumed.row.id if resumed.row is not None else None
    return resumed.user


def end() -> None:
    """Sign out: the session ends on the server, and the browser forgets its id."""
    with writing() as db:
        sessions.end(db, services().clock(), request.cookies.get(COOKIE))
    g.staff_cookie = ""


def keep_posted_task_form() -> str | None:
    """A task form posted after the idle timeout: kept on the ended session; returns its page."""
    row_id, path = g.get("ended_session_id"), request.path
    if g.get("session_ended") != "idle" or row_id is None or not TASK_PAGE.match(path):
        return None
    if (request.content_length or 0) > KEPT_FORM_BYTES:
        return path
    fields = {key: request.form.getlist(key) for key in request.form if key != "csrf_token"}
    with writing() as db:
        sessions.keep_form(db, row_id, path, fields)
    return path


def restore_form(db: Session, user: User) -> str | None:
    """After signing in: the kept task form back as the task's draft; returns the task page."""
    kept = sessions.take_form(db, request.cookies.get(COOKIE), user.id)
    if kept is None:
        return None
    path, fields = kept
    task_id = int(TASK_PAGE.match(path).group(1))  # type: ignore[union-attr]
    task = db.get(Task, task_id)
    if task is None:
        return None
    values = dict(parse_form(task.form, MultiDict(list(_pairs(fields)))))
    try:  # save_draft checks everything before it changes anything
        task_service.save_draft(db, services().clock, Actor.for_user(user), task_id, values)
    except DamrongError:
        return None  # the task was done or taken meanwhile: nothing to put back
    return path


def _pairs(fields: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    for key, values in fields.items():
        for value in values if isinstance(values, list) else [values]:
            yield str(key), str(value)


def set_cookie(response):  # type: ignore[no-untyped-def]
    """Send the new session id, or tell the browser to forget an ended one."""
    token = g.get("staff_cookie")
    if token is None:
        return response
    if token == "":
        response.delete_cookie(COOKIE, path="/staff", httponly=True, samesite="Lax")
        return response
    secure = bool(getattr(services().config, "secure_cookies", False))
    response.set_cookie(COOKIE, token, path="/staff", httponly=True, samesite="Lax", secure=secure)
    return response
