"""Loading form schemas from forms/schemas/ by name."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class FormNotFound(LookupError):
    """No form schema has this name."""


def schemas_dir() -> Path:
    """The directory holding the form schemas."""
    return Path(__file__).parent / "schemas"


@cache
def load_schema(name: str) -> dict:
    """The JSON Schema of a form; names are checked so no path can escape the directory."""
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise FormNotFound(name)
    path = schemas_dir() / f"{name}.json"
    if not path.is_file():
        raise FormNotFound(name)
    return json.loads(path.read_text(encoding="utf-8"))


def schema_names() -> list[str]:
    """Every form schema's name."""
    return sorted(p.stem for p in schemas_dir().glob("*.json"))
