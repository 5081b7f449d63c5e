"""GET /api/v1/stats/provinces.geojson: the map's polygons, public and cached a day."""

from __future__ import annotations


def test_the_polygons_are_served_as_geojson_to_anyone_and_cached_a_day(client):
    response = client.get("/api/v1/stats/provinces.geojson")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    assert response.headers["ETag"]
    body = response.get_json(force=True)
    assert body["type"] == "FeatureCollection" and len(body["features"]) == 77
    assert {f["properties"]["code"] for f in body["features"]} >= {"10", "50", "96"}


def test_an_unchanged_copy_is_answered_304_without_the_body(client):
    etag = client.get("/api/v1/stats/provinces.geojson").headers["ETag"]
    again = client.get("/api/v1/stats/provinces.geojson", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    stale = client.get("/api/v1/stats/provinces.geojson", headers={"If-None-Match": '"old"'})
    assert stale.status_code == 200 and len(stale.data) > 100_000


def test_only_get_is_answered(client):
    assert client.post("/api/v1/stats/provinces.geojson").status_code == 405
    assert client.get("/api/v1/stats/provinces.json").status_code == 404


def test_the_route_is_documented_as_public_geojson(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    operation = doc["paths"]["/stats/provinces.geojson"]["get"]
    assert operation["security"] == []
    assert "application/geo+json" in operation["responses"]["200"]["content"]
    assert "304" in operation["responses"]
