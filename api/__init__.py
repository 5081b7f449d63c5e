"""REST API v1 (JSON) for staff tools, agencies and partner apps."""

from __future__ import annotations

from flask import Flask

from api.edge import blueprint, register_error_handlers


def init_app(app: Flask) -> None:
    """Mount the API blueprint and its error handlers."""
    from api import cases, openapi, reference, tasks, track  # noqa: F401  (routes register)

    app.register_blueprint(blueprint)
    register_error_handlers(app)
