"""A center officer approves or rejects an agency's forward in the case workspace; the
administrator switches the setting on in the org unit form."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from engine.holders import active_referrals
from engine.models import ForwardRequest, OrgUnit
from tests.admin.conftest import csrf_of, people, sign_in  # noqa: F401  (fixture)

FORWARD = {"agency": "dla", "reason": "เป็นอำนาจของท้องถิ่น"}


@pytest.fixture
def pending_forward(client, tokens, case_id, factory):  # type: ignore[no-untyped-def]
    """Chiang Mai's provincial center approves forwards; mol asked to forward to dla."""
    with factory.begin() as session:
        session.execute(
            update(OrgUnit).where(OrgUnit.code == "c50").values(forward_needs_approval=True)
        )
    for action, body in [("acknowledge", {}), ("forward", FORWARD)]:
        answer = client.post(
            f"/api/v1/agency/cases/{case_id}/{action}", json=body, headers=tokens["labour"]
        )
        assert answer.status_code == 200, answer.get_json()
    yield answer.get_json()["pending_forward"]["id"]
    with factory.begin() as session:
        session.execute(update(OrgUnit).values(forward_needs_approval=False))


def lead_of(factory, case_id) -> str:  # type: ignore[no-untyped-def]
    with factory() as session:
        return [r.agency.code for r in active_referrals(session, case_id) if r.role == "lead"][0]


@pytest.mark.usefixtures("people")
def test_a_screener_approves_the_forward_from_the_workspace(app, case_id, factory, pending_forward):
    browser = app.test_client()
    sign_in(browser, "screener")
    page = browser.get(f"/staff/cases/{case_id}")
    assert "คำขอส่งต่อ รอศูนย์อนุมัติ" in page.text and "เป็นอำนาจของท้องถิ่น" in page.text
    url = f"/staff/cases/{case_id}/forwards/{pending_forward}/approve"
    assert browser.post(url, data={}).status_code == 400  # no CSRF token: refused
    assert lead_of(factory, case_id) == "mol"
    done = browser.post(
        url, data={"csrf_token": csrf_of(page.text), "note": "อนุมัติ"}, follow_redirects=True
    )
    assert done.status_code == 200 and "อนุมัติการส่งต่อแล้ว" in done.text
    assert "คำขอส่งต่อ รอศูนย์อนุมัติ" not in done.text
    assert "ศูนย์อนุมัติการส่งต่อ" in done.text and "ส่งต่อไปยังหน่วยงานอื่น" in done.text
    assert lead_of(factory, case_id) == "dla"


@pytest.mark.usefixtures("people")
def test_a_supervisor_rejects_it_and_an_agency_officer_sees_no_buttons(
    app, case_id, factory, pending_forward
):
    officer = app.test_client()
    sign_in(officer, "labour")
    page = officer.get(f"/staff/cases/{case_id}")
    assert page.status_code == 200 and "อนุมัติการส่งต่อ" not in page.text
    refused = officer.post(
        f"/staff/cases/{case_id}/forwards/{pending_forward}/approve",
        data={"csrf_token": csrf_of(page.text)},
    )
    assert refused.status_code == 403 and lead_of(factory, case_id) == "mol"

    browser = app.test_client()
    sign_in(browser, "supervisor")
    page = browser.get(f"/staff/cases/{case_id}?lang=en")
    done = browser.post(
        f"/staff/cases/{case_id}/forwards/{pending_forward}/reject",
        data={"csrf_token": csrf_of(page.text), "note": "ค่าจ้างเป็นอำนาจกระทรวงแรงงาน"},
    )
    assert done.status_code == 302 and lead_of(factory, case_id) == "mol"
    with factory() as session:
        row = session.scalar(select(ForwardRequest))
    assert (row.status, row.decided_by, row.decision_note) == (
        "rejected",
        "supervisor",
        "ค่าจ้างเป็นอำนาจกระทรวงแรงงาน",
    )


@pytest.mark.usefixtures("people")
def test_the_administrator_switches_approval_on_in_the_org_unit_form(app, factory):
    with factory() as session:
        unit = session.scalar(select(OrgUnit).where(OrgUnit.code == "c5001"))
    browser = app.test_client()
    sign_in(browser, "admin")
    form = browser.get(f"/staff/admin/admin_org_units/edit/?id={unit.id}")
    assert form.status_code == 200 and 'name="forward_needs_approval"' in form.text
