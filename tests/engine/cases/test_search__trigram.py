"""Finding cases by words through the trigram index (SQLite FTS5, PostgreSQL pg_trgm)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from sqlalchemy import event, insert, select, text, update

from damrong.migrate import MIGRATIONS
from engine.cases.search import search_cases
from engine.errors import ValidationFailed
from engine.models import Case
from tests.engine.helpers import open_case

POTHOLE = "ถนนหน้าบ้านเป็นหลุมเป็นบ่อมานานแล้ว"


def titles(factory, actor, query: str) -> set[str]:  # type: ignore[no-untyped-def]
    with factory() as session:
        rows, total = search_cases(session, actor, query)
        assert total == len(rows)
        return {case.title for case in rows}


@pytest.fixture
def three_cases(factory, clock, staff):  # type: ignore[no-untyped-def]
    open_case(factory, clock, staff["intake"], title="ถนนพัง", description=POTHOLE)
    open_case(
        factory,
        clock,
        staff["intake"],
        title="ไฟฟ้าดับ",
        description="Transformer EXPLODED near Wat Si Suphan; ไฟดับทั้งซอย",
    )
    open_case(factory, clock, staff["intake"], title="น้ำท่วม", description="น้ำท่วมขังหน้าตลาด")


def test_a_thai_word_inside_unspaced_text_is_found(factory, staff, three_cases):
    screener = staff["screener"]
    assert titles(factory, screener, "หลุม") == {"ถนนพัง"}
    assert titles(factory, screener, "เป็นบ่อ") == {"ถนนพัง"}
    assert titles(factory, screener, "หลุม ตลาด") == set()  # every word must occur
    assert titles(factory, screener, "ท่วม ตลาด") == {"น้ำท่วม"}
    assert titles(factory, screener, "หลุมลึก") == set()


def test_words_shorter_than_a_trigram_are_still_found(factory, staff, three_cases):
    screener = staff["screener"]
    assert titles(factory, screener, "บ่") == {"ถนนพัง"}  # two characters
    assert titles(factory, screener, "ซ") == {"ไฟฟ้าดับ"}  # one character
    assert titles(factory, screener, "บ่ หลุม") == {"ถนนพัง"}  # short and long together
    assert titles(factory, screener, "Wa") == {"ไฟฟ้าดับ"}


def test_english_words_are_found_whatever_their_case(factory, staff, three_cases):
    screener = staff["screener"]
    for query in ("exploded", "EXPLODED", "Exploded", "transformer wat", "SUPHAN"):
        assert titles(factory, screener, query) == {"ไฟฟ้าดับ"}, query


def test_an_edited_text_is_found_by_its_new_words_only(factory, clock, staff, three_cases):
    screener = staff["screener"]
    with factory.begin() as session:
        case = session.scalar(select(Case).where(Case.title == "น้ำท่วม"))
        case.description = "ท่อระบายน้ำอุดตันหน้าโรงเรียน"
        case.title = "ท่อตัน"
    assert titles(factory, screener, "อุดตัน") == {"ท่อตัน"}
    assert titles(factory, screener, "ตลาด") == set()
    assert titles(factory, screener, "ท่วม") == set()
    # Written without the ORM (a script, a bulk fix): the index follows as well.
    with factory.begin() as session:
        session.execute(
            update(Case).where(Case.title == "ท่อตัน").values(description="ขยะล้นถังริมคลอง")
        )
    assert titles(factory, screener, "ริมคลอง") == {"ท่อตัน"}
    assert titles(factory, screener, "อุดตัน") == set()


def test_cases_inserted_in_bulk_are_found(factory, clock, staff, three_cases):
    with factory.begin() as session:
        row = session.execute(select(Case.__table__).where(Case.title == "ถนนพัง")).mappings().one()
        copy = {k: v for k, v in row.items() if k != "id"}
        copy.update(
            tracking_code="BULK0000001",
            registration_number="bulk-1",
            title="เสียงดังจากโรงงาน",
            description="โรงงานเปิดเครื่องจักรทั้งคืน",
        )
        session.execute(insert(Case), [copy])
    assert titles(factory, staff["screener"], "เครื่องจักร") == {"เสียงดังจากโรงงาน"}


@pytest.mark.parametrize(
    "query",
    ['"', '""', '"หลุม', 'หลุม"', "หลุม*", "*", "หลุม OR ตลาด", "NEAR(หลุม ตลาด)", "(หลุม)",
     "a:b", "title:หลุม", "^หลุม", "-หลุม", "100%", "_", "\\", "'; DROP TABLE cases; --"],
)  # fmt: skip
def test_query_syntax_characters_are_only_text(factory, staff, three_cases, query):
    found = titles(factory, staff["screener"], query)
    assert found == set()


def test_percent_and_underscore_match_only_themselves(factory, clock, staff, three_cases):
    open_case(factory, clock, staff["intake"], title="ค่าไฟขึ้น 100% ในเดือนเดียว")
    screener = staff["screener"]
    assert titles(factory, screener, "100%") == {"ค่าไฟขึ้น 100% ในเดือนเดียว"}
    assert titles(factory, screener, "0%") == {"ค่าไฟขึ้น 100% ในเดือนเดียว"}
    assert titles(factory, screener, "1_0") == set()


def test_an_empty_or_overlong_query_is_refused(factory, staff):
    with factory() as session:
        for query in ("", "   ", "ก" * 101, "ab\x00c"):
            with pytest.raises(ValidationFailed):
                search_cases(session, staff["screener"], query)


def _migration_0011():  # type: ignore[no-untyped-def]
    path = MIGRATIONS / "versions" / "0011_case_search.py"
    spec = importlib.util.spec_from_file_location("migration_0011", Path(path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cases_registered_before_the_index_existed_are_found(factory, staff, three_cases):
    migration = _migration_0011()
    with factory.begin() as session:
        dialect = session.get_bind().dialect.name
        for statement in getattr(migration, f"{dialect.upper()}_DOWN"):
            session.execute(text(statement))
    with factory.begin() as session:
        for statement in getattr(migration, f"{dialect.upper()}_UP"):
            session.execute(text(statement))
    assert titles(factory, staff["screener"], "หลุม") == {"ถนนพัง"}
    assert titles(factory, staff["screener"], "ท่วม ตลาด") == {"น้ำท่วม"}


@pytest.mark.parametrize(("query", "indexed"), [("หลุม", True), ("บ่", False)])
def test_a_search_reads_the_trigram_index_for_words_of_three_characters(
    factory, staff, three_cases, query, indexed
):
    """SQLite asks the FTS5 table; PostgreSQL's plan uses the GIN trigram indexes. A shorter
    word has no trigram: reading the whole index for it would be slower than the table."""
    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append((statement, parameters))

    with factory() as session:
        bind = session.get_bind()
        event.listen(bind, "before_cursor_execute", capture)
        try:
            assert {c.title for c in search_cases(session, staff["screener"], query)[0]} == {
                "ถนนพัง"
            }
        finally:
            event.remove(bind, "before_cursor_execute", capture)
        statement, parameters = statements[-1]  # the page of rows (the count came first)
        if bind.dialect.name == "sqlite":
            plan = session.connection().exec_driver_sql(
                "EXPLAIN QUERY PLAN " + statement, parameters
            )
            assert ("VIRTUAL TABLE INDEX" in str(plan.all())) is indexed
            return
        # A table of three cases is read whole; forbid that to see what a big table would use.
        session.execute(text("SET LOCAL enable_seqscan = off"))
        session.execute(text("SET LOCAL enable_indexscan = off"))
        plan = str(session.connection().exec_driver_sql("EXPLAIN " + statement, parameters).all())
        assert ("ix_cases_title_trgm" in plan and "ix_cases_description_trgm" in plan) is indexed
