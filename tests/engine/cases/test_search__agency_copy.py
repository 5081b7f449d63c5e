"""An agency searches the text as the identity filter shows it, never the original (finding 1).

The attack of issue 13: typing a masked national ID's digits one more at a time (`453`, `3453`,
…) rebuilt a whole ID in 40 queries. Agencies' words now run over a stored filtered copy, kept in
step with the case and rebuilt when the filter's rules change.
"""

from __future__ import annotations

from sqlalchemy import update

from engine.access import redaction
from engine.cases import searchindex
from engine.cases.search import search_cases
from engine.models import AgencyCaseText, Case, CaseRedaction
from tests.agency.conftest import referred_case
from tests.engine.access.formats import NAME, NID, PHONE, national_id_formats, phone_formats


def _found(factory, actor, text: str) -> list[int]:  # type: ignore[no-untyped-def]
    with factory() as session:
        return [c.id for c in search_cases(session, actor, text)[0]]


def _confidential(factory, clock, staff) -> int:  # type: ignore[no-untyped-def]
    return referred_case(
        factory,
        clock,
        staff,
        confidential=True,
        title="นายจ้างค้างค่าจ้างโรงงานลำไย",
        description=f"ผู้ร้อง {NAME} บัตร {NID} โทร {PHONE} ทำงานโรงงานลำไย",
        complainant={"name": NAME, "phone": PHONE, "national_id": NID},
    )


def test_digit_by_digit_never_rebuilds_a_masked_id(factory, clock, staff):
    case_id = _confidential(factory, clock, staff)
    guesses = [NID[-n:] for n in range(4, 14)] + [NID[:n] for n in range(3, 14)]
    guesses += national_id_formats()[:8] + phone_formats()[:8] + [NAME, "สมหญิง", "รักงาน"]
    for guess in guesses:
        assert case_id not in _found(factory, staff["labour"], guess), guess
    # What the agency may read, it finds; the center still searches the full text.
    assert _found(factory, staff["labour"], "โรงงานลำไย") == [case_id]
    assert _found(factory, staff["screener"], NID[-6:]) == [case_id]
    assert _found(factory, staff["screener"], "รักงาน") == [case_id]
    # Another agency finds nothing of a case not referred to it.
    assert _found(factory, staff["police"], "โรงงานลำไย") == []


def test_the_copy_follows_redactions_text_and_confidentiality(factory, clock, staff):
    case_id = _confidential(factory, clock, staff)
    with factory.begin() as session:
        session.add(CaseRedaction(case_id=case_id, term="ลำไย", created_by="x", created_at=clock()))
    assert _found(factory, staff["labour"], "โรงงานลำไย") == []
    with factory.begin() as session:
        session.get(Case, case_id).description = "เขียนใหม่ เรื่องโรงสีข้าว"
    assert _found(factory, staff["labour"], "โรงสีข้าว") == [case_id]
    with factory.begin() as session:
        session.get(Case, case_id).confidential = False
        session.get(Case, case_id).description = f"ผู้ร้อง {NAME}"
    assert _found(factory, staff["labour"], "รักงาน") == [case_id]


def test_copies_made_under_older_rules_are_not_searched_until_rebuilt(factory, clock, staff):
    case_id = _confidential(factory, clock, staff)
    with factory.begin() as session:
        session.execute(
            update(AgencyCaseText).values(rules_version=0, description=f"บัตร {NID} โรงงานลำไย")
        )
    assert _found(factory, staff["labour"], NID[-6:]) == []  # stale: never matched
    assert _found(factory, staff["labour"], "โรงงานลำไย") == []
    assert searchindex.reindex_stale(factory, clock) >= 1
    assert _found(factory, staff["labour"], "โรงงานลำไย") == [case_id]
    assert _found(factory, staff["labour"], NID[-6:]) == []
    with factory() as session:
        row = session.get(AgencyCaseText, case_id)
        assert row.rules_version == redaction.RULES_VERSION and NID not in row.description
