"""No route shows a confidential complainant's identity to an agency, in any format (generated).

One confidential case carries the complainant's name, e-mail, and their phone and national ID in
every format people write them (tests/engine/access/formats.py) in its title, description and a
public note. Every route is read from Flask's url_map (and every path of the OpenAPI document
must map to one): a route with no row in ROUTES fails the first test, so a new route cannot skip
the identity filter. Each GET route is called once by the lead agency's officer, a co-handling
agency's officer and another agency's officer (API routes with their tokens, staff pages signed
in, public routes anonymously), and no response may carry the identity in any format. What
messages and webhooks carry is tested in tests/notifications/test_context__identity.py.
"""

from __future__ import annotations

import html
import io
import json
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from damrong.app import create_app
from damrong.config import Config
from engine.access import numbers
from engine.access.tokens import issue_token
from engine.cases.intake import add_comment
from engine.cases.referrals import refer
from engine.models import Case, Task, User
from tests.admin.conftest import password_hash, sign_in
from tests.agency.conftest import referred_case
from tests.engine.access.formats import (
    EMAIL,
    NAME,
    NID,
    PHONE,
    national_id_formats,
    phone_formats,
    text_with_every_format,
)

ROLES = ("labour", "local", "police")  # lead agency, co-handler, an agency not involved
FORBIDDEN = [NAME, *NAME.split(), EMAIL, *phone_formats(), *national_id_formats()]

# endpoint -> the path to call (placeholders {case}, {task}, {code}) and who calls it ("api":
# bearer token, "staff": signed in, "public": nobody), or a reason it is not called.
# fmt: off
ROUTES: dict[str, tuple[str, str] | str] = {
    "api.get_cases": ("/api/v1/cases", "api"),
    "api.get_one_case": ("/api/v1/cases/{case}", "api"),
    "api.get_case_events": ("/api/v1/cases/{case}/events", "api"),
    "api.get_identity_views": ("/api/v1/cases/{case}/identity-views", "api"),
    "api.get_forward_requests": ("/api/v1/cases/{case}/forward-requests", "api"),
    "api.get_pending_forwards": ("/api/v1/forward-requests", "api"),
    "api.get_tasks": ("/api/v1/tasks?scope=group", "api"),
    "api.get_task": ("/api/v1/tasks/{task}", "api"),
    "api.get_agency_cases": ("/api/v1/agency/cases", "api"),
    "api.get_agency_case": ("/api/v1/agency/cases/{case}", "api"),
    "api.get_agency_feed": ("/api/v1/agency/feed", "api"),
    "api.get_incidents": ("/api/v1/incidents", "api"),
    "api.get_compliance": ("/api/v1/sla/compliance", "api"),
    "api.my_notifications": ("/api/v1/me/notifications", "api"),
    "api.messages": ("/api/v1/admin/notifications/messages", "api"),
    "api.dead_letters": ("/api/v1/admin/notifications/dead-letters", "api"),
    "api.track": ("/api/v1/track/{code}", "public"),
    "api.citizen_notifications": ("/api/v1/track/{code}/notifications", "public"),
    "staff.cases": ("/staff/cases?q=นายจ้างค้างจ่าย", "staff"),  # search results
    "staff.case": ("/staff/cases/{case}", "staff"),
    "staff.agency_view": ("/staff/cases/{case}/agency-view", "staff"),
    "staff.diagram": ("/staff/cases/{case}/diagram.json", "staff"),
    "staff.referral_letter": ("/staff/cases/{case}/letter", "staff"),
    "staff.referral_letter_pdf": ("/staff/cases/{case}/letter.pdf", "staff"),
    "staff.supervise": ("/staff/cases/{case}/supervise", "staff"),
    "staff.inbox": ("/staff/inbox", "staff"),
    "staff.task": ("/staff/tasks/{task}", "staff"),
    "staff.console": ("/staff/supervision", "staff"),
    "staff.home": ("/staff/", "staff"),
    "staff.account": ("/staff/account", "staff"),
    "open311.list_requests": ("/open311/v2/requests.json", "public"),
    "open311.get_request": ("/open311/v2/requests/{case}.json", "public"),
    "api.get_agency_attachment": "files: a confidential complainant's never reach an agency "
    "(tests/agency/test_redaction__identity.py)",
    "staff.attachment": "files: as above (tests/admin/test_casefiles__access.py)",
    "portal.case_page": "the complainant's own page, opened with their secret",
    "open311.token": "a partner's own request by its token: ids only",
    "api.template_get": "administrators' templates: no case text",
    "api.templates_list": "administrators' templates: no case text",
    "api.openapi_json": "the API's description: no case text",
    "api.get_processes": "designers' process catalog: process and category codes, counts",
    "api.get_versions": "designers' process versions: who deployed, notes, counts",
    "api.get_version": "a process version's diagrams and forms: no case text",
    "api.export_version": "a process version's zip (diagrams, forms, scenarios): no case text",
    "api.get_activation_requests": "requests to make a version live: who asked, notes, no case",
    "api.diff_versions": "elements changed between two versions: no case text",
    "staff.designer": "the process library: process ids, versions, notes, drafts, requests",
    "staff.designer_process": "a process's versions, requests and diff: no case text",
    "staff.designer_draft": "a draft's diagrams and forms: no case text",
    "staff.designer_content": "a draft's diagrams and forms as JSON: no case text",
    "staff.designer_reference": "roles, forms, policies, statuses, process ids",
    "staff.designer_migrate": "moving cases between versions: case ids, statuses, element ids",
    "staff.designer_forms": "a draft's task forms and the tasks naming them: no case text",
    "staff.designer_form": "the form builder: one form's fields and preview, no case text",
    "staff.designer_export_version": "a process version's zip: diagrams, forms, no case text",
    "staff.designer_export_draft": "a draft's zip: diagrams, forms, no case text",
    "staff.designer_import_page": "the upload form for a process zip: no case text",
    "staff.designer_compare": "two versions' diagrams and changed element ids: no case text",
    "staff.designer_migration": "a migration run: case ids, statuses, element ids, reasons",
    "staff.designer_testrun": "a draft's test-runs: element ids, statuses, a made-up case's "
    "tasks and notices, no real case text",
    "staff.designer_testrun_diagram": "a draft's diagrams with a test-run's path: no case text",
    "staff.designer_version_testrun": "a version's test-runs: element ids, statuses, no case text",
    "staff.designer_version_testrun_diagram": "a version's diagrams with a test-run's path",
    "staff.letterhead": "a center's emblem or letterhead image: no case text",
}
NO_CASE_TEXT = (  # GET routes that show reference data, static files or forms only
    "index", "static", "favicon", "directory_page", "api.get_areas", "api.get_categories",
    "api.get_directory", "api.get_form", "api.get_sla_policies", "open311.discovery",
    "open311.services", "open311.service_definition", "portal.home", "portal.complaint_form",
    "portal.form_styles", "portal.manifest", "portal.offline", "portal.provinces",
    "portal.receipt", "portal.static", "portal.service_worker", "portal.track_form",
    "portal.vendor", "staff.static", "staff.vendor", "staff.form_stylesheet", "staff.intake",
    "staff.set_language", "staff.signin", "admin.index", "admin.static",
    "api.province_polygons",  # the dashboard map's province polygons (stats/data)
)
# Flask-Admin's views and the dead-letter and partner-key pages are administrators' only
# (tests/admin/test_authz__matrix.py); their GETs are still called below.
ADMIN_ONLY = ("admin_", "dead_letters.", "partner_keys.", "staff_sessions.", "letterheads.")
# fmt: on
# Only GET returns what a reader asks to read; a POST/PUT/DELETE answers with ids and statuses.
READ_METHODS = {"GET"}


def _covered(endpoint: str) -> bool:
    return endpoint in ROUTES or endpoint in NO_CASE_TEXT or endpoint.startswith(ADMIN_ONLY)


@pytest.fixture
def app(factory, database_url, clock):  # type: ignore[no-untyped-def]
    return create_app(Config(database_url=database_url, secret_key="test"), clock=clock)


@pytest.fixture
def world(app, factory, clock, staff):  # type: ignore[no-untyped-def]
    """The confidential case, referred to mol with dla co-handling, and who reads it."""
    case_id = referred_case(
        factory,
        clock,
        staff,
        confidential=True,
        title=f"นายจ้างค้างจ่าย {NAME} โทร {PHONE} บัตร {NID}",
        description=text_with_every_format(),
        complainant={"name": NAME, "phone": PHONE, "email": EMAIL, "national_id": NID},
    )
    with factory.begin() as session:
        case = session.get(Case, case_id)
        refer(session, clock(), staff["labour"], case, "dla", "co_handler", None)
        add_comment(session, clock, staff["screener"], case_id, text_with_every_format(), True)
        session.execute(update(User).values(password_hash=password_hash()))
        task = session.scalar(select(Task).where(Task.case_id == case_id, Task.role != "screener"))
        code = case.tracking_code
        tokens = {
            name: issue_token(
                session, clock(), session.scalar(select(User).where(User.username == name))
            )
            for name in ROLES
        }
    return {"case": case_id, "task": task.id if task else 0, "code": code, "tokens": tokens}


def _text_of(response) -> str:  # type: ignore[no-untyped-def]
    """What a reader gets, decoded: JSON unescaped, HTML entities resolved, PDF text extracted."""
    if response.mimetype == "application/pdf":
        return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(response.data)).pages)
    body = response.get_data(as_text=True)
    if response.is_json:
        body += json.dumps(response.get_json(silent=True), ensure_ascii=False)
    return html.unescape(body)


def leaks(text: str) -> list[str]:
    """The complainant's identity in a text, in any format."""
    found = [form for form in FORBIDDEN if form in text]
    found += [
        text[n.start : n.end]
        for n in numbers.find(text, [PHONE, NID])
        if n.kind == "term" or n.digits == NID
    ]
    return found


def test_every_route_and_openapi_path_has_a_row(app):
    missing = sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.methods & READ_METHODS and not _covered(rule.endpoint)
    )
    assert not missing, f"routes without a row in ROUTES/NO_CASE_TEXT: {missing}"
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    adapter = app.url_map.bind("localhost")
    for path, operations in spec["paths"].items():
        concrete = "/api/v1" + re.sub(r"\{[^}]+\}", "1", path)
        for method in operations:
            if method.upper() in READ_METHODS:
                endpoint, _ = adapter.match(concrete, method=method.upper())
                assert _covered(endpoint), f"{method.upper()} {path} ({endpoint}) has no row"


def test_no_route_shows_a_confidential_complainant_to_any_agency(app, world):
    rules = {r.endpoint: r for r in app.url_map.iter_rules() if r.methods & READ_METHODS}
    calls = [(e, spec) for e, spec in ROUTES.items() if isinstance(spec, tuple)]
    assert {e for e, _ in calls} <= set(rules), "a row names a route that does not exist"
    seen: dict[tuple[str, str], int] = {}
    for role in ROLES:
        client = app.test_client()
        assert sign_in(client, role).status_code == 302
        headers = {"Authorization": f"Bearer {world['tokens'][role]}"}
        for endpoint, (template, who) in calls:
            path = template.format(**world)
            response = client.get(path, headers=headers if who == "api" else {})
            assert response.status_code < 500, f"{role} GET {path}"
            assert not leaks(_text_of(response)), f"{role} GET {path}: {leaks(_text_of(response))}"
            seen[(role, endpoint)] = response.status_code
        for endpoint in (e for e in rules if e.startswith(ADMIN_ONLY) and "<" not in rules[e].rule):
            assert client.get(rules[endpoint].rule).status_code in (302, 403, 404)
    # The lead agency really read the case through these routes (the test is not vacuous).
    for endpoint in ("api.get_one_case", "api.get_task", "api.get_agency_case", "staff.case"):
        assert seen[("labour", endpoint)] == 200, endpoint
    lead = app.test_client()
    sign_in(lead, "labour")
    assert world["code"] in lead.get(ROUTES["staff.cases"][0]).text  # found by a visible word
    assert seen[("local", "api.get_agency_case")] == 200
    assert seen[("police", "api.get_one_case")] in (403, 404)
