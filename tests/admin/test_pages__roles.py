"""Every staff page for every role, on a case inside and outside the role's scope."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.access.rules import Actor
from engine.cases.intake import open_case
from engine.models import Task
from tests.admin.conftest import sign_in
from tests.admin.test_inbox__scope import screen_and_refer
from tests.conftest import intake_data, make_user

ROLES = ["intake", "screener", "supervisor", "labour", "local", "executive", "admin"]
# Pages without a case: who gets the page (200); everyone else is refused (403).
PAGES = {
    "/staff/inbox": {"screener", "supervisor", "labour", "local"},
    "/staff/cases": set(ROLES),
    "/staff/account": set(ROLES),
    "/staff/intake": {"intake"},
    "/staff/supervision": {"supervisor"},
    "/staff/admin/": {"admin"},
}


@pytest.fixture
def world(people, open_cases, factory, clock):  # type: ignore[no-untyped-def]
    """A Chiang Mai case at the labour ministry, one still in screening, one in Bangkok."""
    referred = open_cases("ส่งต่อกระทรวงแรงงานแล้ว", category="labour")[0]
    screen_and_refer(factory, clock, people, referred)
    screening = open_cases("ยังกลั่นกรองอยู่")[0]
    with factory.begin() as session:  # registered at a Bangkok center by its own officer
        bkk_intake = Actor.for_user(make_user(session, "intake_bkk", "c10", ["intake"]))
        data = intake_data(title="เรื่องที่กรุงเทพ", area_code="100101")
        bangkok = open_case(session, clock, bkk_intake, data).case.id
    with factory() as session:
        tasks = {
            case_id: session.scalar(select(Task.id).where(Task.case_id == case_id))
            for case_id in (referred, screening, bangkok)
        }
    return {"referred": referred, "screening": screening, "bangkok": bangkok, "tasks": tasks}


def test_each_role_reaches_exactly_its_pages(app, people):
    for role in ROLES:
        client = app.test_client()
        assert sign_in(client, role).status_code == 302, role
        for url, allowed in PAGES.items():
            status = client.get(url).status_code
            assert status == (200 if role in allowed else 403), (role, url, status)


def test_cases_and_tasks_inside_and_outside_each_roles_scope(app, people, world):
    referred, screening, bangkok = world["referred"], world["screening"], world["bangkok"]
    tasks = world["tasks"]
    sees = {  # case -> roles that may open it
        referred: {"intake", "screener", "supervisor", "labour", "executive", "admin"},
        screening: {"intake", "screener", "supervisor", "executive", "admin"},
        bangkok: {"admin"},  # Chiang Mai staff do not see Bangkok's cases
    }
    works = {  # task -> roles that may open it
        tasks[referred]: {"labour"},
        tasks[screening]: {"screener", "supervisor"},
        tasks[bangkok]: set(),
    }
    for role in ROLES:
        client = app.test_client()
        sign_in(client, role)
        for case_id, allowed in sees.items():
            status = client.get(f"/staff/cases/{case_id}").status_code
            assert status == (200 if role in allowed else 403), (role, case_id, status)
        for task_id, allowed in works.items():
            status = client.get(f"/staff/tasks/{task_id}").status_code
            assert status == (200 if role in allowed else 403), (role, task_id, status)
        letter = client.get(f"/staff/cases/{referred}/letter").status_code
        assert letter == (200 if role in {"intake", "screener", "supervisor"} else 403), role
        supervise = client.get(f"/staff/cases/{screening}/supervise").status_code
        assert (supervise == 200) == (role == "supervisor"), (role, supervise)


def test_signed_out_visitors_reach_no_page(app, world):
    client = app.test_client()
    urls = [
        *PAGES,
        f"/staff/cases/{world['referred']}",
        f"/staff/tasks/{world['tasks'][world['screening']]}",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/staff/signin" in response.headers["Location"]


def test_an_address_the_staff_web_does_not_have_gets_its_own_page_in_thai_or_english(app):
    client = app.test_client()
    page = client.get("/staff/no-such-page")
    assert page.status_code == 404
    assert "ไม่พบหน้าที่ต้องการ" in page.text and "<html" in page.text
    english = client.get("/staff/no-such-page?lang=en")
    assert "There is no such page" in english.text
    portal = client.get("/portal/no-such-page")
    assert portal.status_code == 404 and "ไม่พบหน้านี้" in portal.text
    assert client.get("/api/v1/no-such-thing").get_json()["error"]["code"] == "not_found"
