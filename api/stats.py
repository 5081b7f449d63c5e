"""Dashboard figures over the API (issue 17): so far the province polygons for the map."""

from __future__ import annotations

from flask import Response, request

from api.edge import blueprint
from stats.polygons import provinces_etag, provinces_geojson

ONE_DAY = 86400


@blueprint.get("/stats/provinces.geojson")
def province_polygons():  # type: ignore[no-untyped-def]
    """The 77 provinces' polygons (public data): cached a day, 304 when the ETag still matches."""
    response = Response(provinces_geojson(), mimetype="application/geo+json")
    response.set_etag(provinces_etag())
    response.headers["Cache-Control"] = f"public, max-age={ONE_DAY}"
    return response.make_conditional(request)
