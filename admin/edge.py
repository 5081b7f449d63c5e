"""The staff web's edge: the signed-in user, CSRF, transactions and error pages."""

from __future__ import annotations

import hmac
import logging
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from sqlalchemy.orm import Session
from werkzeug.exceptions import RequestEntityTooLarge

from admin import staffsession
from engine import errors
from engine.access.rules import CASE_READER_ROLES, PROCESS_ROLES, TASK_ROLES, Actor
from engine.models import User
from web import i18n

# The shared request helpers, re-exported so that this package's pages import one edge.
from web.edge import reading as reading
from web.edge import safe_next as safe_next
from web.edge import services as services
from web.edge import writing as writing
from web.errors import status_for
from web.headers import add_security_headers
from web.i18n import current_lang, pick, t

log = logging.getLogger(__name__)
blueprint = Blueprint(
    "staff",
    __name__,
    url_prefix="/staff",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
# Pages anyone may open without signing in.
PUBLIC_ENDPOINTS = {"staff.signin", "staff.static", "staff.vendor", "staff.set_language"}


@dataclass(frozen=True)
class StaffUser:
    """What pages show of the signed-in official (detached from any database session)."""

    id: int
    username: str
    display_name: str
    roles: frozenset[str]
    unit_name: tuple[str, str]


def actor() -> Actor:
    """The signed-in official as the engine sees them."""
    return g.actor


def csrf_token() -> str:
    """This session's CSRF token, made on first use; every POST form carries it."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def start_session(db: Session, user: User) -> None:
    """A fresh server-side session for a user who just signed in (a new id and CSRF token, no
    fixation); the cookie keeps only the session's random id."""
    lang = session.get("lang")
    session.clear()
    session["csrf"] = secrets.token_urlsafe(32)
    session["lang"] = lang if lang in i18n.languages() else user.language or "th"
    session.permanent = False
    staffsession.begin(db, user)


def load_user() -> None:
    """Put the signed-in official (or None) in g.user and g.actor, once per request."""
    if "user" in g:
        return
    g.user = g.actor = None
    user = staffsession.resume()
    if user is None:
        return
    unit = user.org_unit
    g.actor = Actor.for_user(user)
    g.user = StaffUser(
        user.id,
        user.username,
        user.display_name,
        frozenset(user.roles),
        (unit.name_th, unit.name_en),
    )


@blueprint.before_request
def guard():  # type: ignore[no-untyped-def]
    """Check CSRF on every POST, load the user, and send strangers to the sign-in page."""
    if request.method == "POST":
        sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
        expected = session.get("csrf")
        if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
            message = t(
                "แบบฟอร์มหมดอายุหรือไม่ได้ส่งมาจากหน้านี้ กรุณาโหลดหน้าใหม่แล้วลองอีกครั้ง",
                "The form expired or did not come from this site. Reload the page and try again.",
            )
            return render_template("staff/error.html", message=message, status=400), 400
    load_user()
    if g.user is None and request.endpoint not in PUBLIC_ENDPOINTS:
        return _to_sign_in()
    return None


def _to_sign_in():  # type: ignore[no-untyped-def]
    """The sign-in page, coming back here after; a task form posted after the idle timeout is
    kept and comes back as the task's draft."""
    target = request.full_path.rstrip("?")
    if request.method == "POST":
        target = staffsession.keep_posted_task_form() or safe_next(
            urlsplit(request.referrer or "").path, url_for("staff.home")
        )
    if g.get("session_ended") in ("idle", "expired"):
        minutes = int(staffsession.lifetime().idle.total_seconds() // 60)
        flash(
            t(
                f"หมดเวลาการใช้งาน (ไม่มีการใช้งาน {minutes} นาที หรือเข้าระบบนานเกินกำหนด) "
                "กรุณาเข้าสู่ระบบอีกครั้ง ข้อมูลที่กรอกในแบบฟอร์มงานจะถูกเก็บไว้เป็นร่าง",
                f"Your session ended ({minutes} minutes unused, or signed in too long). "
                "Sign in again: what you typed in a task form is kept as a draft.",
            )
        )
    return redirect(url_for("staff.signin", next=target))


@blueprint.after_request
def no_store(response):  # type: ignore[no-untyped-def]
    """Pages with personal data are not cached by the browser or proxies; the session cookie."""
    staffsession.set_cookie(response)
    if request.endpoint != "staff.static" and request.endpoint != "staff.vendor":
        response.headers.setdefault("Cache-Control", "no-store")
    return add_security_headers(response)


@blueprint.errorhandler(errors.DamrongError)
def domain_error(exc: errors.DamrongError):  # type: ignore[no-untyped-def]
    """A domain error as a page in the visitor's language; never a stack trace."""
    status = status_for(exc)
    message = exc.message(current_lang())
    # Also the page for errors raised in Flask-Admin's views, where this blueprint's context
    # processor does not run: the template's helpers are passed in.
    page = render_template("staff/error.html", message=message, status=status, **template_helpers())
    return page, status


@blueprint.errorhandler(RequestEntityTooLarge)
def too_large(_exc: RequestEntityTooLarge):  # type: ignore[no-untyped-def]
    """A request over the size limit (a big photo, say) as a page, not the API's JSON."""
    message = t(
        "ไฟล์หรือข้อมูลที่ส่งมีขนาดใหญ่เกินกำหนด (ไฟล์แนบไม่เกิน 1.5 MB) กรุณาย่อขนาดแล้วลองอีกครั้ง",
        "The file or form is too large (attachments up to 1.5 MB). Make it smaller and try again.",
    )
    return render_template("staff/error.html", message=message, status=413), 413


@blueprint.context_processor
def template_helpers() -> dict:
    """Helpers every staff template may use."""
    return {
        "t": t,
        "pick": pick,
        "lang": current_lang,
        "be_date": i18n.be_date,
        "languages": i18n.languages,
        "language_name": i18n.language_name,
        "remaining_text": i18n.remaining_text,
        "csrf_token": csrf_token,
        "current_user": lambda: g.get("user"),
        "nav_items": nav_items,
        "coming_versions": coming_versions,
    }


def coming_versions() -> list:
    """Process versions approved to go live at a time still to come: a notice on every page."""
    if g.get("user") is None:
        return []
    if "coming_versions" not in g:
        from engine.workflow.notices import coming_versions as coming

        with reading() as db:
            g.coming_versions = coming(db, services().clock())
    return g.coming_versions


def nav_items() -> list[tuple[str, str, str]]:
    """(endpoint, Thai, English) of the pages this user's roles may use."""
    user = g.get("user")
    if user is None:
        return []
    items = []
    if user.roles & TASK_ROLES:
        items.append(("staff.inbox", "กล่องงาน", "Inbox"))
    if "intake" in user.roles:
        items.append(("staff.intake", "รับเรื่อง", "New complaint"))
    if "supervisor" in user.roles:
        items.append(("staff.console", "งานเกินกำหนด", "Overdue"))
    if user.roles & CASE_READER_ROLES:
        items.append(("staff.cases", "เรื่องร้องเรียน", "Cases"))
    if user.roles & PROCESS_ROLES:  # a designer's only page: where they start (staff.home)
        items.append(("staff.designer", "กระบวนงาน", "Processes"))
    if "admin" in user.roles:
        items.append(("admin.index", "ผู้ดูแลระบบ", "Administration"))
    items.append(("staff.account", "บัญชีของฉัน", "My account"))
    return items


def not_found_page():  # type: ignore[no-untyped-def]
    """The staff web's page for an address it does not have (Thai or English)."""
    message = t("ไม่พบหน้าที่ต้องการ ตรวจสอบที่อยู่อีกครั้ง", "There is no such page; check the address.")
    return render_template(
        "staff/error.html", message=message, status=404, **template_helpers()
    ), 404
