"""Building fields: a form's schema, values and errors to what each field's macro draws."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from forms.choices import Option, agency_options, area_levels, category_groups, enum_options
from forms.formdata import date_parts, month_names, widget_of
from forms.loader import field_labels, properties
from forms.texts import texts_for
from forms.validation import FieldError

AREAS_URL = "/api/v1/areas?parent="
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass
class Field:
    """Everything a macro needs to draw one field; built from the schema, values and errors."""

    name: str
    widget: str
    label: str
    hint: str = ""
    required: bool = False
    error: str = ""
    value: object = None
    lang: str = "th"
    options: list[Option] = field(default_factory=list)
    groups: list[dict] = field(default_factory=list)
    children: list[Field] = field(default_factory=list)
    levels: list[dict] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    input_type: str = "text"
    inputmode: str = ""
    autocomplete: str = ""
    integer: bool = False
    rows: int = 4
    multiple: bool = False
    accept: str = ""
    placeholder: str = ""
    areas_url: str = AREAS_URL
    hidden: bool = False  # its "shown when" fails for the values drawn (forms/formrules.py)

    @property
    def id(self) -> str:
        """The HTML id: f- and the dotted path with dashes."""
        return "f-" + _ID_UNSAFE.sub("-", self.name.replace(".", "-"))

    @property
    def describedby(self) -> str:
        """Ids of the hint and the error, for aria-describedby."""
        ids = [f"{self.id}-hint" if self.hint else "", f"{self.id}-error" if self.error else ""]
        return " ".join(i for i in ids if i)

    @property
    def text(self) -> str:
        """The value as shown in a text box."""
        if self.value is None or isinstance(self.value, bool):
            return ""
        if isinstance(self.value, float) and self.value.is_integer():
            return str(int(self.value))
        return str(self.value)

    @property
    def day(self) -> str:
        return date_parts(self.value)[0]

    @property
    def month(self) -> str:
        return date_parts(self.value)[1]

    @property
    def year(self) -> str:
        return date_parts(self.value)[2]

    @property
    def months(self) -> tuple[str, ...]:
        return month_names(self.lang)

    @property
    def year_example(self) -> str:
        return "2569"


def normalize_errors(errors: object) -> dict[str, tuple[str, str]]:
    """{path: (th, en)} from a {path: FieldError | (th, en) | str} dict or a FieldError list."""
    if not errors:
        return {}
    if isinstance(errors, Mapping):
        pairs: Iterable[tuple[object, object]] = errors.items()
    else:
        pairs = ((e.field, e) for e in errors if isinstance(e, FieldError))
    out: dict[str, tuple[str, str]] = {}
    for path, error in pairs:
        if isinstance(error, FieldError):
            message = (error.message_th, error.message_en)
        elif isinstance(error, tuple | list) and len(error) == 2:
            message = (str(error[0]), str(error[1]))
        else:
            message = (str(error), str(error))
        out.setdefault(str(path), message)
    return out


def _lookup(values: Mapping, path: Sequence[str]) -> object:
    node: object = values
    for part in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def _pick(message: tuple[str, str] | None, lang: str) -> str:
    return "" if message is None else message[1 if lang == "en" else 0]


def build_field(
    schema: dict,
    parent: dict,
    path: list[str],
    values: Mapping,
    messages: dict[str, tuple[str, str]],
    lang: str,
    choices: Mapping[str, Any],
) -> Field:
    name = ".".join(path)
    node = properties(parent).get(path[-1]) or {}
    th, en = field_labels(schema, path)
    hint = node.get("x-description-en" if lang == "en" else "description") or ""
    widget = widget_of(node)
    f = Field(
        name=name,
        widget=widget,
        label=en if lang == "en" else th,
        hint=hint,
        required=path[-1] in (parent.get("required") or []),
        error=_pick(_error_of(name, widget, messages), lang),
        value=_lookup(values, path),
        lang=lang,
    )
    if widget == "object":
        f.children = [
            build_field(schema, node, [*path, n], values, messages, lang, choices)
            for n, p in properties(node).items()
            if isinstance(p, dict)
        ]
    else:
        _decorate(f, node, choices)
    return f


def _error_of(name: str, widget: str, messages: dict[str, tuple[str, str]]) -> tuple | None:
    """A field's own error; a leaf widget also shows errors of its items (tags.0)."""
    if name in messages or widget == "object":
        return messages.get(name)
    return next((m for path, m in messages.items() if path.startswith(f"{name}.")), None)


def _decorate(f: Field, node: dict, choices: Mapping[str, Any]) -> None:
    kind, hint = node.get("type"), node.get("x-widget")
    if f.widget == "text":
        if hint == "phone":
            f.input_type, f.inputmode, f.autocomplete = "tel", "tel", "tel"
        elif node.get("format") == "email":
            f.inputmode, f.autocomplete = "email", "email"
        elif hint == "national_id":
            f.inputmode = "numeric"
    elif f.widget == "textarea":
        f.rows = 6 if (node.get("maxLength") or 0) > 1000 else 3
    elif f.widget == "number":
        f.integer = kind == "integer"
    elif f.widget in ("select", "radio"):
        f.options = enum_options(node, node.get("enum") or [], [f.value], f.lang)
    elif f.widget == "checkboxes":
        items = node.get("items") or {}
        chosen = f.value if isinstance(f.value, list) else []
        f.options = enum_options(items, items.get("enum") or [], chosen, f.lang)
    elif f.widget == "list":
        f.items = [str(v) for v in f.value] if isinstance(f.value, list) else []
        f.items.append("")
    elif f.widget == "category":
        f.groups = category_groups(choices.get("category"), f.value, f.lang)
    elif f.widget == "agency":
        f.options = agency_options(choices.get("agency"), f.value, f.lang)
        f.placeholder = "" if f.required else texts_for(f.lang)["agency_auto"]
    elif f.widget == "area":
        f.levels = area_levels(f.value, f.lang, texts_for(f.lang), choices.get("areas"))
        f.areas_url = str(choices.get("areas_url") or AREAS_URL)
    elif f.widget == "file":
        f.multiple = kind == "array"
        f.accept = str(node.get("x-accept") or "")


def summarize(
    fields: list[Field],
    messages: dict[str, tuple[str, str]],
    lang: str,
    extra: Mapping[str, str] | None = None,
) -> list[dict]:
    """One entry per error, in field order; errors of fields not shown come last, unlinked."""
    anchors: dict[str, str] = {}

    def collect(items: list[Field]) -> None:
        for f in items:
            anchors[f.name] = f.id
            collect(f.children)

    collect(fields)
    anchors.update(extra or {})
    out, seen = [], set()
    for name in anchors:
        if name in messages:
            out.append({"href": anchors[name], "message": _pick(messages[name], lang)})
            seen.add(name)
    for name, message in messages.items():
        if name in seen:
            continue
        owner = _owner(name, anchors)
        out.append({"href": anchors.get(owner, ""), "message": _pick(message, lang)})
    return out


def _owner(name: str, anchors: Mapping[str, str]) -> str:
    """The nearest shown field of an error path (tags.0 belongs to tags)."""
    parts = name.split(".")
    while parts:
        if ".".join(parts) in anchors:
            return ".".join(parts)
        parts.pop()
    return ""
