"""A center screens the cases it registers, even for a complainant from a neighbouring area."""

from __future__ import annotations

from engine.cases import intake
from engine.cases.tasks import list_tasks
from tests.engine.helpers import complete, open_case


def test_a_walk_in_from_another_district_is_screened_where_it_was_registered(factory, clock, staff):
    # Mueang Chiang Mai's intake officer registers a complaint about Chom Thong (500401).
    case_id, *_ = open_case(factory, clock, staff["intake"], area_code="500401")
    with factory() as session:
        seen = [c.id for c in intake.list_cases(session, staff["screener"])[0]]
        assert case_id in seen
        inbox = list_tasks(session, staff["screener"], "group", now=clock())
        assert [t.case_id for t in inbox.items] == [case_id]
        # Bangkok's screeners still see nothing of it.
        assert case_id not in [c.id for c in intake.list_cases(session, staff["screener_bkk"])[0]]
    assert complete(factory, clock, staff["screener"], case_id, "screen", {"decision": "refer"})
