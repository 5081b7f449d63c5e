"""What the outside world sees of Damrong: the routes, the OpenAPI document, the schema heads.

`python -m tests.damrong.surface > tests/damrong/surface.json` records it; the layout test
compares the running code with the record, so moving code cannot change the product's surface.
"""

from __future__ import annotations

import json
import sys

from alembic.script import ScriptDirectory

from damrong.app import create_app
from damrong.config import Config


def surface(database_url: str = "sqlite://") -> dict:
    """The url_map (rule, methods, endpoint), the OpenAPI document and the Alembic heads."""
    from damrong.migrate import alembic_config

    app = create_app(Config(database_url=database_url, secret_key="surface"))
    rules = sorted(
        [rule.rule, sorted(rule.methods - {"HEAD", "OPTIONS"}), rule.endpoint]
        for rule in app.url_map.iter_rules()
    )
    openapi = app.test_client().get("/api/v1/openapi.json").get_json()
    heads = sorted(ScriptDirectory.from_config(alembic_config()).get_heads())
    return {"url_map": rules, "openapi": openapi, "alembic_heads": heads}


if __name__ == "__main__":
    json.dump(surface(), sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)
    sys.stdout.write("\n")
