"""What an agency's webhook carries about a confidential complainant: no name, even in a title."""

from __future__ import annotations

from sqlalchemy import select

from engine.models import Case
from notifications.context import webhook_body
from tests.engine.helpers import open_case


def test_a_confidential_complainants_name_never_reaches_the_agency_webhook(factory, clock, staff):
    case_id, *_ = open_case(
        factory,
        clock,
        staff["intake"],
        title="สมหญิง รักงาน ถูกนายจ้างค้างค่าจ้าง",
        confidential=True,
    )
    with factory() as session:
        body = webhook_body(session, case_id, "case_updated", {"step": "screen"}, "k1")
        case = session.scalar(select(Case).where(Case.id == case_id))
        assert case.complainant_name == "สมหญิง รักงาน"
    assert "สมหญิง" not in body["title"] and "นายจ้างค้างค่าจ้าง" in body["title"]
    assert body["api_url"] == f"/api/v1/agency/cases/{case_id}"
