"""Centers are generated for every province and district from the DOPA areas."""

from __future__ import annotations

from sqlalchemy import func, select

from engine.models import OrgUnit
from engine.reference import loader


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


def test_letters_to_a_unit_are_addressed_to_its_head_by_position(factory):
    with factory() as session:
        heads = dict(
            session.execute(
                select(OrgUnit.code, OrgUnit.head_position_th).where(
                    OrgUnit.code.in_(["c10", "c1001", "c50", "c5001", "mol", "dol", "rtp"])
                )
            ).all()
        )
    assert heads == {
        "c10": "ผู้ว่าราชการกรุงเทพมหานคร",
        "c1001": "ผู้อำนวยการเขตพระนคร",
        "c50": "ผู้ว่าราชการจังหวัดเชียงใหม่",
        "c5001": "นายอำเภอเมืองเชียงใหม่",
        "mol": "ปลัดกระทรวงแรงงาน",
        "dol": "อธิบดีกรมที่ดิน",
        "rtp": "ผู้บัญชาการตำรวจแห่งชาติ",
    }


def test_loading_again_fills_missing_head_positions_but_keeps_an_administrators(factory):
    with factory.begin() as session:
        mol = session.scalar(select(OrgUnit).where(OrgUnit.code == "mol"))
        c5001 = session.scalar(select(OrgUnit).where(OrgUnit.code == "c5001"))
        mol.head_position_th = mol.head_position_en = None  # a database from before 0022
        c5001.head_position_th = "ปลัดอำเภอ (หัวหน้าศูนย์)"  # an administrator's own choice
    try:
        with factory.begin() as session:
            loader.load_org_units(session)
        with factory() as session:
            mol = session.scalar(select(OrgUnit).where(OrgUnit.code == "mol"))
            c5001 = session.scalar(select(OrgUnit).where(OrgUnit.code == "c5001"))
            assert mol.head_position_th == "ปลัดกระทรวงแรงงาน"
            assert mol.head_position_en == "Permanent Secretary for Labour"
            assert c5001.head_position_th == "ปลัดอำเภอ (หัวหน้าศูนย์)"
    finally:
        with factory.begin() as session:
            session.scalar(
                select(OrgUnit).where(OrgUnit.code == "c5001")
            ).head_position_th = "นายอำเภอเมืองเชียงใหม่"
