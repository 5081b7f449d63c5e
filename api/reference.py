"""Reference data for apps and forms: categories, DOPA areas and form schemas."""

from __future__ import annotations

import re

from flask import request
from sqlalchemy import select

from api.edge import blueprint, lang, reading
from engine.errors import ValidationFailed
from engine.models import Area, Category
from engine.sla import policies
from forms.loader import load_schema


@blueprint.get("/categories")
def get_categories():  # type: ignore[no-untyped-def]
    """Active complaint categories with Thai and English names."""
    with reading() as session:
        rows = session.scalars(
            select(Category).where(Category.active.is_(True)).order_by(Category.code)
        ).all()
        items = [
            {
                "code": c.code,
                "name": c.name_th if lang() == "th" else c.name_en,
                "name_th": c.name_th,
                "name_en": c.name_en,
                "description": c.description_th if lang() == "th" else c.description_en,
                "group": c.group_name,
                "keywords": c.keywords,
            }
            for c in rows
        ]
    return {"items": items}


@blueprint.get("/areas")
def get_areas():  # type: ignore[no-untyped-def]
    """DOPA areas under a parent code (provinces without one)."""
    parent = request.args.get("parent") or None
    if parent is not None and not re.fullmatch(r"[0-9]{2}|[0-9]{4}", parent):
        raise ValidationFailed.one(
            "parent",
            "รหัสพื้นที่แม่ต้องเป็นตัวเลข 2 หรือ 4 หลัก",
            "parent must be a 2-digit province or 4-digit district code.",
        )
    with reading() as session:
        rows = session.scalars(
            select(Area)
            .where(Area.parent_code == parent if parent else Area.level == "province")
            .order_by(Area.code)
        ).all()
        items = [
            {
                "code": a.code,
                "level": a.level,
                "name_th": a.name_th,
                "name_en": a.name_en,
                "parent_code": a.parent_code,
            }
            for a in rows
        ]
    return {"items": items}


@blueprint.get("/forms/<name>")
def get_form(name: str):  # type: ignore[no-untyped-def]
    """A form's JSON Schema (intake, or a task's form)."""
    return load_schema(name)


@blueprint.get("/sla-policies")
def get_sla_policies():  # type: ignore[no-untyped-def]
    """The deadline policies in force, by step and category."""
    with reading() as session:
        rows = policies.policies(session).values()
        items = [
            {
                "step": p.step,
                "category": p.category_code,
                "unit": p.unit,
                "duration": p.duration,
                "reminders": p.reminders,
                "breach_action": p.breach_action,
            }
            for p in sorted(rows, key=lambda p: (p.step, p.category_code or ""))
        ]
    return {"items": items}
