"""What Open311's public GET endpoints may show: services, their definitions, redacted requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import redaction
from engine.cases import disclosure
from engine.errors import NotFound, ValidationFailed
from engine.models import Case, Category, OrgUnit, Referral
from engine.reference import areas
from engine.statuses import STATUSES, status_label
from forms.loader import field_labels, shared_schema
from open311.intake import DEFAULT_SPAN, MAX_RESULTS, check_service
from open311.models import Open311Request

BANGKOK = ZoneInfo("Asia/Bangkok")
# Intake fields an Open311 client sends as attribute[code]; the rest map to standard parameters.
ATTRIBUTES = ("title", "occurred_on", "anonymous", "confidential", "publish", "consent")
_DATATYPES = {"string": "string", "number": "number", "boolean": "singlevaluelist"}


def may_publish_details(case: Case, category: Category | None) -> bool:
    """Description, media and exact position are public only for a category an admin marks
    public, where the complainant agreed (`publish`) and did not ask for confidentiality."""
    return bool(
        category is not None and category.public and case.publish_details and not case.confidential
    )


def w3c(value: datetime | None) -> str | None:
    """An instant as W3C/ISO 8601 with the Bangkok offset, e.g. 2026-11-23T09:00:00+07:00."""
    return value.astimezone(BANGKOK).isoformat(timespec="seconds") if value else None


def list_services(session: Session, lang: str) -> list[dict]:
    """Every active category as an Open311 service, with its group and keywords."""
    rows = session.scalars(
        select(Category).where(Category.active.is_(True)).order_by(Category.code)
    ).all()
    return [
        {
            "service_code": c.code,
            "service_name": c.name_en if lang == "en" else c.name_th,
            "description": c.description_en if lang == "en" else c.description_th,
            "metadata": True,
            "type": "realtime",
            "keywords": ", ".join(c.keywords or []),
            "group": c.group_name,
        }
        for c in rows
    ]


def service_definition(session: Session, code: str, lang: str) -> dict:
    """A service's attributes, taken from the intake form's fields."""
    check_service(session, code)
    schema = shared_schema("intake")
    required = set(schema.get("required", []))
    attributes = []
    for order, name in enumerate(ATTRIBUTES, start=1):
        node = schema["properties"][name]
        label_th, label_en = field_labels(schema, [name])
        is_date = node.get("format") == "date" or node.get("x-widget") == "date"
        datatype = "datetime" if is_date else _DATATYPES[node["type"]]
        hint = node.get("x-description-en") if lang == "en" else node.get("description")
        attribute = {
            "variable": True,
            "code": name,
            "datatype": datatype,
            "required": name in required and name != "title",  # a title is made if left out
            "datatype_description": hint or None,
            "order": order,
            "description": label_en if lang == "en" else label_th,
        }
        if datatype == "singlevaluelist":
            yes, no = ("Yes", "No") if lang == "en" else ("ใช่", "ไม่ใช่")
            values = [{"key": "true", "name": yes}]
            attribute["values"] = (
                values if "const" in node else [*values, {"key": "false", "name": no}]
            )
        attributes.append(attribute)
    return {"service_code": code, "attributes": attributes}


@dataclass(frozen=True)
class RequestQuery:
    """The filters of GET requests; `ids` overrides every other one, as the spec says."""

    ids: tuple[int, ...] = ()
    service_codes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()  # open | closed
    start: datetime | None = None
    end: datetime | None = None


def _date_range(query: RequestQuery, now: datetime) -> tuple[datetime, datetime]:
    start, end = query.start, query.end
    if start is None and end is None:
        return now - DEFAULT_SPAN, now
    if start is None:
        start = end - DEFAULT_SPAN  # type: ignore[operator]
    if end is None:
        end = start + DEFAULT_SPAN
    if end < start:
        raise ValidationFailed.one(
            "end_date", "end_date ต้องไม่ก่อน start_date", "end_date is before start_date."
        )
    if end - start > DEFAULT_SPAN:
        raise ValidationFailed.one(
            "end_date",
            "ช่วง start_date ถึง end_date ต้องไม่เกิน 90 วัน",
            "start_date to end_date may not span more than 90 days.",
        )
    return start, end


def find_requests(session: Session, now: datetime, query: RequestQuery) -> list[Case]:
    """Cases matching the filters, newest first, at most 1,000."""
    # A complainant who asked for confidentiality is not in the public list at all.
    statement = select(Case).where(Case.confidential.is_(False))
    if query.ids:
        statement = statement.where(Case.id.in_(query.ids))
    else:
        start, end = _date_range(query, now)
        statement = statement.where(Case.created_at >= start, Case.created_at <= end)
        if query.service_codes:
            statement = statement.where(Case.category_code.in_(query.service_codes))
        if query.statuses:
            wanted = [c for c, s in STATUSES.items() if s.open311 in query.statuses]
            statement = statement.where(Case.status.in_(wanted))
    statement = statement.order_by(Case.created_at.desc(), Case.id.desc()).limit(MAX_RESULTS)
    return list(session.scalars(statement))


def get_request(session: Session, case_id: int) -> Case:
    """One case by its service_request_id, or NotFound (a confidential one too: not public)."""
    case = session.get(Case, case_id)
    if case is None or case.confidential:
        raise NotFound(f"There is no service request {case_id}.", f"ไม่พบคำร้องหมายเลข {case_id}")
    return case


def request_for_token(session: Session, token: str) -> Open311Request:
    """The request a POST's token stands for, or NotFound."""
    row = session.scalar(select(Open311Request).where(Open311Request.token == token))
    if row is None:
        raise NotFound("There is no request with this token.", "ไม่พบคำร้องที่ตรงกับ token นี้")
    return row


def _address(code: str, lang: str) -> str:
    names = []
    while code:
        area = areas.get_area(code)
        if area is None:
            break
        names.append(area.name_en if lang == "en" else area.name_th)
        code = area.parent_code or ""
    return ", ".join(names)


def public_records(session: Session, cases: list[Case], lang: str) -> list[dict]:
    """Cases as Open311 shows them to anyone, with a constant number of queries for any count."""
    ids = [c.id for c in cases]
    leads: dict[int, OrgUnit] = {}
    if ids:
        referrals = session.scalars(
            select(Referral)
            .where(Referral.case_id.in_(ids), Referral.active.is_(True), Referral.role == "lead")
            .order_by(Referral.id)
        )
        for referral in referrals:
            leads.setdefault(referral.case_id, referral.agency)
    media = {
        row.case_id: row.media_url
        for row in session.scalars(select(Open311Request).where(Open311Request.case_id.in_(ids)))
    }
    categories = {c.code: c for c in session.scalars(select(Category))}
    records = []
    for case in cases:
        record = _record(case, categories.get(case.category_code), leads.get(case.id), media, lang)
        if record["description"]:  # published only as the identity filter lets it out
            record["description"] = public_text(session, case)
        records.append(record)
    return records


def public_text(session: Session, case: Case) -> str | None:
    """A published description through the identity filter: the complainant, every phone,
    e-mail, national ID and name after a title, and the officers' redacted terms hidden."""
    clean = redaction.for_case(session, case)
    clean = redaction.Redactor(
        terms=[*clean.terms, *redaction.identity_terms(case)], protect_identity=True
    )
    return clean.text(case.description)


def _record(
    case: Case,
    category: Category | None,
    lead: OrgUnit | None,
    media: dict[int, str | None],
    lang: str,
) -> dict:
    """A case as Open311 shows it: never personal data; details only if publishable."""
    publish = may_publish_details(case, category)
    holder = lead or case.center
    return {
        "service_request_id": str(case.id),
        "status": STATUSES[case.status].open311,
        # Under review, the fixed line the complainant reads too (never the agency's text).
        "status_notes": disclosure.status_line(case, lang) or status_label(case.status, lang),
        "service_name": (category.name_en if lang == "en" else category.name_th)
        if category
        else case.category_code,
        "service_code": case.category_code,
        "description": case.description if publish else None,
        "agency_responsible": holder.name_en if lang == "en" else holder.name_th,
        "service_notice": None,
        "requested_datetime": w3c(case.created_at),
        "updated_datetime": w3c(case.updated_at),
        "expected_datetime": w3c(case.due_at),
        "address": _address(case.area_code, lang) or None,  # never the citizen's own words
        "address_id": case.area_code or None,  # None until a screener sets an unknown area
        "zipcode": None,
        "lat": case.lat if publish else None,
        "long": case.lon if publish else None,
        "media_url": media.get(case.id) if publish else None,
    }
