"""REST API v1 (JSON) for staff tools, agencies and partner apps."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

from api.edge import blueprint, register_error_handlers


class IdConverter(IntegerConverter):
    """A row id: at most 18 digits, so an absurd number is a 404, not a database overflow."""

    regex = r"\d{1,18}"


def init_app(app: Flask) -> None:
    """Mount the API blueprint and its error handlers."""
    import api.admin_notifications  # noqa: F401  (routes)
    from api import agency, cases, openapi, reference, sla, tasks, track  # noqa: F401  (routes)

    app.url_map.converters["id"] = IdConverter
    app.register_blueprint(blueprint)
    register_error_handlers(app)
