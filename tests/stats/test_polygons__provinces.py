"""The map's province polygons: 77, keyed like the reference area list, shipped in the package."""

from __future__ import annotations

import json
import tomllib
from fnmatch import fnmatch

from engine.reference.areas import children
from stats.polygons import province_codes, provinces_geojson
from tests.damrong.layout import ROOT


def test_77_province_polygons_keyed_by_the_reference_areas_dopa_codes():
    features = json.loads(provinces_geojson())["features"]
    provinces = {area.code: area for area in children(None)}
    assert len(features) == 77 == len(provinces)
    assert sorted(province_codes()) == sorted(provinces)  # each once, none missing or extra
    for feature in features:
        props, geometry = feature["properties"], feature["geometry"]
        area = provinces[props["code"]]
        assert (props["name_th"], props["name_en"]) == (area.name_th, area.name_en)
        assert geometry["type"] in ("Polygon", "MultiPolygon") and geometry["coordinates"]
        assert 5 < props["label_lat"] < 21 and 97 < props["label_lon"] < 106  # within Thailand


def test_the_polygons_and_their_attribution_ship_with_the_package():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    included = config["setuptools"]["packages"]["find"]["include"]
    assert any(fnmatch("stats.data", pattern) for pattern in included)
    data_globs = config["setuptools"]["package-data"]["*"]
    assert any(fnmatch("thailand-provinces.geojson", glob) for glob in data_globs)
    readme = (ROOT / "stats" / "data" / "README.md").read_text(encoding="utf-8")
    assert "Natural Earth" in readme and "public domain" in readme and "CC BY 4.0" in readme
