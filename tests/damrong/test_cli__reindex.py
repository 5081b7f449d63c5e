"""`damrong reindex` rebuilds the agencies' filtered search copy (after the filter's rules change,
or for cases registered before migration 0016)."""

from __future__ import annotations

import json

from sqlalchemy import delete, select, update

from damrong import cli
from engine.access import redaction
from engine.models import AgencyCaseText
from tests.engine.access.formats import NAME, NID, PHONE
from tests.engine.helpers import open_case


def test_reindex_rebuilds_stale_and_missing_copies(
    factory, clock, staff, database_url, monkeypatch, capsys
):
    monkeypatch.setenv("DAMRONG_DATABASE_URL", database_url)
    stale, *_ = open_case(
        factory,
        clock,
        staff["intake"],
        confidential=True,
        description=f"{NAME} {NID} {PHONE}",
        complainant={"name": NAME, "phone": PHONE, "national_id": NID},
    )
    missing, *_ = open_case(factory, clock, staff["intake"])
    current, *_ = open_case(factory, clock, staff["intake"])
    with factory.begin() as session:
        session.execute(
            update(AgencyCaseText)
            .where(AgencyCaseText.case_id == stale)
            .values(rules_version=0, description=f"{NAME} {NID}")
        )
        session.execute(delete(AgencyCaseText).where(AgencyCaseText.case_id == missing))
    assert cli.main(["reindex"]) == 0
    assert json.loads(capsys.readouterr().out) == {"reindexed": 2}
    with factory() as session:
        rows = {r.case_id: r for r in session.scalars(select(AgencyCaseText))}
    assert set(rows) == {stale, missing, current}
    assert {r.rules_version for r in rows.values()} == {redaction.RULES_VERSION}
    assert NID not in rows[stale].description and "สมหญิง" not in rows[stale].description
    assert cli.main(["reindex"]) == 0 and json.loads(capsys.readouterr().out) == {"reindexed": 0}
    assert cli.main(["reindex", "--all"]) == 0
    assert json.loads(capsys.readouterr().out) == {"reindexed": 3}
