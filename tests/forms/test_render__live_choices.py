"""Agencies and categories an administrator adds appear in the pickers at once."""

from __future__ import annotations

from sqlalchemy import select

from engine.models import Category, OrgUnit
from engine.reference.choices import form_choices
from forms.render import render_form


def test_the_pickers_offer_what_the_database_holds(factory) -> None:
    with factory.begin() as session:
        session.add(
            OrgUnit(code="water_x", kind="agency", name_th="การประปาทดสอบ", name_en="Test Water")
        )
        session.scalar(select(Category).where(Category.code == "debt")).active = False
    try:
        with factory() as session:
            choices = form_choices(session)
            html = str(render_form("screen", {"agency": "water_x"}, None, choices=choices))
            intake = str(render_form("intake", None, None, choices=choices))
        assert '<option value="water_x" selected>การประปาทดสอบ</option>' in html
        assert 'value="c50"' not in html  # centers are not agencies
        assert 'value="labour"' in intake and 'value="debt"' not in intake
    finally:
        with factory.begin() as session:
            session.delete(session.scalar(select(OrgUnit).where(OrgUnit.code == "water_x")))
            session.scalar(select(Category).where(Category.code == "debt")).active = True
