"""Signing in and out, the language switch, one's password and API tokens."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, session, url_for

from admin import staffsession
from admin.edge import (
    actor,
    blueprint,
    nav_items,
    reading,
    safe_next,
    services,
    start_session,
    writing,
)
from engine.access import accounts, sessions, tokens
from engine.access import signin as signing_in
from engine.cases import letters
from engine.errors import SignInLocked, Unauthenticated, ValidationFailed
from web.edge import client_address
from web.i18n import current_lang, languages, t


@blueprint.route("/signin", methods=["GET", "POST"])
def signin():  # type: ignore[no-untyped-def]
    """The sign-in form; past five wrong passwords the address (and the account, from an address
    that failed on it) waits 2, 4, 8 … seconds; a task form kept over the idle timeout returns."""
    target = safe_next(request.values.get("next"), url_for("staff.home"))
    if request.method == "GET":
        if g.user is not None:
            return redirect(target)
        return render_template("staff/signin.html", next=target, username="", error=None)
    username = request.form.get("username", "")
    failure = None
    with writing() as db:
        # The failure is counted in this transaction, so it commits even though sign-in failed.
        try:
            password = request.form.get("password", "")
            now, address = services().clock(), client_address()
            user = signing_in.sign_in(db, now, username, password, address)
            target = staffsession.restore_form(db, user) or target
            start_session(db, user)
        except Unauthenticated as exc:
            failure = exc
    if isinstance(failure, SignInLocked):
        page, status = _signin_failed(username, target, failure.message(current_lang()), 429)
        return page, status, {"Retry-After": str(failure.detail.get("retry_after", 1))}
    if failure is not None:
        message = t("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง", "Wrong username or password.")
        return _signin_failed(username, target, message, 401)
    return redirect(target)


def _signin_failed(username: str, target: str, message: str, status: int):  # type: ignore[no-untyped-def]
    page = render_template("staff/signin.html", next=target, username=username, error=message)
    return page, status


@blueprint.post("/signout")
def signout():  # type: ignore[no-untyped-def]
    """End the session on the server (a POST with the CSRF token, so no other site can sign
    anyone out); its cookie opens nothing after this."""
    lang = current_lang()
    staffsession.end()
    session.clear()
    session["lang"] = lang
    return redirect(url_for("staff.signin"))


@blueprint.get("/lang/<code>")
def set_language(code: str):  # type: ignore[no-untyped-def]
    """Switch between Thai and English for this browser session."""
    if code in languages():
        session["lang"] = code
    return redirect(safe_next(request.args.get("next"), url_for("staff.home")))


@blueprint.get("/")
def home():  # type: ignore[no-untyped-def]
    """Where a signed-in official starts: the first page of their menu (the inbox if their roles
    have one; a designer's, the process library)."""
    menu = [endpoint for endpoint, _th, _en in nav_items()]
    return redirect(url_for(menu[0]))


@blueprint.get("/account")
def account():  # type: ignore[no-untyped-def]
    """One's password form and API tokens."""
    return _account_page()


def _account_page(new_token: str | None = None, errors: dict | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    with reading() as db:
        mine = tokens.list_tokens(db, g.user.id)
        position = letters.own_position(db, actor())
    page = render_template(
        "staff/account.html",
        tokens=mine,
        new_token=new_token,
        errors=errors or {},
        position=request.form.get("position", position) if errors else position,
    )
    return page, status


def _field_messages(exc: ValidationFailed) -> dict[str, str]:
    return {k: v[1 if current_lang() == "en" else 0] for k, v in exc.fields.items()}


@blueprint.post("/account/password")
def change_password():  # type: ignore[no-untyped-def]
    """Change one's own password; every session of this user ends, and this browser gets a
    new one."""
    form = request.form
    try:
        with writing() as db:
            user = accounts.change_password(
                db,
                g.user.id,
                form.get("current_password", ""),
                form.get("new_password", ""),
                form.get("repeat_password", ""),
            )
            sessions.end_all(db, services().clock(), user.id, "password_changed")
            start_session(db, user)
    except ValidationFailed as exc:
        return _account_page(errors=_field_messages(exc), status=422)
    flash(t("เปลี่ยนรหัสผ่านแล้ว", "Your password has been changed."))
    return redirect(url_for("staff.account"))


@blueprint.post("/account/position")
def change_position():  # type: ignore[no-untyped-def]
    """One's position as it is printed under one's name on the letters one signs."""
    try:
        with writing() as db:
            letters.set_own_position(
                db, services().clock(), actor(), request.form.get("position", "")
            )
    except ValidationFailed as exc:
        return _account_page(errors=_field_messages(exc), status=422)
    flash(t("บันทึกตำแหน่งแล้ว", "Your position has been saved."))
    return redirect(url_for("staff.account"))


@blueprint.post("/account/tokens")
def create_token():  # type: ignore[no-untyped-def]
    """A new API token, shown on this page once and never again (only its hash is kept)."""
    try:
        with writing() as db:
            name = request.form.get("name", "")
            token = tokens.create_token(db, services().clock(), g.user.id, name)
    except ValidationFailed as exc:
        return _account_page(errors=_field_messages(exc), status=422)
    return _account_page(new_token=token)


@blueprint.post("/account/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):  # type: ignore[no-untyped-def]
    """Revoke one of one's own tokens."""
    with writing() as db:
        tokens.revoke_token(db, services().clock(), g.user.id, token_id)
    flash(t("เพิกถอนโทเคนแล้ว", "The token has been revoked."))
    return redirect(url_for("staff.account"))
