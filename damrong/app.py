"""The WSGI application factory: builds the engine objects and mounts the web parts."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, redirect, request, url_for
from flask_babel import Babel
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

import admin
import api
from admin.messages import TRANSLATIONS
from damrong.config import Config
from damrong.wiring import make_sessionmaker
from engine.clock import Clock, system_clock
from engine.db import make_engine


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
    app.config.update(SECRET_KEY=config.secret_key, MAX_CONTENT_LENGTH=config.max_request_bytes)
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
    api.init_app(app)
    admin.init_app(app)
    app.register_blueprint(__import__("portal.open311", fromlist=["blueprint"]).blueprint)
    app.register_blueprint(__import__("portal.pages", fromlist=["blueprint"]).blueprint)

    @app.get("/api")
    @app.get("/")
    def index():  # type: ignore[no-untyped-def]
        if request.path == "/" and admin.wants_page(request):
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
        from portal.pages import lang

        return lang()
    if blueprint.startswith(("api", "open311")):
        from api.edge import lang

        return lang()
    from admin.i18n import current_lang

    return current_lang()
