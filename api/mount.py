"""Mount the API on the app: its endpoints, the row-id converter and its error handlers."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import Flask
from flask.typing import ResponseReturnValue

from api.edge import blueprint, register_error_handlers
from web.converters import RowIdConverter


def init_app(
    app: Flask,
    not_found_pages: Mapping[str, Callable[[], ResponseReturnValue]] | None = None,
    error_pages: Mapping[str, Callable[..., ResponseReturnValue]] | None = None,
) -> None:
    """Mount the API blueprint and its error handlers (see register_error_handlers)."""
    import api.admin_notifications  # noqa: F401  (routes)
    from api import agency, cases, openapi, processes, reference, sla, stats, tasks, track  # noqa: F401

    app.url_map.converters["id"] = RowIdConverter
    app.register_blueprint(blueprint)
    register_error_handlers(app, not_found_pages or {}, error_pages)
