"""The demo's supervisor console, whatever day the demo is built: one case overdue, one at risk and
one escalated to the province, each where a supervisor looks, with links only for who may act."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from damrong import demo
from engine.models import Case, OrgUnit, Task
from tests.admin.conftest import add_official, csrf_of

OVERDUE, AT_RISK, ESCALATED = (title for title, *_ in demo.FOLLOW_UPS)
DAYS = {
    # a Friday before a holiday (Monday 7 Dec 2569 BE stands in for the King's birthday)
    "friday-before-holiday-morning": datetime(2026, 12, 4, 3, 0, tzinfo=UTC),
    "friday-before-holiday-evening": datetime(2026, 12, 4, 13, 0, tzinfo=UTC),
    "monday": datetime(2026, 11, 23, 2, 0, tzinfo=UTC),
    "sunday-night": datetime(2026, 12, 6, 16, 30, tzinfo=UTC),
    "before-songkran": datetime(2027, 4, 9, 10, 0, tzinfo=UTC),  # Friday, after office hours
}


def signed_in(app, username: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    page = client.get("/staff/signin")
    done = client.post(
        "/staff/signin",
        data={"username": username, "password": demo.PASSWORD, "csrf_token": csrf_of(page.text)},
    )
    assert done.status_code == 302, username
    return client


def rows_of(html: str, title: str) -> list[str]:
    """The console's table rows that name a case title."""
    return [row for row in re.findall(r"<tr [^>]*>.*?</tr>", html, re.S) if title in row]


def case_id(factory, title: str) -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        return session.scalar(select(Case.id).where(Case.title == title))


@pytest.mark.parametrize("day", DAYS.values(), ids=DAYS.keys())
def test_the_demo_has_an_overdue_an_at_risk_and_an_escalated_case_on_any_day(
    app, factory, clock, day
):
    clock.set(day)
    demo.build(factory, clock)
    console = signed_in(app, "supervisor1").get("/staff/supervision?order=late").text
    overdue = [row for row in rows_of(console, OVERDUE) if 'data-state="breached"' in row]
    assert len(overdue) == 1 and "เกินกำหนด" in overdue[0] and "กำกับติดตาม" in overdue[0]
    at_risk = rows_of(console, AT_RISK)
    assert len(at_risk) == 1 and 'data-state="at_risk"' in at_risk[0]
    assert "เหลือ" in at_risk[0] and "กำกับติดตาม" in at_risk[0]
    escalated = rows_of(console, ESCALATED)
    assert escalated and all("data-escalated=" in row for row in escalated)
    assert any('data-state="breached"' in row for row in escalated)  # the agency is late too
    # sent up to the province: the district's supervisor sees it but no longer acts on it
    assert all("กำกับติดตาม" not in row for row in escalated)
    assert all("ศูนย์ดำรงธรรมจังหวัดเชียงใหม่" in row for row in escalated)
    assert console.index(OVERDUE) < console.index(AT_RISK)  # most late first
    with factory() as session:
        supervising = session.execute(
            select(Case.title, Case.escalation_level, OrgUnit.code, Task.due_at)
            .join(Task, Task.case_id == Case.id)
            .join(OrgUnit, OrgUnit.id == Task.org_unit_id)
            .where(Task.role == "supervisor")
        ).all()
    # each late case has its supervisor's task, at its level, and that task is not late yet
    assert sorted((t, lvl, unit) for t, lvl, unit, _ in supervising) == sorted(
        [(OVERDUE, 0, "c5001"), (ESCALATED, 1, "c50")]
    )
    assert all(due > day for *_, due in supervising)
    province = signed_in(app, "supervisor50").get("/staff/supervision").text
    assert all("กำกับติดตาม" in row for row in rows_of(province, ESCALATED))


def test_filters_and_grouping_of_the_console(app, factory, clock):
    demo.build(factory, clock)
    client = signed_in(app, "supervisor1")
    grouped = client.get("/staff/supervision").text
    assert grouped.index('<section class="card" data-unit="mol"') < grouped.index(OVERDUE)
    late = client.get("/staff/supervision?kind=breached").text
    assert OVERDUE in late and AT_RISK not in late
    risky = client.get("/staff/supervision?kind=at_risk").text
    assert AT_RISK in risky and OVERDUE not in risky
    up = client.get("/staff/supervision?kind=escalated").text
    assert ESCALATED in up and OVERDUE not in up and AT_RISK not in up
    by_unit = client.get("/staff/supervision?unit=dla").text
    assert AT_RISK in by_unit and OVERDUE not in by_unit
    # hostile or stale filters are dropped, never an error
    for query in (
        "kind=<script>",
        "step=' OR 1=1--",
        "unit=nope",
        "order=unit;x",
        "kind=" + "x" * 999,
    ):
        page = client.get("/staff/supervision?" + query)
        assert page.status_code == 200 and OVERDUE in page.text and "<script>" not in page.text
    assert client.get("/staff/supervision?order=%00").status_code == 400  # refused app-wide


def test_supervise_links_only_for_who_may_supervise(app, factory, clock):
    demo.build(factory, clock)
    overdue, escalated = case_id(factory, OVERDUE), case_id(factory, ESCALATED)
    supervisor = signed_in(app, "supervisor1")
    case_page = supervisor.get(f"/staff/cases/{overdue}").text
    assert f'href="/staff/cases/{overdue}/supervise"' in case_page
    inbox = supervisor.get("/staff/inbox?tab=all").text
    assert f'href="/staff/cases/{overdue}/supervise"' in inbox
    # escalated above the district: visible to its supervisor, no longer theirs to act on
    assert supervisor.get(f"/staff/cases/{escalated}").status_code == 200
    assert "/supervise" not in supervisor.get(f"/staff/cases/{escalated}").text
    assert supervisor.get(f"/staff/cases/{escalated}/supervise").status_code == 403
    province = signed_in(app, "supervisor50")
    assert (
        f'href="/staff/cases/{escalated}/supervise"'
        in province.get(f"/staff/cases/{escalated}").text
    )
    assert province.get(f"/staff/cases/{escalated}/supervise").status_code == 200
    # a screener of the same center: no link, and the form refuses them
    screener = signed_in(app, "screener1")
    assert "/supervise" not in screener.get(f"/staff/cases/{overdue}").text
    assert "/supervise" not in screener.get("/staff/inbox?tab=all").text
    assert screener.get(f"/staff/cases/{overdue}/supervise").status_code in (403, 404)
    token = csrf_of(screener.get("/staff/inbox").text)
    posted = screener.post(
        f"/staff/cases/{overdue}/supervise",
        data={"csrf_token": token, "supervisor_action": "remind"},
    )
    assert posted.status_code in (403, 404)
    # a supervisor of another province sees nothing of it and is refused
    add_official(factory, "supervisor_bkk", "c10", ["supervisor"])
    other = app.test_client()
    page = other.get("/staff/signin")
    other.post(
        "/staff/signin",
        data={
            "username": "supervisor_bkk",
            "password": demo.PASSWORD,
            "csrf_token": csrf_of(page.text),
        },
    )
    assert OVERDUE not in other.get("/staff/supervision").text
    assert other.get(f"/staff/cases/{overdue}/supervise").status_code in (403, 404)
    token = csrf_of(other.get("/staff/supervision").text)
    for target in (overdue, escalated, 987654):
        refused = other.post(
            f"/staff/cases/{target}/supervise",
            data={"csrf_token": token, "supervisor_action": "escalate", "reason": "ลองดู"},
        )
        assert refused.status_code in (403, 404), target
