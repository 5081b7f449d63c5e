"""Loading reference data: DOPA areas, centers generated from them, agencies and categories."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from engine.models import Area, Category, OrgUnit, SlaPolicy, WorkflowRole
from engine.reference import areas, directory

SEED_DIR = Path(__file__).parent / "seed"


def _seed(name: str) -> list[dict]:
    return json.loads((SEED_DIR / name).read_text(encoding="utf-8"))


def load_areas(session: Session) -> int:
    """Insert the DOPA areas that are not there yet; returns how many were added."""
    have = set(session.scalars(select(Area.code)))
    rows = [
        {
            "code": a.code,
            "level": a.level,
            "parent_code": a.parent_code,
            "name_th": a.name_th,
            "name_en": a.name_en,
        }
        for a in areas.all_areas()
        if a.code not in have
    ]
    if rows:
        session.execute(insert(Area), rows)
    return len(rows)


def load_org_units(session: Session) -> int:
    """The seed's central center and agencies, then one center per province and district."""
    existing = {u.code: u for u in session.scalars(select(OrgUnit))}
    added = 0
    for row in _seed("orgunits.json"):
        if row["code"] in existing:
            _fill_head_position(existing[row["code"]], row)
            continue
        parent = existing.get(row.get("parent_code") or "")
        unit = OrgUnit(
            code=row["code"],
            kind=row["kind"],
            name_th=row["name_th"],
            name_en=row["name_en"],
            parent_id=parent.id if parent else None,
            area_code=row.get("area_code"),
            phone=row.get("phone"),
            email=row.get("email"),
            hotline=row.get("hotline"),
            head_position_th=row.get("head_position_th"),
            head_position_en=row.get("head_position_en"),
            active=True,
        )
        session.add(unit)
        session.flush()
        existing[unit.code] = unit
        added += 1
    return added + _generate_centers(session, existing)


def _fill_head_position(unit: OrgUnit, known: dict) -> None:
    """A unit loaded before head positions existed gets the known one; an edit is never undone."""
    if not unit.head_position_th and known.get("head_position_th"):
        unit.head_position_th = known["head_position_th"]
        unit.head_position_en = unit.head_position_en or known.get("head_position_en")


def center_head(area: areas.Area) -> dict[str, str]:
    """The head of an area's center, as letters address them: the provincial governor, the
    district chief (นายอำเภอ), in Bangkok its governor and the district office's director."""
    if area.code == "10":
        return {
            "head_position_th": "ผู้ว่าราชการกรุงเทพมหานคร",
            "head_position_en": "Governor of Bangkok",
        }
    if area.level == "province":
        return {
            "head_position_th": f"ผู้ว่าราชการจังหวัด{area.name_th}",
            "head_position_en": f"Governor of {area.name_en}",
        }
    if area.name_th.startswith("เขต"):
        return {
            "head_position_th": f"ผู้อำนวยการ{area.name_th}",
            "head_position_en": f"Director of {area.name_en} District Office",
        }
    return {
        "head_position_th": f"นายอำเภอ{area.name_th}",
        "head_position_en": f"Chief of {area.name_en} District",
    }


def _generate_centers(session: Session, existing: dict[str, OrgUnit]) -> int:
    central = existing["central"]
    added = 0
    for area in areas.all_areas():
        if area.level == "subdistrict":
            continue
        if f"c{area.code}" in existing:
            _fill_head_position(existing[f"c{area.code}"], center_head(area))
            continue
        if area.level == "province":
            parent, kind = central, "provincial_center"
            name_th, name_en = (
                f"ศูนย์ดำรงธรรมจังหวัด{area.name_th}",
                f"{area.name_en} Provincial Damrongdhamma Center",
            )
            if area.code == "10":
                name_th = "ศูนย์ดำรงธรรมกรุงเทพมหานคร"
        else:
            parent, kind = existing[f"c{area.parent_code}"], "district_center"
            # Bangkok's districts are เขต and already carry the word in their names.
            prefix = "" if area.name_th.startswith("เขต") else "อำเภอ"
            name_th, name_en = (
                f"ศูนย์ดำรงธรรม{prefix}{area.name_th}",
                f"{area.name_en} District Damrongdhamma Center",
            )
        unit = OrgUnit(
            code=f"c{area.code}",
            kind=kind,
            name_th=name_th,
            name_en=name_en,
            parent_id=parent.id,
            area_code=area.code,
            hotline="1567",
            active=True,
            **center_head(area),
        )
        session.add(unit)
        if area.level == "province":
            session.flush()  # districts need their province center's id
        existing[unit.code] = unit
        added += 1
    session.flush()
    return added


def load_categories(session: Session) -> int:
    """The seed's categories that are not there yet, linked to their default agencies."""
    units = {u.code: u.id for u in session.scalars(select(OrgUnit).where(OrgUnit.kind == "agency"))}
    have = set(session.scalars(select(Category.code)))
    added = 0
    for row in _seed("categories.json"):
        if row["code"] in have:
            continue
        session.add(
            Category(
                code=row["code"],
                name_th=row["name_th"],
                name_en=row["name_en"],
                description_th=row.get("description_th", ""),
                description_en=row.get("description_en", ""),
                default_agency_id=units.get(row.get("default_agency") or ""),
                keywords=row.get("keywords", []),
                group_name=row.get("group", ""),
                public=row.get("public", True),
                active=True,
            )
        )
        added += 1
    session.flush()
    return added


def load_sla_policies(session: Session) -> int:
    """The seed's deadline policies that are not there yet."""
    have = {(p.process_id, p.step, p.category_code) for p in session.scalars(select(SlaPolicy))}
    added = 0
    for row in _seed("sla_policies.json"):
        if (row.get("process"), row["step"], row["category"]) in have:
            continue
        session.add(
            SlaPolicy(
                process_id=row.get("process"),
                step=row["step"],
                category_code=row["category"],
                unit=row["unit"],
                duration=row["duration"],
                reminders=row["reminders"],
                breach_action=row.get("breach_action", "escalate"),
                active=True,
            )
        )
        added += 1
    session.flush()
    return added


def load_workflow_roles(session: Session) -> int:
    """The seed's workflow roles (what a lane may be called) that are not there yet."""
    have = set(session.scalars(select(WorkflowRole.code)))
    added = 0
    for row in _seed("workflow_roles.json"):
        if row["code"] in have:
            continue
        session.add(WorkflowRole(**row, active=True))
        added += 1
    session.flush()
    return added


def load_all(session: Session) -> dict[str, int]:
    """Load every kind of reference data; safe to run again (adds only what is missing)."""
    return {
        "areas": load_areas(session),
        "org_units": load_org_units(session),
        "categories": load_categories(session),
        "sla_policies": load_sla_policies(session),
        "workflow_roles": load_workflow_roles(session),
        "directory": directory.load_directory(session),
    }
