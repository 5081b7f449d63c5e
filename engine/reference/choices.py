"""The choice lists forms draw from: live or seed categories and agencies, and the DOPA areas.

forms/ sits below the engine and never imports it, so pages hand these to
`render_form(..., choices=...)` / `render_field(..., choices=...)`.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Category, OrgUnit
from engine.reference import areas

SEED_DIR = Path(__file__).parent / "seed"


def form_choices(session: Session) -> dict[str, object]:
    """Active categories and agencies from the database, and the DOPA area lookup."""
    categories = session.scalars(
        select(Category).where(Category.active.is_(True)).order_by(Category.code)
    ).all()
    agencies = session.scalars(
        select(OrgUnit)
        .where(OrgUnit.kind == "agency", OrgUnit.active.is_(True))
        .order_by(OrgUnit.name_th)
    ).all()
    return {"category": list(categories), "agency": list(agencies), "areas": areas.children}


def seed_choices() -> dict[str, object]:
    """The seed files' categories and agencies, and the DOPA area lookup: for pages that render
    without a database at hand (the designer's preview) or that keep to the seed's lists."""
    return {
        "category": _seed("categories.json"),
        "agency": _seed("orgunits.json"),
        "areas": areas.children,
    }


@cache
def _seed(name: str) -> tuple[dict, ...]:
    return tuple(json.loads((SEED_DIR / name).read_text(encoding="utf-8")))
