"""The staff web's edge: the signed-in user, CSRF, transactions and error pages."""

from __future__ import annotations

import hmac
import logging
import secrets
from dataclasses import dataclass

from flask import Blueprint, g, redirect, render_template, request, session, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from engine import errors
from engine.access.accounts import password_stamp
from engine.access.rules import CASE_READER_ROLES, TASK_ROLES, Actor
from engine.models import User
from web import i18n

# The shared request helpers, re-exported so that this package's pages import one edge.
from web.edge import reading as reading
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


def start_session(user: User) -> None:
    """A fresh session for a user who just signed in (a new CSRF token, no fixation)."""
    lang = session.get("lang")
    session.clear()
    session.update(uid=user.id, stamp=password_stamp(user), csrf=secrets.token_urlsafe(32))
    session["lang"] = lang if lang in i18n.languages() else user.language or "th"
    session.permanent = False


def safe_next(target: str | None, default: str) -> str:
    """Only a path on this site: never an open redirect to somewhere else."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def load_user() -> None:
    """Put the signed-in official (or None) in g.user and g.actor."""
    g.user = g.actor = None
    uid = session.get("uid")
    if uid is None:
        return
    with reading() as db:
        user = db.get(User, uid)
        if user is None or not user.active or session.get("stamp") != password_stamp(user):
            session.clear()  # deactivated, or the password changed since this session began
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
        return redirect(url_for("staff.signin", next=request.full_path.rstrip("?")))
    return None


@blueprint.after_request
def no_store(response):  # type: ignore[no-untyped-def]
    """Pages with personal data are not cached by the browser or proxies."""
    if request.endpoint != "staff.static" and request.endpoint != "staff.vendor":
        response.headers.setdefault("Cache-Control", "no-store")
    return add_security_headers(response)


@blueprint.errorhandler(errors.DamrongError)
def domain_error(exc: errors.DamrongError):  # type: ignore[no-untyped-def]
    """A domain error as a page in the visitor's language; never a stack trace."""
    status = status_for(exc)
    return render_template(
        "staff/error.html", message=exc.message(current_lang()), status=status
    ), status


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
    }


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
