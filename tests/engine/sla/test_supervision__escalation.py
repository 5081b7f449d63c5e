"""An SLA breach opens a supervisor's task at the center while the agency keeps its own."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.access.rules import Actor
from engine.errors import PermissionDenied
from engine.models import OrgUnit, Referral
from tests.engine.helpers import complete, open_case, open_tasks, send, status_of


def _referred(factory, clock, staff) -> int:  # type: ignore[no-untyped-def]
    case_id, *_ = open_case(factory, clock, staff["intake"])
    complete(factory, clock, staff["screener"], case_id, "screen", {"decision": "refer"})
    complete(factory, clock, staff["labour"], case_id, "agency_acknowledge", {})
    return case_id


def test_breach_reaches_the_supervisor_and_reassignment_moves_the_agency_task(
    factory, clock, staff
):
    case_id = _referred(factory, clock, staff)
    with pytest.raises(PermissionDenied):
        send(factory, clock, staff["labour"], case_id, "sla_breached")
    send(factory, clock, Actor.system("scheduler"), case_id, "sla_breached")
    tasks = {t.step: t for t in open_tasks(factory, case_id)}
    assert set(tasks) == {"agency_handle", "supervise"}
    with factory() as session:
        units = dict(session.execute(select(OrgUnit.code, OrgUnit.id)).all())
    assert tasks["supervise"].org_unit_id == units["c5001"]
    assert tasks["supervise"].role == "supervisor"
    assert status_of(factory, case_id) == "in_progress"
    complete(
        factory,
        clock,
        staff["supervisor"],
        case_id,
        "supervise",
        {"supervisor_action": "reassign", "agency": "dla", "reason": "เกินกำหนดสองครั้ง"},
    )
    [agency_task] = open_tasks(factory, case_id)
    assert agency_task.org_unit_id == units["dla"] and agency_task.assignee_id is None
    with factory() as session:
        active = session.scalars(
            select(Referral).where(Referral.case_id == case_id, Referral.active.is_(True))
        ).all()
    assert [(r.agency.code, r.role) for r in active] == [("dla", "lead")]


def test_supervisor_closes_an_unresolvable_case(factory, clock, staff):
    case_id = _referred(factory, clock, staff)
    send(factory, clock, staff["supervisor"], case_id, "sla_breached")
    complete(
        factory,
        clock,
        staff["supervisor"],
        case_id,
        "supervise",
        {"supervisor_action": "close_unresolvable", "reason": "ผู้ถูกร้องย้ายออกนอกประเทศ"},
    )
    assert status_of(factory, case_id) == "closed"
    assert open_tasks(factory, case_id) == []
