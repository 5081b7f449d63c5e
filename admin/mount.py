"""Mount the staff web on the app: every page module registers on the staff blueprint."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the staff blueprint; session cookies are HttpOnly and SameSite=Lax."""
    from admin import (  # noqa: F401  (routes register)
        account,
        administration,
        casework,
        console,
        designer,
        designer_archive,
        designer_compare,
        designer_forms,
        designer_json,
        designer_migrate,
        designer_testrun,
        inbox,
        intake,
        referral,
        taskpage,
        vendor,
    )
    from admin.edge import blueprint

    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax")
    app.register_blueprint(blueprint)
    administration.init_app(app)
