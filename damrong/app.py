"""The WSGI application factory: builds the engine objects and mounts the web parts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Flask, redirect, request, send_file, url_for
from flask_babel import Babel
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

import admin.mount
import api.mount
import portal.mount
import portal.pages
from admin.edge import domain_error as staff_error_page
from admin.edge import not_found_page as staff_not_found_page
from damrong.config import Config
from damrong.wiring import make_sessionmaker
from engine.clock import Clock, system_clock
from engine.db import make_engine
from web.converters import RowIdConverter
from web.edge import lang as request_lang
from web.edge import wants_page
from web.headers import csp_nonce, map_tile_origin, secure_response
from web.i18n import current_lang
from web.inputs import StrictJSONProvider, StrictRequest, refuse_control_characters
from web.messages import TRANSLATIONS

FAVICON = Path(__file__).with_name("favicon.ico")


@dataclass
class Services:
    """What the web parts need from the composition root, kept in app.extensions."""

    engine: Engine
    writer: sessionmaker[Session]
    reader: sessionmaker[Session]
    clock: Clock
    config: Config


def create_app(config: Config | None = None, clock: Clock | None = None) -> Flask:
    """Build the Flask app; tests pass their own config and clock."""
    config = config or Config.from_env()
    app = Flask(__name__)
    app.url_map.converters["int"] = RowIdConverter  # every <int:…> id fits its column (404 above)
    app.config.update(SECRET_KEY=config.secret_key, MAX_CONTENT_LENGTH=config.max_request_bytes)
    app.json = StrictJSONProvider(app)  # a hostile body is a 400 (web/inputs.py)
    app.request_class = StrictRequest  # and so are control characters in a form
    app.json.ensure_ascii = False  # Thai stays readable in JSON
    app.json.sort_keys = False
    engine = make_engine(config.database_url)
    app.extensions["damrong"] = Services(
        engine=engine,
        writer=make_sessionmaker(engine, write=True),
        reader=make_sessionmaker(engine, write=False),
        clock=clock or system_clock,
        config=config,
    )
    catalogs = [config.translations, str(TRANSLATIONS)]  # an operator's first
    Babel(
        app,
        default_locale="th",
        default_timezone="Asia/Bangkok",
        default_translation_directories=";".join(filter(None, catalogs)),
        locale_selector=_select_locale,
    )
    # An unknown address under /staff/ or /portal/ gets that part's own page, not the API's JSON.
    app.before_request(refuse_control_characters)  # before any part's own checks
    tiles = map_tile_origin(config.map_tile_url)
    app.after_request(lambda response: secure_response(response, map_tiles=tiles))
    app.context_processor(lambda: {"csp_nonce": csp_nonce})
    not_found_pages = {"/staff/": staff_not_found_page, "/portal/": portal.pages.not_found_page}
    api.mount.init_app(app, not_found_pages, {"/staff/": staff_error_page})
    admin.mount.init_app(app)
    portal.mount.init_app(app)

    @app.get("/favicon.ico")
    def favicon():  # type: ignore[no-untyped-def]
        """The tab icon every browser asks for (a public building on the staff web's blue)."""
        return send_file(FAVICON, mimetype="image/vnd.microsoft.icon", max_age=7 * 86400)

    @app.get("/api")
    @app.get("/")
    def index():  # type: ignore[no-untyped-def]
        if request.path == "/" and wants_page():
            # Citizens are most of the visitors: the portal, which links to the staff sign-in.
            return redirect(url_for("portal.home"))
        return {
            "name": "Damrong",
            "name_th": "ระบบรับเรื่องร้องเรียน ศูนย์ดำรงธรรม",
            "api": "/api/v1/openapi.json",
        }

    return app


def _select_locale() -> str:
    """Flask-Babel's locale: the language the part of the site being used has chosen."""
    blueprint = request.blueprint or ""
    if blueprint.startswith("portal"):
        return portal.pages.lang()
    if blueprint.startswith(("api", "open311")):
        return request_lang()
    return current_lang()
