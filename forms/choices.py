"""The choices of list widgets: enum values, categories, agencies and the DOPA area lists.

Categories, agencies and the area lookup come from the caller (`render_form(..., choices=...)`):
forms sit below the engine and never import it. engine/reference/choices.py gives the live lists
(`form_choices(session)`) and, where no database is at hand (the designer's preview), the seed
files' (`seed_choices()`). A list the caller leaves out offers no options.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from forms.loader import value_labels

# The areas directly under a code (the provinces for None), each with code, name_th and name_en.
AreaLookup = Callable[[str | None], Sequence[Any]]


@dataclass
class Option:
    """One choice of a list, radio group or checkbox group."""

    value: str
    label: str
    selected: bool = False
    help: str = ""


def enum_options(node: dict, enum: list, chosen: list, lang: str) -> list[Option]:
    return [
        Option(
            value=str(v).lower() if isinstance(v, bool) else str(v),
            label=value_labels(node, [v])[1 if lang == "en" else 0],
            selected=any(c == v and type(c) is type(v) for c in chosen),
        )
        for v in enum
    ]


def _attr(item: object, *names: str) -> str:
    for name in names:
        value = item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)
        if value:
            return str(value)
    return ""


def category_groups(given: Sequence[object] | None, value: object, lang: str) -> list[dict]:
    items = given if given is not None else ()
    groups: dict[str, list[Option]] = {}
    for item in items:
        if _attr(item, "active") == "False":
            continue
        code = _attr(item, "code")
        option = Option(
            value=code,
            label=_attr(item, f"name_{lang}", "name_th"),
            selected=code == value,
            help=_attr(item, f"description_{lang}", "description_th"),
        )
        groups.setdefault(_attr(item, "group_name", "group"), []).append(option)
    # Group headings only help when groups hold several categories (and they are Thai only).
    if lang == "en" or all(len(options) == 1 for options in groups.values()):
        return [{"label": "", "options": [o for options in groups.values() for o in options]}]
    return [{"label": label, "options": options} for label, options in groups.items()]


def agency_options(given: Sequence[object] | None, value: object, lang: str) -> list[Option]:
    items = given if given is not None else ()
    return [
        Option(
            value=_attr(item, "code"),
            label=_attr(item, f"name_{lang}", "name_th"),
            selected=_attr(item, "code") == value,
        )
        for item in items
        if _attr(item, "kind") in ("agency", "")
    ]


def area_levels(
    value: object, lang: str, texts: Mapping[str, str], children: AreaLookup | None
) -> list[dict]:
    code = value if isinstance(value, str) else ""
    levels, parent = [], None
    for part, size in (("province", 2), ("district", 4), ("subdistrict", 6)):
        if children is None or (part != "province" and parent is None):
            options: Sequence = []
        else:
            options = children(parent)
        chosen = code[:size] if len(code) >= size else ""
        levels.append(
            {
                "part": part,
                "label": texts[part],
                "placeholder": texts[f"choose_{part}"],
                "options": [
                    Option(a.code, a.name_en if lang == "en" else a.name_th, a.code == chosen)
                    for a in options
                ],
            }
        )
        parent = chosen if chosen and any(a.code == chosen for a in options) else None
    return levels
