"""The citizen portal's blueprint at /portal/: language, CSRF, transactions, error pages.

Pages are phone-first, Thai by default (`?lang=en` switches, remembered in the session), and
every POST carries the session's CSRF token. Domain errors become pages, never 500s.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from flask import (
    Blueprint,
    g,
    make_response,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.exceptions import RequestEntityTooLarge

from engine import errors
from forms.render import stylesheet
from stats.polygons import provinces_etag, provinces_geojson
from web import i18n

# The shared request helpers, re-exported so that this package's pages import one edge.
from web.edge import reading as reading
from web.edge import services as services
from web.edge import writing as writing
from web.errors import status_for
from web.headers import add_security_headers
from web.inputs import tokens_match
from web.vendor import send_vendor_file

blueprint = Blueprint(
    "portal",
    __name__,
    url_prefix="/portal",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

VENDOR: dict[str, frozenset[str]] = {
    "@fontsource/noto-sans-thai": frozenset({".css", ".woff2", ".woff"}),
    "leaflet/dist": frozenset({".js", ".css", ".png"}),
}
CSRF_KEY = "portal_csrf"
PRIVATE_ENDPOINTS = frozenset(
    {"portal.receipt", "portal.case_page", "portal.case_action", "portal.line_code"}
)


def lang() -> str:
    """The visitor's language: Thai unless they chose English or a language with a catalog."""
    if "portal_lang" not in g:
        offered = i18n.languages()
        wanted = request.args.get("lang")
        if wanted in offered:
            session["lang"] = wanted
        chosen = session.get("lang")
        g.portal_lang = chosen if chosen in offered else "th"
    return g.portal_lang


def t(thai: str, english: str) -> str:
    """The text in the visitor's language (Thai, English, or a catalog's; see web.i18n)."""
    return i18n.translate(thai, english, lang())


def pick(pair: tuple[str, str]) -> str:
    """One of a (Thai, English) pair (English for any language but Thai)."""
    return pair[0] if lang() == "th" else pair[1]


def csrf_token() -> str:
    """This session's CSRF token (made on first use)."""
    token = session.get(CSRF_KEY)
    if not isinstance(token, str) or len(token) < 32:
        token = session[CSRF_KEY] = secrets.token_urlsafe(32)
    return token


def message_page(title: tuple[str, str], text: tuple[str, str], status: int):  # type: ignore[no-untyped-def]
    """A plain page that says what happened and what to do next."""
    return render_template("portal/message.html", title=pick(title), text=pick(text)), status


def not_found_page():  # type: ignore[no-untyped-def]
    """The portal's page for an address it does not have (Thai or English)."""
    page = render_template(
        "portal/message.html",
        title=t("ไม่พบหน้านี้", "Page not found"),
        text=t(
            "ไม่พบหน้าที่ต้องการ กลับไปหน้าแรกเพื่อร้องเรียนหรือติดตามเรื่อง",
            "There is no such page. Go back to the start to complain or follow a case.",
        ),
        **template_helpers(),
    )
    return page, 404


@blueprint.before_request
def check_post():  # type: ignore[no-untyped-def]
    """Every POST carries this session's CSRF token; uploads may be larger than API bodies."""
    lang()
    if request.method != "POST" or request.endpoint == "portal.line_webhook":
        return None  # LINE signs its webhook instead
    request.max_content_length = 30 * 1024 * 1024
    sent = request.form.get("_csrf", "")
    expected = session.get(CSRF_KEY)
    if not tokens_match(sent, expected):
        return message_page(
            ("หน้านี้หมดอายุแล้ว", "This page has expired"),
            (
                "เพื่อความปลอดภัย กรุณากลับไปเปิดหน้าฟอร์มใหม่แล้วส่งอีกครั้ง",
                "For your safety, please open the form again and resend it.",
            ),
            400,
        )
    return None


@blueprint.after_request
def private_pages(response):  # type: ignore[no-untyped-def]
    """Pages holding a secret or a case link stay out of caches and other sites' logs."""
    add_security_headers(response, deny_framing=False)
    if request.endpoint in PRIVATE_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.context_processor
def template_helpers() -> dict:
    """t(), lang and the CSRF token in every portal template."""
    return {
        "t": t,
        "lang": lang(),
        "languages": i18n.languages,
        "language_name": i18n.language_name,
        "csrf_token": csrf_token,
        "pick": pick,
        "switch_path": _switch_path(),
    }


def _switch_path() -> str:
    """Where the language link goes: this page with its query (a search, a page number), or after
    an action its case page (a GET)."""
    token = (request.view_args or {}).get("token")
    if request.method != "GET" and token:
        return url_for("portal.case_page", token=token)
    if request.method != "GET":
        return request.path
    kept = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    return request.path + ("?" + urlencode(kept) if kept else "")  # a search stays on switching


@blueprint.errorhandler(errors.DamrongError)
def domain_error(exc: errors.DamrongError):  # type: ignore[no-untyped-def]
    """A domain error as a page that says what happened, with the web's one status mapping."""
    return message_page(
        ("ดำเนินการไม่ได้", "That did not work"), (exc.message_th, exc.message_en), status_for(exc)
    )


@blueprint.errorhandler(RequestEntityTooLarge)
def too_large(_exc):  # type: ignore[no-untyped-def]
    """A request over the upload limit as a page that says what to do."""
    return message_page(
        ("ไฟล์ใหญ่เกินไป", "The files are too large"),
        (
            "ไฟล์ที่แนบรวมกันมีขนาดใหญ่เกินกำหนด กรุณาแนบไฟล์ที่เล็กลงหรือน้อยลง",
            "Together the attached files are too large; attach smaller or fewer files.",
        ),
        413,
    )


@blueprint.get("/")
def home():  # type: ignore[no-untyped-def]
    """The portal's start page: file a complaint or follow one."""
    return render_template("portal/home.html")


@blueprint.get("/forms.css")
def form_styles():  # type: ignore[no-untyped-def]
    """The shared renderer's stylesheet."""
    return (
        stylesheet(),
        200,
        {"Content-Type": "text/css; charset=utf-8", "Cache-Control": "max-age=3600"},
    )


@blueprint.get("/provinces.geojson")
def provinces():  # type: ignore[no-untyped-def]
    """The province outlines the map draws when no tile source is configured."""
    response = make_response(provinces_geojson())  # stats/data, see its README
    response.mimetype = "application/geo+json"
    response.set_etag(provinces_etag())
    response.cache_control.public, response.cache_control.max_age = True, 86400
    return response.make_conditional(request)


@blueprint.get("/vendor/<path:path>")
def vendor(path: str):  # type: ignore[no-untyped-def]
    """An allow-listed front-end file from npm (the Thai font, Leaflet), served locally."""
    return send_vendor_file(path, VENDOR)
