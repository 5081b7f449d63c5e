"""Mount the citizen portal and the Open311 endpoints on the app."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the portal's pages (each module adds its routes) and Open311 GeoReport v2."""
    from portal import directory, filing, line, pwa, track  # noqa: F401  (routes register)
    from portal.open311 import blueprint as open311
    from portal.pages import blueprint

    app.register_blueprint(open311)
    app.register_blueprint(blueprint)
