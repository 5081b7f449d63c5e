"""Centers are generated for every province and district from the DOPA areas."""

from __future__ import annotations

from sqlalchemy import func, select

from engine.models import OrgUnit


def test_a_center_per_province_and_district_with_proper_names(factory):
    with factory() as session:
        count = dict(
            session.execute(select(OrgUnit.kind, func.count()).group_by(OrgUnit.kind)).all()
        )
        names = dict(
            session.execute(
                select(OrgUnit.code, OrgUnit.name_th).where(
                    OrgUnit.code.in_(["c10", "c1001", "c5001"])
                )
            ).all()
        )
    assert count["provincial_center"] == 77 and count["district_center"] == 928
    assert count["central"] == 1
    assert names == {
        "c10": "ศูนย์ดำรงธรรมกรุงเทพมหานคร",
        "c1001": "ศูนย์ดำรงธรรมเขตพระนคร",
        "c5001": "ศูนย์ดำรงธรรมอำเภอเมืองเชียงใหม่",
    }
