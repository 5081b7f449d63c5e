"""Each look by staff at a confidential complainant's identity is logged; only administrators
and the supervisors of the case's center read the log (issue 13, finding 6)."""

from __future__ import annotations

from sqlalchemy import func, select, update

from engine.access.tokens import issue_token
from engine.models import IdentityView, User
from tests.admin.conftest import password_hash, sign_in
from tests.conftest import make_user
from tests.engine.helpers import open_case


def _views(factory) -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        return session.scalar(select(func.count()).select_from(IdentityView)) or 0


def test_who_looked_is_logged_and_readable_only_by_admins_and_the_centers_supervisors(
    client, tokens, factory, clock, staff
):
    case_id, _, _ = open_case(factory, clock, staff["intake"], confidential=True)
    plain_id, _, _ = open_case(factory, clock, staff["intake"])
    body = client.get(f"/api/v1/cases/{case_id}", headers=tokens["screener"]).get_json()
    assert body["complainant"]["name"]  # the screener sees who complained ...
    assert _views(factory) == 1  # ... and that is kept
    client.get(f"/api/v1/cases/{plain_id}", headers=tokens["screener"])
    assert _views(factory) == 1  # a complainant who did not ask for confidentiality: no entry
    log = client.get(f"/api/v1/cases/{case_id}/identity-views", headers=tokens["supervisor"])
    assert log.status_code == 200
    [entry] = log.get_json()["items"]
    assert entry["actor"] == "screener" and entry["via"] == "api_case" and entry["at"]
    admin = client.get(f"/api/v1/cases/{case_id}/identity-views", headers=tokens["admin"])
    assert admin.status_code == 200
    for who in ("screener", "intake", "labour", "executive", "screener_bkk"):
        refused = client.get(f"/api/v1/cases/{case_id}/identity-views", headers=tokens[who])
        assert refused.status_code in (403, 404), who
        assert "api_case" not in refused.get_data(as_text=True)


def test_a_supervisor_of_another_center_may_not_read_the_log(client, tokens, factory, clock, staff):
    case_id, _, _ = open_case(factory, clock, staff["intake"], confidential=True)
    with factory.begin() as session:
        make_user(session, "supervisor50", "c50", ["supervisor"])

    with factory.begin() as session:
        user = session.scalar(select(User).where(User.username == "supervisor50"))
        headers = {"Authorization": "Bearer " + issue_token(session, clock(), user)}
    response = client.get(f"/api/v1/cases/{case_id}/identity-views", headers=headers)
    assert response.status_code == 403 and "api_case" not in response.get_data(as_text=True)


def test_the_case_page_logs_the_look_too(app, factory, clock, staff):

    case_id, _, _ = open_case(factory, clock, staff["intake"], confidential=True)
    with factory.begin() as session:
        session.execute(update(User).values(password_hash=password_hash()))
    browser = app.test_client()
    sign_in(browser, "screener")
    assert browser.get(f"/staff/cases/{case_id}").status_code == 200
    with factory() as session:
        [view] = session.scalars(select(IdentityView)).all()
        assert (view.case_id, view.via, view.actor_label) == (case_id, "case_page", "screener")


def test_the_centers_supervisor_sees_the_looks_on_the_case_page_and_an_agency_never(
    app, factory, clock, staff
):

    case_id, _, _ = open_case(factory, clock, staff["intake"], confidential=True)
    with factory.begin() as session:
        session.execute(update(User).values(password_hash=password_hash()))
    pages = {}
    for who in ("screener", "supervisor", "intake"):
        browser = app.test_client()
        sign_in(browser, who)
        pages[who] = browser.get(f"/staff/cases/{case_id}").text
    assert 'id="identity-views"' in pages["supervisor"]
    assert "screener" in pages["supervisor"].split('id="identity-views"')[1].split("</section>")[0]
    assert 'id="identity-views"' not in pages["screener"] + pages["intake"]
