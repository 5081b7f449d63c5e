"""Form schemas in forms/schemas/: loading them by name and reading their fields and labels."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import cast

from jsonschema import Draft202012Validator

# Names become file names, so only this shape is accepted: no dots, slashes or upper case.
NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class FormNotFound(LookupError):
    """No form schema has this name (or the name is not a valid form name)."""

    def __init__(self, name: object) -> None:
        super().__init__(f"no form schema named {name!r}")
        self.name = name


def schemas_dir() -> Path:
    """The directory holding the global forms (the intake form)."""
    return Path(__file__).parent / "schemas"


def library_dir() -> Path:
    """The shipped task forms, kept beside the diagrams that name them (processes/forms/).

    A deployed process version carries copies of the forms it names; this library is what a
    deploy copies from when the files given name a form without bringing it."""
    return Path(__file__).resolve().parents[1] / "processes" / "forms"


def load_schema(name: str) -> dict:
    """The JSON Schema of a form (a fresh copy); raises FormNotFound for bad or unknown names."""
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise FormNotFound(name)
    # A copy, so a caller that edits its schema cannot change what everyone else validates with.
    return copy.deepcopy(_parsed(name))


def shared_schema(name: str | dict) -> dict:
    """The cached schema itself, for read-only use on hot paths (validation); never modify it.

    A schema given as a dict (a process version's own copy of a task form) is itself."""
    if isinstance(name, dict):
        return name
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise FormNotFound(name)
    return _parsed(name)


@cache
def _parsed(name: str) -> dict:
    path = schemas_dir() / f"{name}.json"
    if not path.is_file():
        path = library_dir() / f"{name}.json"
    if not path.is_file():
        raise FormNotFound(name)
    schema = json.loads(path.read_text(encoding="utf-8"))
    # A broken schema is a deployment bug: fail loudly here rather than half-validate later.
    Draft202012Validator.check_schema(schema)
    return schema


def schema_names() -> list[str]:
    """Every loadable form schema's name, sorted."""
    found = [*schemas_dir().glob("*.json"), *library_dir().glob("*.json")]
    return sorted({p.stem for p in found if NAME.fullmatch(p.stem)})


def properties(node: dict) -> dict:
    """A node's properties, including those declared only inside allOf/if/then branches."""
    out = dict(node.get("properties") or {})
    branches = [b for k in ("allOf", "anyOf", "oneOf") for b in node.get(k) or []]
    for branch in [*branches, node.get("then"), node.get("else")]:
        if isinstance(branch, dict):
            # The node's own declaration (with its title) wins over a branch's partial one.
            out = {**out, **{k: v for k, v in properties(branch).items() if k not in out}}
    return out


def field_schema(schema: dict, path: Sequence[str]) -> dict:
    """The subschema of a field path (list indexes go through `items`); {} if undeclared."""
    node = schema
    for part in path:
        found = properties(node).get(part)
        if not isinstance(found, dict) and part.isdigit():
            found = node.get("items")
        node = found if isinstance(found, dict) else {}
    return node


def field_labels(schema: dict, path: Sequence[str]) -> tuple[str, str]:
    """(Thai, English) label of a field path; the form's title for the empty path."""
    if not path:
        return schema.get("title") or "แบบฟอร์ม", schema.get("x-title-en") or "Form"
    parent, last = list(path[:-1]), path[-1]
    if last.isdigit() and last not in properties(field_schema(schema, parent)):
        th, en = field_labels(schema, parent)
        return f"{th} รายการที่ {int(last) + 1}", f"{en} item {int(last) + 1}"
    node = field_schema(schema, path)
    th = node.get("title") or last
    return th, node.get("x-title-en") or th


def value_labels(node: dict, values: Iterable[object]) -> tuple[str, str]:
    """(Thai, English) comma-separated labels of enum values, from the node's x-enum-labels."""
    names = node.get("x-enum-labels") or {}
    pairs = [(names.get(v, {}) if isinstance(v, str) else {}, str(v)) for v in values]
    return ", ".join(n.get("th", v) for n, v in pairs), ", ".join(n.get("en", v) for n, v in pairs)


def with_channel_limits(schema: dict, channel: str) -> dict:
    """A copy of the schema where x-max-length-by-channel lowers maxLength for this channel."""
    return cast(dict, _limited(schema, channel))


def _limited(node: object, channel: str) -> object:
    if isinstance(node, list):
        return [_limited(n, channel) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _limited(v, channel) for k, v in node.items()}
    limits = node.get("x-max-length-by-channel")
    if isinstance(limits, Mapping) and isinstance(limits.get(channel), int):
        out["maxLength"] = min(node.get("maxLength", limits[channel]), limits[channel])
    return out


def split_stored_fields(schema: dict, data: Mapping[str, object]) -> tuple[dict, dict]:
    """(workflow data, notes): top-level free text marked x-store "note" stays out of workflows."""
    notes = {
        k
        for k, p in properties(schema).items()
        if isinstance(p, dict) and p.get("x-store") == "note"
    }
    workflow = {k: v for k, v in data.items() if k not in notes}
    return workflow, {k: v for k, v in data.items() if k in notes}


def labels(schema: dict, lang: str) -> dict[str, str]:
    """Every field's label in a language ("th" or "en"), keyed by dotted path, in schema order."""
    out: dict[str, str] = {}
    for name, prop in properties(schema).items():
        if isinstance(prop, dict):
            out[name] = field_labels(schema, [name])[1 if lang == "en" else 0]
            out.update({f"{name}.{k}": v for k, v in labels(prop, lang).items()})
    return out


def enum_label(schema: dict, field: str, value: object, lang: str) -> str:
    """The human label of one value of a field (a dotted path); the value itself if unlabelled."""
    return value_labels(field_schema(schema, field.split(".")), [value])[1 if lang == "en" else 0]
