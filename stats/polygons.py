"""The province polygons for the dashboard's map, read once from the package's data."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib.resources import files

POLYGONS = "thailand-provinces.geojson"


@cache
def provinces_geojson() -> bytes:
    """The 77 provinces as GeoJSON, keyed by DOPA province code (stats/data/README.md)."""
    return files("stats").joinpath("data", POLYGONS).read_bytes()


@cache
def provinces_etag() -> str:
    """A strong validator of the file: it changes only when the file does."""
    return hashlib.sha256(provinces_geojson()).hexdigest()[:32]


def province_codes() -> list[str]:
    """The DOPA codes the polygons carry, in the file's order."""
    features = json.loads(provinces_geojson())["features"]
    return [feature["properties"]["code"] for feature in features]
