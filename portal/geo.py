"""Which province a point lies in, on the shipped province map (stats/data, Natural Earth).

Pure Python ray casting with a bounding-box prefilter; the map is read once per process.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from stats.polygons import provinces_geojson

Ring = tuple[tuple[float, float], ...]  # (lon, lat) pairs, as GeoJSON orders them


@dataclass(frozen=True)
class Polygon:
    """An outer ring, its holes, and the box around the outer ring."""

    outer: Ring
    holes: tuple[Ring, ...]
    box: tuple[float, float, float, float]  # min lon, min lat, max lon, max lat


@dataclass(frozen=True)
class Province:
    """A province's DOPA code, names and polygons."""

    code: str
    name_th: str
    name_en: str
    polygons: tuple[Polygon, ...]
    box: tuple[float, float, float, float]


def _ring(points: list) -> Ring:
    return tuple((float(p[0]), float(p[1])) for p in points)


def _box(rings: list[Ring]) -> tuple[float, float, float, float]:
    lons = [p[0] for ring in rings for p in ring]
    lats = [p[1] for ring in rings for p in ring]
    return min(lons), min(lats), max(lons), max(lats)


def _polygon(rings: list) -> Polygon:
    outer = _ring(rings[0])
    return Polygon(outer, tuple(_ring(r) for r in rings[1:]), _box([outer]))


@cache
def provinces() -> tuple[Province, ...]:
    """Every province on the map (77), read from the GeoJSON file once."""
    data = json.loads(provinces_geojson())
    out = []
    for feature in data["features"]:
        geometry, props = feature["geometry"], feature["properties"]
        parts = (
            [geometry["coordinates"]]
            if geometry["type"] == "Polygon"
            else list(geometry["coordinates"])
        )
        polygons = tuple(_polygon(rings) for rings in parts)
        box = _box([p.outer for p in polygons])
        out.append(Province(props["code"], props["name_th"], props["name_en"], polygons, box))
    return tuple(out)


def _inside_box(box: tuple[float, float, float, float], lon: float, lat: float) -> bool:
    return box[0] <= lon <= box[2] and box[1] <= lat <= box[3]


def _in_ring(ring: Ring, lon: float, lat: float) -> bool:
    """Ray casting: a ray eastwards from the point crosses an odd number of edges if inside."""
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def _in_polygon(polygon: Polygon, lon: float, lat: float) -> bool:
    if not _inside_box(polygon.box, lon, lat) or not _in_ring(polygon.outer, lon, lat):
        return False
    return not any(_in_ring(hole, lon, lat) for hole in polygon.holes)


def province_at(lat: float, lon: float) -> Province | None:
    """The province containing the point, or None when it is outside Thailand (or at sea)."""
    for province in provinces():
        if _inside_box(province.box, lon, lat) and any(
            _in_polygon(p, lon, lat) for p in province.polygons
        ):
            return province
    return None
