"""Who may open each staff page and do each staff action: the specification, as a table.

Every route of the staff web (the `staff` blueprint and the administration under /staff/admin)
is read from Flask's url_map; a route with no row below fails the first test, so a new page
cannot ship without a rule. Each row gives the outcome for every role, in the column order of
ROLES, on a target inside or outside that role's scope. A refused POST must leave the database
exactly as it was (cases with their row version and status, tasks, notes, files, the audit log…).

Outcomes:
  200 403 404 409 422  that HTTP status (a refused POST changed nothing)
  in   302 to the sign-in page (nothing changed)
  go   302 somewhere else (a GET: a redirect; a POST: nothing changed)
  ok   a POST that was carried out: 302 (or the page with the result) and the database changed
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from flask import url_for
from PIL import Image
from sqlalchemy import delete, func, select

from engine.access import tokens
from engine.access.rules import Actor
from engine.cases import casefiles, letters
from engine.cases import tasks as task_service
from engine.cases.intake import open_case
from engine.models import (
    ApiToken,
    AuditEvent,
    Case,
    CaseAttachment,
    CaseNote,
    CaseRedaction,
    Category,
    DirectoryEntry,
    HolidayOverride,
    Letterhead,
    MigrationRun,
    OrgUnit,
    OutboxMessage,
    ProcessDefinition,
    SlaPolicy,
    Task,
    User,
    WorkflowRole,
)
from notifications.models import NotificationTemplate
from open311 import keys
from open311.models import Open311Key
from tests.admin.conftest import PASSWORD, add_official, csrf_of, password_hash, sign_in
from tests.admin.test_designer__forms import state_of
from tests.admin.test_designer__pages import designer_world
from tests.admin.test_inbox__scope import screen_and_refer
from tests.conftest import intake_data, make_user

# The columns of every row, abbreviated "ano int scr sup s50 c50 lab loc exe des adm" in the
# tables. Chiang Mai: district center c5001 (intake, screener, supervisor), provincial center
# c50 (supervisor50, screener50, executive); agencies mol (labour) and dla (local); central
# (designer, admin). README "Demo users" has the same people.
ROLES = (
    "anonymous",
    "intake",
    "screener",
    "supervisor",
    "supervisor50",
    "screener50",
    "labour",
    "local",
    "executive",
    "designer",
    "admin",
)
EXTRA_OFFICIALS = {
    "supervisor50": ("c50", ["supervisor"]),
    "screener50": ("c50", ["screener"]),
    "designer": ("central", ["designer"]),
}

# Targets. Cases: `referred` (Chiang Mai, at the labour ministry), `screening` (Chiang Mai, in
# screening), `claimed` (Chiang Mai, its screening task held by `screener`), `bangkok` (a
# Bangkok center's), `missing` (no such case). `*_task` is that case's open task; `*_file` a
# file attached to it. Tokens: `own_token` (the signed-in official's), `other_token` (labour2's).
# `partner_key`: a partner app's live Open311 key.
# fmt: off
GET_PAGES: dict[tuple[str, str], str] = {
    # endpoint, target                        ano int scr sup s50 c50 lab loc exe des adm
    ("staff.signin", "-"):                   "200 go  go  go  go  go  go  go  go  go  go ",
    ("staff.set_language", "-"):             "go  go  go  go  go  go  go  go  go  go  go ",
    ("staff.static", "-"):                   "200 200 200 200 200 200 200 200 200 200 200",
    ("staff.vendor", "-"):                   "200 200 200 200 200 200 200 200 200 200 200",
    ("staff.home", "-"):                     "in  go  go  go  go  go  go  go  go  go  go ",
    ("staff.account", "-"):                  "in  200 200 200 200 200 200 200 200 200 200",
    ("staff.form_stylesheet", "-"):          "in  200 200 200 200 200 200 200 200 200 200",
    ("staff.inbox", "-"):                    "in  403 200 200 200 200 200 200 403 403 403",
    ("staff.intake", "-"):                   "in  200 403 403 403 403 403 403 403 403 403",
    ("staff.console", "-"):                  "in  403 403 200 200 403 403 403 403 403 403",
    ("staff.cases", "-"):                    "in  200 200 200 200 200 200 200 200 200 200",
    ("staff.case", "referred"):              "in  200 200 200 200 200 200 403 200 403 200",
    ("staff.case", "screening"):             "in  200 200 200 200 200 403 403 200 403 200",
    ("staff.case", "bangkok"):               "in  403 403 403 403 403 403 403 403 403 200",
    ("staff.case", "missing"):               "in  404 404 404 404 404 404 404 404 404 404",
    ("staff.diagram", "referred"):           "in  200 200 200 200 200 200 403 200 403 200",
    ("staff.diagram", "bangkok"):            "in  403 403 403 403 403 403 403 403 403 200",
    ("staff.attachment", "referred_file"):   "in  200 200 200 200 200 200 403 200 403 200",
    ("staff.attachment", "bangkok_file"):    "in  403 403 403 403 403 403 403 403 403 200",
    ("staff.agency_view", "referred"):       "in  200 200 200 200 200 403 403 403 403 403",
    ("staff.agency_view", "bangkok"):        "in  403 403 403 403 403 403 403 403 403 403",
    ("staff.referral_letter", "referred"):   "in  200 200 200 200 200 403 403 403 403 403",
    ("staff.referral_letter", "screening"):  "in  404 404 404 404 404 403 403 403 403 403",
    ("staff.referral_letter", "bangkok"):    "in  403 403 403 403 403 403 403 403 403 403",
    ("staff.referral_letter_pdf", "referred"): "in  200 200 200 200 200 403 403 403 403 403",
    ("staff.referral_letter_pdf", "bangkok"):  "in  403 403 403 403 403 403 403 403 403 403",
    ("staff.supervise", "screening"):        "in  403 403 200 200 403 403 403 403 403 403",
    ("staff.supervise", "bangkok"):          "in  403 403 403 403 403 403 403 403 403 403",
    ("staff.task", "referred_task"):         "in  403 403 403 403 403 200 403 403 403 403",
    ("staff.task", "screening_task"):        "in  403 200 200 403 403 403 403 403 403 403",
    ("staff.task", "claimed_task"):          "in  403 200 200 403 403 403 403 403 403 403",
    ("staff.supervise", "referred"):         "in  403 403 200 200 403 403 403 403 403 403",
    ("staff.task", "bangkok_task"):          "in  403 403 403 403 403 403 403 403 403 403",
    ("staff.task", "missing_task"):          "in  404 404 404 404 404 404 404 404 404 404",
    ("staff.designer", "-"):                 "in  403 403 403 403 403 403 403 403 200 200",
    ("staff.designer_process", "-"):         "in  403 403 403 403 403 403 403 403 200 200",
    ("staff.designer_draft", "draft"):       "in  403 403 403 403 403 403 403 403 200 200",
    ("staff.designer_content", "draft"):     "in  403 403 403 403 403 403 403 403 200 200",
    ("staff.designer_reference", "-"):       "in  403 403 403 403 403 403 403 403 200 200",
    ("staff.designer_migrate", "-"):         "in  403 403 403 403 403 403 403 403 200 200",
    ("staff.designer_export_version", "-"):  "in  403 403 403 403 403 403 403 403 200 200",
    ("staff.designer_export_draft", "draft"): "in  403 403 403 403 403 403 403 403 200 200",
    ("staff.designer_import_page", "-"):     "in  403 403 403 403 403 403 403 403 200 200",
    ("staff.designer_testrun", "draft"):     "in  403 403 403 403 403 403 403 403 200 200",
    ("staff.designer_testrun_diagram", "draft"): "in  403 403 403 403 403 403 403 403 200 200",
    ("staff.designer_version_testrun", "-"): "in  403 403 403 403 403 403 403 403 200 200",
    ("staff.designer_version_testrun_diagram", "-"): "in  403 403 403 403 403 403 403 403 200 200",
    ("staff.designer_forms", "draft"):       "in  403 403 403 403 403 403 403 403 200 200",
    ("staff.designer_form", "draft"):        "in  403 403 403 403 403 403 403 403 200 200",
    ("staff.designer_compare", "-"):         "in  403 403 403 403 403 403 403 403 200 200",
    ("staff.designer_migration", "dry_run"): "in  403 403 403 403 403 403 403 403 200 200",
    ("admin.index", "-"):                    "in  403 403 403 403 403 403 403 403 403 200",
    ("admin.static", "-"):                   "200 200 200 200 200 200 200 200 200 200 200",
    ("dead_letters.index", "-"):             "in  403 403 403 403 403 403 403 403 403 200",
    ("partner_keys.index", "-"):             "in  403 403 403 403 403 403 403 403 403 200",
    ("partner_keys.issue", "-"):             "in  403 403 403 403 403 403 403 403 403 200",
    ("partner_keys.key", "partner_key"):     "in  403 403 403 403 403 403 403 403 403 200",
    ("partner_keys.revoke", "partner_key"):  "in  403 403 403 403 403 403 403 403 403 200",
    ("letterheads.index", "-"):              "in  403 403 403 403 403 403 403 403 403 200",
    ("staff.letterhead", "letterhead"):      "in  200 200 200 200 200 200 200 200 200 200",
}

# POST actions, tried in this order with one fresh database per role (so what one role did
# never decides another's outcome). Form fields are the valid ones for the action.
POST_ACTIONS: list[tuple[str, str, str]] = [
    # endpoint, target                        ano int scr sup s50 c50 lab loc exe des adm
    ("staff.comment", "referred",            "in  ok  ok  ok  ok  ok  ok  403 403 403 403"),
    ("staff.comment", "bangkok",             "in  403 403 403 403 403 403 403 403 403 403"),
    ("staff.upload", "screening",            "in  ok  ok  ok  ok  ok  403 403 403 403 403"),
    ("staff.upload", "bangkok",              "in  403 403 403 403 403 403 403 403 403 403"),
    ("staff.add_redaction", "referred",      "in  ok  ok  ok  ok  ok  403 403 403 403 403"),
    ("staff.add_redaction", "bangkok",       "in  403 403 403 403 403 403 403 403 403 403"),
    ("staff.claim", "screening_task",        "in  403 ok  ok  403 403 403 403 403 403 403"),
    ("staff.claim", "referred_task",         "in  403 403 403 403 403 ok  403 403 403 403"),
    ("staff.claim", "bangkok_task",          "in  403 403 403 403 403 403 403 403 403 403"),
    ("staff.bulk_claim", "bangkok_task",     "in  go  go  go  go  go  go  go  go  go  go "),
    ("staff.submit_task", "claimed_task",    "in  403 ok  409 403 403 403 403 403 403 403"),
    ("staff.submit_task", "bangkok_task",    "in  403 403 403 403 403 403 403 403 403 403"),
    ("staff.unclaim", "claimed_task",        "in  403 ok  ok  403 403 403 403 403 403 403"),
    ("staff.unclaim", "bangkok_task",        "in  403 403 403 403 403 403 403 403 403 403"),
    ("staff.post_supervise", "screening",    "in  403 403 ok  ok  403 403 403 403 403 403"),
    ("staff.decide_forward", "referred",     "in  403 404 404 404 404 403 403 403 403 403"),
    ("staff.decide_forward", "bangkok",      "in  403 403 403 403 403 403 403 403 403 403"),
    ("staff.post_supervise", "bangkok",      "in  403 403 403 403 403 403 403 403 403 403"),
    ("staff.receipt_pdf", "referred",        "in  422 403 403 403 403 403 403 403 403 403"),
    ("staff.receipt_pdf", "bangkok",         "in  403 403 403 403 403 403 403 403 403 403"),
    ("staff.intake_submit", "-",             "in  ok  403 403 403 403 403 403 403 403 403"),
    ("staff.create_token", "-",              "in  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok "),
    ("staff.change_position", "-",           "in  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok "),
    ("staff.revoke_token", "other_token",    "in  404 404 404 404 404 404 404 404 404 404"),
    ("staff.revoke_token", "own_token",      "in  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok "),
    ("admin_categories.create_view", "-",    "in  403 403 403 403 403 403 403 403 403 ok "),
    ("dead_letters.retry", "missing",        "in  403 403 403 403 403 403 403 403 403 go "),
    ("partner_keys.issue", "-",              "in  403 403 403 403 403 403 403 403 403 ok "),
    ("partner_keys.change_limit", "partner_key", "in  403 403 403 403 403 403 403 403 403 ok "),
    ("partner_keys.revoke", "partner_key",   "in  403 403 403 403 403 403 403 403 403 ok "),
    ("letterheads.remove", "letterhead",     "in  403 403 403 403 403 403 403 403 403 ok "),
    ("letterheads.upload", "-",              "in  403 403 403 403 403 403 403 403 403 ok "),
    # The process designer: designers and admins only. `activation` was asked for by the
    # designer, `activation3` by the admin: nobody decides their own (four eyes).
    ("staff.designer_new_process", "-",      "in  403 403 403 403 403 403 403 403 ok  ok "),
    ("staff.designer_new_draft", "-",        "in  403 403 403 403 403 403 403 403 ok  ok "),
    ("staff.designer_validate", "draft",     "in  403 403 403 403 403 403 403 403 200 200"),
    # Test-runs before the deploy below takes the draft away.
    ("staff.designer_testrun_step", "draft", "in  403 403 403 403 403 403 403 403 200 200"),
    ("staff.designer_testrun_all", "draft",  "in  403 403 403 403 403 403 403 403 200 200"),
    ("staff.designer_testrun_save", "draft", "in  403 403 403 403 403 403 403 403 ok  ok "),
    ("staff.designer_testrun_delete", "draft", "in  403 403 403 403 403 403 403 403 ok  ok "),
    ("staff.designer_form_preview", "draft", "in  403 403 403 403 403 403 403 403 200 200"),
    ("staff.designer_form_post", "draft",    "in  403 403 403 403 403 403 403 403 ok  ok "),
    ("staff.designer_deploy", "draft",       "in  403 403 403 403 403 403 403 403 ok  ok "),
    ("staff.designer_discard", "spare_draft", "in  403 403 403 403 403 403 403 403 ok  ok "),
    ("staff.designer_approve", "activation", "in  403 403 403 403 403 403 403 403 403 ok "),
    ("staff.designer_reject", "activation3", "in  403 403 403 403 403 403 403 403 ok  403"),
    ("staff.designer_cancel", "activation3", "in  403 403 403 403 403 403 403 403 403 ok "),
    ("staff.designer_request", "-",          "in  403 403 403 403 403 403 403 403 ok  ok "),
    ("staff.designer_retire", "-",           "in  403 403 403 403 403 403 403 403 ok  ok "),
    ("staff.designer_migrate_run", "-",      "in  403 403 403 403 403 403 403 403 ok  ok "),
    ("staff.designer_import", "-",           "in  403 403 403 403 403 403 403 403 ok  ok "),
    ("staff.designer_import_into", "-",      "in  403 403 403 403 403 403 403 403 ok  ok "),
    ("staff.designer_migration_move", "dry_run", "in  403 403 403 403 403 403 403 403 ok  ok "),
    ("staff.designer_migration_undo", "move_run", "in  403 403 403 403 403 403 403 403 ok  ok "),
    ("staff.designer_migration_cancel", "run1", "in  403 403 403 403 403 403 403 403 ok  ok "),
    ("staff.designer_migration_continue", "run2", "in  403 403 403 403 403 403 403 403 ok  ok "),
    ("staff.change_password", "-",           "in  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok "),
    ("staff.signout", "-",                   "in  in  in  in  in  in  in  in  in  in  in "),
]
# fmt: on

# The administration (Flask-Admin): one view per table, every route admins only. Editable views
# open their forms; read-only ones send the admin back to the list. A POST without the view's
# own form token changes nothing even for an admin.
ADMIN_VIEWS = {
    "admin_users": "edit",
    "admin_org_units": "edit",
    "admin_categories": "edit",
    "admin_sla_policies": "edit",
    "admin_workflow_roles": "edit",
    "admin_holiday_overrides": "edit",
    "admin_notification_templates": "edit",
    "admin_directory_entries": "edit",
    "admin_api_tokens": "read",
    "admin_process_definitions": "read",
    "admin_audit_events": "read",
}
ADMIN_ROUTES = {  # route of each view -> (method, the admin's outcome by kind of view)
    "index_view": ("GET", {"edit": "200", "read": "200"}),
    "details_view": ("GET", {"edit": "200", "read": "200"}),
    "create_view": ("GET", {"edit": "200", "read": "go"}),
    "edit_view": ("GET", {"edit": "200", "read": "go"}),
    "export": ("GET", {"edit": "go", "read": "go"}),
    "ajax_lookup": ("GET", {"edit": "404", "read": "404"}),
    "create_view:POST": ("POST", {"edit": "200", "read": "go"}),
    "edit_view:POST": ("POST", {"edit": "200", "read": "go"}),
    "delete_view": ("POST", {"edit": "go", "read": "go"}),
    "action_view": ("POST", {"edit": "go", "read": "go"}),
    "ajax_update": ("POST", {"edit": "404", "read": "404"}),
}
# Routes whose rows are elsewhere, with the reason.
EXEMPT = {
    ("staff.signin", "POST"): "sign-in itself: tests/admin/test_signin__sessions.py",
    ("staff.designer_save", "PUT"): "the modeler's JSON save, per role in "
    "tests/admin/test_designer__pages.py",
}


def expected(row: str) -> dict[str, str]:
    """One table row as {role: outcome}."""
    cells = row.split()
    assert len(cells) == len(ROLES), row
    return dict(zip(ROLES, cells, strict=True))


def admin_rows() -> dict[tuple[str, str], dict[str, str]]:
    """The administration's rows: anonymous to sign-in, other roles 403, admins per ADMIN_ROUTES."""
    rows = {}
    for view, kind in ADMIN_VIEWS.items():
        for route, (method, outcome) in ADMIN_ROUTES.items():
            endpoint = f"{view}.{route.split(':')[0]}"
            others = {role: "403" for role in ROLES} | {"anonymous": "in"}
            rows[(endpoint, method)] = others | {"admin": outcome[kind]}
    return rows


def staff_routes(app) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(endpoint, method) of every route under /staff."""
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/staff")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_staff_route_has_a_row(app):
    covered = {(endpoint, "GET") for endpoint, _ in GET_PAGES}
    covered |= {(endpoint, "POST") for endpoint, _, _ in POST_ACTIONS}
    covered |= set(admin_rows()) | set(EXEMPT)
    routes = staff_routes(app)
    assert routes - covered == set(), "routes without an authorization rule"
    assert covered - routes == set(), "rules for routes that no longer exist"


@dataclass
class World:
    ids: dict[str, int]  # target -> id (cases, tasks, files, tokens)
    admin_ids: dict[str, str]  # table -> the key of one of its rows


@pytest.fixture
def world(people, open_cases, factory, clock) -> Iterator[World]:  # type: ignore[no-untyped-def]
    """The targets of the tables, and one row of every administration table."""
    for name, (unit, roles) in EXTRA_OFFICIALS.items():
        add_official(factory, name, unit, roles)
    cases = {
        "referred": open_cases("ส่งต่อกระทรวงแรงงานแล้ว", category="labour")[0],
        "screening": open_cases("ยังกลั่นกรองอยู่")[0],
        "claimed": open_cases("มีผู้รับงานกลั่นกรองแล้ว")[0],
    }
    screen_and_refer(factory, clock, people, cases["referred"])
    with factory.begin() as session:
        bkk_intake = Actor.for_user(make_user(session, "intake_bkk", "c10", ["intake"]))
        data = intake_data(title="เรื่องที่กรุงเทพ", area_code="100101")
        cases["bangkok"] = open_case(session, clock, bkk_intake, data).case.id
        ids = dict(cases, missing=999_999, missing_task=999_999)
        for name, case_id in cases.items():
            ids[f"{name}_task"] = session.scalar(select(Task.id).where(Task.case_id == case_id))
        task_service.claim(session, clock, people["screener"], ids["claimed_task"])
        for name, who in (("referred", people["screener"]), ("bangkok", bkk_intake)):
            row = casefiles.add_attachment(session, clock, who, cases[name], "photo.png", _png())
            ids[f"{name}_file"] = row.id
        for username in (*ROLES[1:], "labour2"):
            user = session.scalar(select(User).where(User.username == username))
            user.password_hash = password_hash()
            tokens.create_token(session, clock(), user.id, "ทดสอบ")
            ids[f"token:{username}"] = session.scalar(
                select(ApiToken.id).where(ApiToken.user_id == user.id)
            )
        ids["other_token"] = ids["token:labour2"]
        keys.issue_key(session, clock(), "แอปพันธมิตรทดสอบ", 30)
        ids["partner_key"] = session.scalar(select(func.max(Open311Key.id)))
        admin = Actor.for_user(session.scalar(select(User).where(User.username == "admin")))
        ids["letterhead"] = letters.upload_letterhead(session, clock(), admin, None, _png(64)).id
        session.add(HolidayOverride(day=HOLIDAY, working=False, name_th="วันหยุดทดสอบ"))
        session.add(
            NotificationTemplate(
                name="case_opened",
                language="th",
                subject="รับเรื่องแล้ว",
                body_text="เรื่อง {{ tracking_code }}",
                updated_at=clock(),
                updated_by="admin",
            )
        )
        session.flush()
        admin_ids = {
            column.class_.__tablename__: str(session.scalar(select(func.min(column))))
            for column in (
                ApiToken.id,
                User.id,
                OrgUnit.id,
                Category.code,
                SlaPolicy.id,
                WorkflowRole.code,
                HolidayOverride.day,
                NotificationTemplate.id,
                DirectoryEntry.id,
                ProcessDefinition.id,
                AuditEvent.id,
            )
        }
        designer, admin = (
            Actor.for_user(session.scalar(select(User).where(User.username == name)))
            for name in ("designer", "admin")
        )
        ids |= designer_world(session, clock, designer, admin)
    yield World(ids, admin_ids)
    with factory.begin() as session:  # reference tables are not emptied between tests
        session.execute(delete(HolidayOverride).where(HolidayOverride.day == HOLIDAY))
        session.execute(delete(Category).where(Category.code == NEW_CATEGORY["code"]))


def _png(side: int = 8) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (side, side), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def snapshot(factory) -> dict:  # type: ignore[no-untyped-def]
    """What a refused request must leave untouched."""
    with factory() as session:

        def rows(*columns):  # type: ignore[no-untyped-def]
            return sorted(map(tuple, session.execute(select(*columns)).all()), key=repr)

        def count(model) -> int:  # type: ignore[no-untyped-def]
            return session.scalar(select(func.count()).select_from(model))

        return {
            "cases": rows(Case.id, Case.version, Case.status, Case.due_at, Case.escalation_level),
            "tasks": rows(Task.id, Task.assignee_id, Task.draft, Task.due_at, Task.org_unit_id),
            "tokens": rows(ApiToken.id, ApiToken.revoked_at),
            "partner_keys": rows(
                Open311Key.id, Open311Key.requests_per_minute, Open311Key.revoked_at
            ),
            "passwords": rows(User.id, User.password_hash),
            "categories": rows(Category.code, Category.name_th, Category.active),
            **{
                model.__tablename__: count(model)
                for model in (
                    AuditEvent,
                    CaseNote,
                    CaseAttachment,
                    CaseRedaction,
                    OutboxMessage,
                    Letterhead,
                )
            },
            "migration_runs": rows(MigrationRun.id, MigrationRun.state, MigrationRun.position),
        }


def outcome(response, changed: bool = False) -> str:  # type: ignore[no-untyped-def]
    """A response in the tables' words."""
    if response.status_code == 302 and "/staff/signin" in response.headers["Location"]:
        return "in"
    if changed and response.status_code in (200, 302):
        return "ok"
    return "go" if response.status_code == 302 else str(response.status_code)


def url(app, endpoint: str, target: str, world: World, role: str) -> str:  # type: ignore[no-untyped-def]
    """The route's address for a target of the world."""
    view, _, route = endpoint.partition(".")
    ids = world.ids
    args: dict = {}
    if target == "own_token":
        args["token_id"] = ids.get(f"token:{role}", ids["other_token"])
    elif target.endswith("_token"):
        args["token_id"] = ids[target]
    elif target.endswith("_task"):
        args["task_id"] = ids[target]
    elif target.endswith("_file"):
        args.update(case_id=ids[target.removesuffix("_file")], file_id=ids[target])
    elif target in DESIGNER_TARGETS:
        args[DESIGNER_TARGETS[target]] = ids[target]
    elif target == "partner_key":
        args["key_id"] = ids[target]
    elif target == "letterhead":
        args["letterhead_id"] = ids[target]
    elif endpoint == "dead_letters.retry":
        args["message_id"] = ids[target]
    elif target not in ("-", UNSIGNED) and endpoint != "staff.receipt_pdf":  # a form field there
        args["case_id"] = ids[target]
    args |= STATIC_ARGS.get(endpoint, {})
    if view.startswith("admin_") and route in ("details_view", "edit_view", "delete_view"):
        args["id"] = world.admin_ids[view.removeprefix("admin_")]
    if route == "export":
        args["export_type"] = "csv"
    with app.test_request_context():
        return url_for(endpoint, **args)


STATIC_ARGS = {
    "staff.static": {"filename": "staff.css"},
    "staff.vendor": {"path": "@fontsource/noto-sans-thai/400.css"},
    "staff.set_language": {"code": "en"},
    "admin.static": {"filename": "admin/css/bootstrap4/admin.css"},
    "staff.decide_forward": {"request_id": 999_999, "decision": "approve"},  # no such request
    **{
        f"staff.designer_{name}": {"process_id": "complaint"}
        for name in ("process", "new_draft", "migrate", "migrate_run")
    },
    "staff.designer_compare": {"process_id": "complaint", "from": 2, "to": 3},
    "staff.designer_request": {"process_id": "complaint", "version": 3},
    "staff.designer_retire": {"process_id": "complaint", "version": 3},
    "staff.designer_export_version": {"process_id": "complaint", "version": 1},
    "staff.designer_import_into": {"process_id": "complaint"},
    # Test-runs (admin/designer_testrun.py): the draft's copy of v1's shipped scenarios.
    "staff.designer_testrun_diagram": {"s": "eNqrVspLzE1VslLKTSwpyqxQqgUANBsF8Q=="},
    "staff.designer_version_testrun": {"process_id": "complaint", "version": 1},
    "staff.designer_version_testrun_diagram": {
        "process_id": "complaint",
        "version": 1,
        "s": "eNqrVspLzE1VslLKTSwpyqxQqgUANBsF8Q==",
    },
    "staff.designer_testrun_delete": {"name": "refer_agency_and_close"},
    **{
        f"staff.designer_{name}": {"name": "review"}
        for name in ("form", "form_post", "form_preview")
    },
}
DESIGNER_TARGETS = {  # tests/admin/test_designer__pages.py designer_world
    "draft": "draft_id",
    "spare_draft": "draft_id",
    "activation": "request_id",
    "activation3": "request_id",
    "dry_run": "run_id",
    "move_run": "run_id",
    "run1": "run_id",
    "run2": "run_id",
}
HOLIDAY = date(2099, 12, 30)
UNSIGNED = "no form token"
TOKEN_PAGE = {True: "/staff/signin", False: "/staff/account"}  # where a session's token shows
NEW_CATEGORY = {
    "code": "water_supply",
    "name_th": "น้ำประปา",
    "name_en": "Water supply",
    "keywords": '["น้ำไม่ไหล"]',
    "public": "y",
    "active": "y",
}
INTAKE = {
    "channel": "phone",
    "title": "น้ำประปาไม่ไหลทั้งหมู่บ้าน",
    "description": "น้ำประปาไม่ไหลมาสามวันแล้ว ชาวบ้านเดือดร้อนมาก",
    "category": "local_nuisance",
    "area_code:province": "50",
    "area_code:district": "5001",
    "area_code:subdistrict": "500101",
    "complainant.name": "สมชาย ใจดี",
    "consent": "true",
}


def form_for(endpoint: str, target: str, world: World, client) -> dict:  # type: ignore[no-untyped-def]
    """Valid fields for each action (the refusal must come from who asks, not what is sent)."""
    forms = {
        "staff.comment": {"body": "ความเห็นทดสอบสิทธิ์"},
        "staff.upload": {"file": (io.BytesIO(_png()), "photo.png")},
        "staff.add_redaction": {"term": "สมหญิง"},
        "staff.bulk_claim": {"task_id": [str(world.ids["bangkok_task"])]},
        "staff.submit_task": {"action": "draft", "decision": "resolve", "reason": "ร่างไว้"},
        "staff.post_supervise": {
            "supervisor_action": "extend",
            "extend_days": "3",
            "reason": "หน่วยงานขอเวลาเพิ่ม",
        },
        "staff.intake_submit": INTAKE,
        "staff.receipt_pdf": {"case_id": str(world.ids.get(target)), "secret": "not-the-secret"},
        "staff.create_token": {"name": "โทเคนใหม่"},
        "staff.change_position": {"position": "ปลัดอำเภอ"},
        "staff.change_password": {
            "current_password": PASSWORD,
            "new_password": "รหัสผ่านใหม่1567",
            "repeat_password": "รหัสผ่านใหม่1567",
        },
        "admin_categories.create_view": NEW_CATEGORY | {"csrf_token": admin_token(client)},
        "partner_keys.issue": {"name": "แอปใหม่", "per_minute": "30"} | issue_form(client),
        "partner_keys.change_limit": {"per_minute": "7"} | signed(client),
        "partner_keys.revoke": signed(client),
        "letterheads.upload": {"scope": "national", "image": (io.BytesIO(_png(64)), "a.png")}
        | signed(client),
        "letterheads.remove": signed(client),
        "staff.designer_new_process": {"process_id": "water_supply", "note": "ทดสอบสิทธิ์"},
        "staff.designer_new_draft": {"version": "1"},
        "staff.designer_deploy": {"note": "ทดสอบสิทธิ์"},
        "staff.designer_reject": {"reason": "ยังไม่พร้อม"},
        "staff.designer_request": {"note": "ขอเปิดใช้"},
        "staff.designer_migrate_run": {"from": "1", "to": "2"},
        "staff.designer_import": {"archive": (io.BytesIO(archive_zip()), "complaint.zip")},
        "staff.designer_import_into": {"archive": (io.BytesIO(archive_zip()), "complaint.zip")},
        "staff.designer_testrun_step": {"action": "start", "category": "labour"},
        "staff.designer_testrun_save": {"scenario": '{"name": "unsaved"}', "name": "matrix"},
    }
    if endpoint in ("staff.designer_form_post", "staff.designer_form_preview"):
        return builder_state(
            client, url(client.application, "staff.designer_form", target, world, "")
        )
    return forms.get(endpoint, {})


def builder_state(client, address: str) -> dict:  # type: ignore[no-untyped-def]
    """The form builder's fields as its page shows them to this session (empty if refused),
    pressing «save» (tests/admin/test_designer__forms.py)."""
    page = client.get(address)
    return state_of(page.text).to_dict() | {"_do": "save"} if page.status_code == 200 else {}


def archive_zip() -> bytes:
    """A small archive of the complaint process, as `processes export` writes one."""
    from tests.engine.workflow import test_archive__hostile as hostile

    return hostile.zipped(hostile.base_entries())


def admin_token(client) -> str:  # type: ignore[no-untyped-def]
    """The administration form's own CSRF token (empty for those who may not open the form)."""
    page = client.get("/staff/admin/admin_categories/new/")
    found = ADMIN_CSRF.search(page.text) if page.status_code == 200 else None
    return found.group(1) if found else ""


def signed(client) -> dict:  # type: ignore[no-untyped-def]
    """The administration form token of the client's session, as a form field."""
    return {"csrf_token": admin_token(client)}


def issue_form(client) -> dict:  # type: ignore[no-untyped-def]
    """The partner-key issue form's hidden fields as shown to this session (empty if refused)."""
    page = client.get("/staff/admin/partner-keys/new")
    if page.status_code != 200:
        return {"csrf_token": ""}
    once = re.search(r'name="once" value="([^"]+)"', page.text)
    return {"csrf_token": ADMIN_CSRF.search(page.text).group(1), "once": once.group(1)}


ADMIN_CSRF = re.compile(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"')


def client_for(app, role: str):  # type: ignore[no-untyped-def]
    """A browser session of the role (signed out for `anonymous`), and its staff CSRF token."""
    client = app.test_client()
    if role == "anonymous":
        return client, csrf_of(client.get("/staff/signin").text)
    assert sign_in(client, role).status_code == 302, role
    return client, csrf_of(client.get("/staff/account").text)


def mismatches(found: dict, wanted: dict) -> list[str]:
    return [
        f"{key}: expected {wanted[key]}, got {found[key]}"
        for key in wanted
        if found[key] != wanted[key]
    ]


@pytest.mark.parametrize("role", ROLES)
def test_pages_per_role(app, world, role):
    client, _ = client_for(app, role)
    wanted, found = {}, {}
    for (endpoint, target), row in GET_PAGES.items():
        wanted[(endpoint, target)] = expected(row)[role]
        found[(endpoint, target)] = outcome(client.get(url(app, endpoint, target, world, role)))
    for (endpoint, method), row in admin_rows().items():
        if method == "GET":
            wanted[(endpoint, "-")] = row[role]
            found[(endpoint, "-")] = outcome(client.get(url(app, endpoint, "-", world, role)))
    problems = mismatches(found, wanted)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", ROLES)
def test_actions_per_role_inside_and_outside_scope(app, world, factory, role):
    client, _ = client_for(app, role)
    wanted, found = {}, {}
    actions = [(e, t, expected(r)[role]) for e, t, r in POST_ACTIONS[:-2]]
    actions += [(e, UNSIGNED, row[role]) for (e, m), row in admin_rows().items() if m == "POST"]
    actions += [(e, t, expected(r)[role]) for e, t, r in POST_ACTIONS[-2:]]
    for endpoint, target, want in actions:
        token = csrf_of(client.get(TOKEN_PAGE[role == "anonymous"]).text)
        data = {"csrf_token": token} | form_for(endpoint, target, world, client)
        if target == UNSIGNED:  # real keys and fields, but not the form's own token
            key = world.admin_ids[endpoint.split(".")[0].removeprefix("admin_")]
            data = NEW_CATEGORY | {"id": key, "rowid": key, "action": "delete"}
        before = snapshot(factory)
        response = client.post(url(app, endpoint, target, world, role), data=data)
        changed = snapshot(factory) != before
        got = outcome(response, changed)
        if changed and got != "ok":
            got += " (and changed the database!)"
        wanted[(endpoint, target)], found[(endpoint, target)] = want, got
    problems = mismatches(found, wanted)
    assert not problems, "\n".join(problems)
    assert outcome(client.get("/staff/account")) == "in"  # signed out at the end


# The main menu of each role: exactly these links, each one opens, and the first is home.
CASES, ACCOUNT = "/staff/cases", "/staff/account"
NAV = {
    "intake": ["/staff/intake", CASES, ACCOUNT],
    "screener": ["/staff/inbox", CASES, ACCOUNT],
    "supervisor": ["/staff/inbox", "/staff/supervision", CASES, ACCOUNT],
    "supervisor50": ["/staff/inbox", "/staff/supervision", CASES, ACCOUNT],
    "screener50": ["/staff/inbox", CASES, ACCOUNT],
    "labour": ["/staff/inbox", CASES, ACCOUNT],
    "local": ["/staff/inbox", CASES, ACCOUNT],
    "executive": [CASES, ACCOUNT],
    "designer": ["/staff/designer/", ACCOUNT],
    "admin": [CASES, "/staff/designer/", "/staff/admin/", ACCOUNT],
}
MENU = re.compile(r'<nav aria-label="เมนูหลัก">(.*?)</nav>', re.S)


def test_each_roles_menu_offers_exactly_what_it_may_open(app, people, factory):
    for name, (unit, roles) in EXTRA_OFFICIALS.items():
        add_official(factory, name, unit, roles)
    for role, links in NAV.items():
        client, _ = client_for(app, role)
        menu = MENU.search(client.get(ACCOUNT).text)
        assert menu and re.findall(r'href="([^"]+)"', menu.group(1)) == links, role
        assert client.get("/staff/").headers["Location"] == links[0], role  # where they start
        for link in links:
            assert client.get(link).status_code == 200, (role, link)
