"""The choices of list widgets: enum values, categories, agencies and the DOPA area lists.

Categories and agencies come from the caller (live rows) or, without them, from the seed
files, so a form renders even where no database is at hand (the designer's preview).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from forms.loader import value_labels

SEED = Path(__file__).resolve().parent.parent / "engine" / "reference" / "seed"


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
    items = given if given is not None else seed("categories.json")
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
    items = given if given is not None else seed("orgunits.json")
    return [
        Option(
            value=_attr(item, "code"),
            label=_attr(item, f"name_{lang}", "name_th"),
            selected=_attr(item, "code") == value,
        )
        for item in items
        if _attr(item, "kind") in ("agency", "")
    ]


@cache
def seed(name: str) -> tuple[dict, ...]:
    return tuple(json.loads((SEED / name).read_text(encoding="utf-8")))


def area_levels(value: object, lang: str, texts: Mapping[str, str]) -> list[dict]:
    from engine.reference import (
        areas,  # the DOPA list; imported late so engine may import forms freely
    )

    code = value if isinstance(value, str) else ""
    levels, parent = [], None
    for part, size in (("province", 2), ("district", 4), ("subdistrict", 6)):
        options = [] if part != "province" and parent is None else areas.children(parent)
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


def live_choices(session: object) -> dict[str, list]:
    """Active categories and agencies from the database, for `render_form(..., choices=...)`."""
    from sqlalchemy import select

    from engine.models import Category, OrgUnit  # late: the engine imports forms, not back

    categories = session.scalars(  # type: ignore[attr-defined]
        select(Category).where(Category.active.is_(True)).order_by(Category.code)
    ).all()
    agencies = session.scalars(  # type: ignore[attr-defined]
        select(OrgUnit)
        .where(OrgUnit.kind == "agency", OrgUnit.active.is_(True))
        .order_by(OrgUnit.name_th)
    ).all()
    return {"category": list(categories), "agency": list(agencies)}
