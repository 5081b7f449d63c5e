"""Hostile input in the administration gets the staff web's own page in Thai (or English), not
the API's JSON, and changes nothing."""

from __future__ import annotations

from sqlalchemy import select

from engine.models import Category
from tests.admin.conftest import sign_in


def test_a_nul_in_an_administration_search_or_form_is_a_thai_page(app, people, factory):  # type: ignore[no-untyped-def]
    admin = app.test_client()
    sign_in(admin, "admin")
    search = admin.get("/staff/admin/admin_categories/?search=%00labour")
    assert search.status_code == 400
    assert search.mimetype == "text/html"
    assert "อักขระควบคุม" in search.text
    with factory() as session:
        before = session.get(Category, "labour").name_th
    edit = admin.post(
        "/staff/admin/admin_categories/edit/?id=labour",
        data={"name_th": "แรงงาน\x00ปลอม", "name_en": "Labour"},
    )
    assert edit.status_code == 400 and edit.mimetype == "text/html"
    with factory() as session:
        assert session.scalar(select(Category.name_th).where(Category.code == "labour")) == before


def test_ids_too_large_for_the_database_are_not_found(app, people):  # type: ignore[no-untyped-def]
    """A case or task id past 32 bits is the staff web's 404 page, never the database's
    overflow (a 500 on PostgreSQL)."""
    staff = app.test_client()
    sign_in(staff, "screener")
    for path in ("/staff/cases/2147483648", "/staff/tasks/99999999999"):
        page = staff.get(path)
        assert page.status_code == 404 and page.mimetype == "text/html", path
