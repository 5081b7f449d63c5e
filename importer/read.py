"""Reading a source file: CSV or JSON rows as flat dicts, and each row's key for resuming."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator, Mapping
from pathlib import Path

from importer.mapping import ColumnMap


def read_rows(path: str | Path) -> Iterator[dict[str, str]]:
    """The rows of a CSV (UTF-8, BOM tolerated), JSON array or JSON-lines file, as flat dicts
    (nested JSON objects become dotted keys: complainant.name)."""
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        if path.suffix.lower() == ".csv":
            yield from csv.DictReader(handle)
            return
        text = handle.read()
    stripped = text.lstrip()
    if stripped.startswith("["):
        items = json.loads(stripped)
    else:
        items = [json.loads(line) for line in text.splitlines() if line.strip()]
    for item in items:
        yield _flatten(item) if isinstance(item, dict) else {"": json.dumps(item)}


def _flatten(item: Mapping, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in item.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, f"{name}."))
        elif value is not None:
            out[name] = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return out


def row_key(row: Mapping[str, str], mapping: ColumnMap) -> str:
    """The row's external id, or a hash of its content when the source gave none."""
    external = (row.get(mapping.columns["external_id"]) or "").strip()
    if external:
        return external[:200]
    content = json.dumps(row, ensure_ascii=False, sort_keys=True)
    return "sha256:" + hashlib.sha256(content.encode()).hexdigest()
