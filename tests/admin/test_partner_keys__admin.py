"""Partner apps' Open311 keys in the administration: issued once, limited, revoked, audited."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from engine.errors import PermissionDenied
from engine.models import AuditEvent
from open311 import keys
from open311.models import Open311Key
from tests.admin.conftest import add_official, sign_in
from tests.open311.conftest import report

PAGES = "/staff/admin/partner-keys"
FORM_TOKEN = re.compile(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"')
SHOWN_KEY = re.compile(r'id="api_key" readonly value="(o311_[^"]+)"')
OPEN311 = "/open311/v2/requests.json"


def new_form(client) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The hidden fields of a freshly shown issue form (CSRF token, one-time number)."""
    page = client.get(f"{PAGES}/new")
    assert page.status_code == 200
    found = FORM_TOKEN.search(page.text)
    assert found, "the form has no CSRF token"
    once = re.search(r'name="once" value="([^"]+)"', page.text)
    assert once, "the form has no one-time number"
    return {"csrf_token": found.group(1), "once": once.group(1)}


def form_token(client) -> str:  # type: ignore[no-untyped-def]
    return new_form(client)["csrf_token"]


def admin_client(app):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert sign_in(client, "admin").status_code == 302
    return client


def issue_through_the_page(client, name: str, per_minute: str):  # type: ignore[no-untyped-def]
    data = new_form(client) | {"name": name, "per_minute": per_minute}
    return client.post(f"{PAGES}/new", data=data)


def test_sending_the_issue_form_again_issues_no_second_key(app, people, factory):
    admin = admin_client(app)
    data = new_form(admin) | {"name": "แอปซ้ำ", "per_minute": "30"}
    first = admin.post(f"{PAGES}/new", data=data)
    assert first.status_code == 200
    again = admin.post(f"{PAGES}/new", data=data)  # the browser's reload re-sends the form
    assert again.status_code == 409
    assert "แสดงไปแล้วครั้งเดียว" in again.text
    with factory() as session:
        rows = session.scalars(select(Open311Key).where(Open311Key.name == "แอปซ้ำ")).all()
    assert len(rows) == 1


def key_row(factory, name: str) -> Open311Key:  # type: ignore[no-untyped-def]
    with factory() as session:
        return session.scalar(select(Open311Key).where(Open311Key.name == name))


def audit(factory, action: str) -> list[tuple[str, int | None, dict]]:  # type: ignore[no-untyped-def]
    with factory() as session:
        rows = session.execute(
            select(AuditEvent.actor_label, AuditEvent.actor_id, AuditEvent.detail)
            .where(AuditEvent.action == action)
            .order_by(AuditEvent.id)
        )
        return [tuple(row) for row in rows]


def count(factory, model) -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_an_admin_issues_a_key_shown_once_that_works_and_no_page_shows_its_hash(
    app, people, factory
):
    admin = admin_client(app)
    assert "แอปพันธมิตร (Partner apps, Open311)" in admin.get("/staff/admin/").text  # the menu
    issued = issue_through_the_page(admin, "  ทางรัฐ   super app ", "5")
    assert issued.status_code == 200
    assert "ระบบจะไม่แสดงกุญแจนี้อีก" in issued.text
    assert issued.headers["Cache-Control"] == "no-store"
    key = SHOWN_KEY.search(issued.text).group(1)

    filed = app.test_client().post(OPEN311, data=report(api_key=key))
    assert filed.status_code == 201, filed.get_json()

    row = key_row(factory, "ทางรัฐ super app")  # spaces tidied
    assert row.requests_per_minute == 5 and row.last_used_at is not None
    pages = [
        issued.text,
        admin.get(f"{PAGES}/").text,
        admin.get(f"{PAGES}/{row.id}/").text,
        admin.get(f"{PAGES}/{row.id}/revoke").text,
        admin.get("/staff/admin/admin_audit_events/").text,
    ]
    assert all(row.key_hash not in page for page in pages)
    assert all(key not in page for page in pages[1:])  # the key itself: only once
    listing = pages[1]
    assert "ทางรัฐ super app" in listing and "admin" in listing and "ใช้งานได้" in listing

    [(label, actor_id, detail)] = audit(factory, "open311_key_issued")
    assert label == "admin" and actor_id is not None
    assert detail == {"key_id": row.id, "name": "ทางรัฐ super app", "requests_per_minute": 5}
    assert key not in str(detail) and row.key_hash not in str(detail)


def test_bad_input_is_refused_in_thai_or_english_and_nothing_is_written(app, people, factory):
    admin = admin_client(app)
    for name, per_minute, field in [
        ("ทางรัฐ", "0", "จำนวนคำขอต่อนาทีต้องเป็นจำนวนเต็มตั้งแต่ 1 ถึง 10,000"),
        ("ทางรัฐ", "10001", "จำนวนคำขอต่อนาทีต้องเป็นจำนวนเต็มตั้งแต่ 1 ถึง 10,000"),
        ("ทางรัฐ", "สิบ", "จำนวนคำขอต่อนาทีต้องเป็นจำนวนเต็มตั้งแต่ 1 ถึง 10,000"),
        ("ทางรัฐ", "2.5", "จำนวนคำขอต่อนาทีต้องเป็นจำนวนเต็มตั้งแต่ 1 ถึง 10,000"),
        ("   ", "30", "ต้องระบุชื่อแอปพันธมิตร ยาวไม่เกิน 100 ตัวอักษร"),
        ("ก" * 101, "30", "ต้องระบุชื่อแอปพันธมิตร ยาวไม่เกิน 100 ตัวอักษร"),
    ]:
        refused = issue_through_the_page(admin, name, per_minute)
        assert refused.status_code == 422, (name, per_minute)
        assert field in refused.text and "o311_" not in refused.text
        assert f'value="{per_minute}"' in refused.text  # what was typed stays in the form
    admin.get("/staff/lang/en")
    refused = issue_through_the_page(admin, "GovApp", "0")
    assert "Requests per minute must be a whole number from 1 to 10,000." in refused.text
    unsigned = admin.post(f"{PAGES}/new", data={"name": "ทางรัฐ", "per_minute": "30"})
    assert unsigned.status_code == 400 and "form expired" in unsigned.text
    assert count(factory, Open311Key) == 0 and count(factory, AuditEvent) == 0


def test_a_revoked_key_is_refused_at_once_and_the_revocation_audited(app, people, factory, clock):
    with factory.begin() as session:  # issued from the command line, revoked from the page
        key = keys.issue_key(session, clock(), "line-oa", requests_per_minute=30)
    key_id = key_row(factory, "line-oa").id
    partner = app.test_client()
    assert partner.post(OPEN311, data=report(api_key=key)).status_code == 201

    admin = admin_client(app)
    confirm = admin.get(f"{PAGES}/{key_id}/revoke")
    assert confirm.status_code == 200 and "ยกเลิกการเพิกถอนไม่ได้" in confirm.text
    assert partner.post(OPEN311, data=report(api_key=key)).status_code == 201  # not yet
    unsigned = admin.post(f"{PAGES}/{key_id}/revoke")
    assert unsigned.status_code == 400 and key_row(factory, "line-oa").revoked_at is None

    done = admin.post(f"{PAGES}/{key_id}/revoke", data={"csrf_token": form_token(admin)})
    assert done.status_code == 302
    assert "ใช้ไม่ได้อีกตั้งแต่บัดนี้" in admin.get(done.headers["Location"]).text
    refused = partner.post(OPEN311, data=report(api_key=key))
    assert refused.status_code == 403
    [error] = refused.get_json()
    assert error["code"] == 403 and "revoked" in error["description"]
    as_xml = partner.post("/open311/v2/requests.xml", data=report(api_key=key))
    assert as_xml.status_code == 403 and b"<code>403</code>" in as_xml.data

    listing = admin.get(f"{PAGES}/").text
    assert "เพิกถอนแล้ว" in listing and "· admin" in listing  # when, and by whom
    assert "· system" not in listing
    assert [(label, detail) for label, _, detail in audit(factory, "open311_key_revoked")] == [
        ("admin", {"key_id": key_id, "name": "line-oa"})
    ]
    issued_by = [label for label, _, _ in audit(factory, "open311_key_issued")]
    assert issued_by == ["system"]  # the command line's issue, shown as such in the list
    again = admin.post(
        f"{PAGES}/{key_id}/limit", data={"csrf_token": form_token(admin)} | {"per_minute": "10"}
    )
    assert again.status_code == 409 and "ออกกุญแจใหม่แทน" in again.text
    assert admin.get(f"{PAGES}/999999/").status_code == 404


def test_a_changed_limit_takes_effect_on_the_next_request(app, people, factory, clock):
    with factory.begin() as session:
        key = keys.issue_key(session, clock(), "superapp", requests_per_minute=100)
    key_id = key_row(factory, "superapp").id
    partner = app.test_client()
    assert partner.post(OPEN311, data=report(api_key=key)).status_code == 201

    admin = admin_client(app)
    for bad in ("0", "ห้า", ""):
        refused = admin.post(
            f"{PAGES}/{key_id}/limit", data={"csrf_token": form_token(admin), "per_minute": bad}
        )
        assert refused.status_code == 422 and "ตั้งแต่ 1 ถึง 10,000" in refused.text
    assert key_row(factory, "superapp").requests_per_minute == 100
    lowered = admin.post(
        f"{PAGES}/{key_id}/limit", data={"csrf_token": form_token(admin), "per_minute": "2"}
    )
    assert lowered.status_code == 302
    assert "เปลี่ยนจำนวนคำขอต่อนาทีแล้ว" in admin.get(lowered.headers["Location"]).text

    assert partner.post(OPEN311, data=report(api_key=key)).status_code == 201  # 2nd this minute
    refused = partner.post(OPEN311, data=report(api_key=key))
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
    raised = admin.post(
        f"{PAGES}/{key_id}/limit", data={"csrf_token": form_token(admin), "per_minute": "5"}
    )
    assert raised.status_code == 302
    assert partner.post(OPEN311, data=report(api_key=key)).status_code == 201  # same minute
    assert [
        (label, detail) for label, _, detail in audit(factory, "open311_key_limit_changed")
    ] == [
        ("admin", {"key_id": key_id, "name": "superapp", "requests_per_minute": [100, 2]}),
        ("admin", {"key_id": key_id, "name": "superapp", "requests_per_minute": [2, 5]}),
    ]


def partner_key_routes(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(method, path) of every partner-key route, ids filled with a real key's."""
    return [
        (method, rule.rule.replace("<int:key_id>", "{key_id}"))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("partner_keys.")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]


@pytest.mark.parametrize(
    "role", ["intake", "screener", "supervisor", "labour", "executive", "designer"]
)
def test_other_roles_are_refused_every_partner_key_route(app, people, factory, clock, role):
    add_official(factory, "designer", "central", ["designer"])
    with factory.begin() as session:
        key = keys.issue_key(session, clock(), "superapp", requests_per_minute=100)
    key_id = key_row(factory, "superapp").id
    routes = partner_key_routes(app)
    assert len(routes) == 7  # list, new (2), key, limit, revoke (2)
    client = app.test_client()
    sign_in(client, role)
    admin_token = form_token(admin_client(app))  # a real token, from another session
    for method, path in routes:
        data = {"csrf_token": admin_token, "name": "แอปแอบแฝง", "per_minute": "1"}
        response = client.open(path.format(key_id=key_id), method=method, data=data)
        assert response.status_code == 403, (role, method, path)
        assert "o311_" not in response.text
    anonymous = app.test_client()
    for method, path in routes:
        response = anonymous.open(path.format(key_id=key_id), method=method)
        assert response.status_code == 302 and "/staff/signin" in response.headers["Location"]
    row = key_row(factory, "superapp")
    assert count(factory, Open311Key) == 1 and row.revoked_at is None
    assert row.requests_per_minute == 100
    assert app.test_client().post(OPEN311, data=report(api_key=key)).status_code == 201
    with pytest.raises(PermissionDenied), factory.begin() as session:  # the engine decides too
        keys.revoke_key(session, clock(), key_id, people["screener"])
    with pytest.raises(PermissionDenied), factory.begin() as session:
        keys.issue_key(session, clock(), "แอปแอบแฝง", 30, people["executive"])
    with pytest.raises(PermissionDenied), factory.begin() as session:
        keys.change_key_limit(session, clock(), key_id, 1, people["supervisor"])
