"""Moving code does not change what users and partner systems see: routes, API, schema heads."""

from __future__ import annotations

import json
from pathlib import Path

from tests.damrong.surface import surface

RECORDED = Path(__file__).with_name("surface.json")


def test_routes_openapi_and_schema_heads_are_as_recorded(database_url) -> None:  # type: ignore[no-untyped-def]
    recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
    now = json.loads(json.dumps(surface(database_url), ensure_ascii=False))
    assert now["alembic_heads"] == recorded["alembic_heads"]
    assert now["url_map"] == recorded["url_map"]
    assert now["openapi"] == recorded["openapi"]
