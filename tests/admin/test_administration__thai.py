"""The administration reads as an official's tool: rows by name, Bangkok times in the Buddhist
Era, and Flask-Admin's and WTForms' own words in Thai (a catalog of ours: neither ships Thai)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import flask_admin
import pytest
import wtforms
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from sqlalchemy import select

from engine.models import Area, AuditEvent, Category, OrgUnit, User
from tests.admin.conftest import sign_in
from tests.admin.test_administration__audited import form_token, new_category
from tests.admin.test_dead_letters__page import _dead_letter

OURS = Path(__file__).resolve().parents[2] / "web" / "translations_admin" / "th" / "LC_MESSAGES"
UPSTREAM = {
    "admin": Path(flask_admin.__file__).parent / "translations/en/LC_MESSAGES/admin.po",
    "wtforms": Path(wtforms.__file__).parent / "locale/wtforms.pot",
}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")
ISO_TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d)?(\.\d+)?\+00:00")
LISTS = (
    "admin_users",
    "admin_org_units",
    "admin_categories",
    "admin_sla_policies",
    "admin_workflow_roles",
    "admin_holiday_overrides",
    "admin_notification_templates",
    "admin_directory_entries",
    "admin_api_tokens",
    "admin_process_definitions",
    "admin_audit_events",
)


def _read(path: Path):  # type: ignore[no-untyped-def]
    with path.open("rb") as handle:
        return read_po(handle)


def _key(message) -> str:  # type: ignore[no-untyped-def]
    return message.id if isinstance(message.id, str) else message.id[0]


def _text(message) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
    return (message.string,) if isinstance(message.string, str) else tuple(message.string)


def test_rows_read_by_their_thai_name_and_code(factory, people) -> None:
    with factory() as session:
        center = session.scalar(select(OrgUnit).where(OrgUnit.code == "c50"))
        assert str(center) == "ศูนย์ดำรงธรรมจังหวัดเชียงใหม่ (c50)"
        assert str(session.get(Category, "labour")).endswith("(labour)")
        assert "แรงงาน" in str(session.get(Category, "labour"))
        assert str(session.get(Area, "50")) == "เชียงใหม่ (50)"
        admin = session.scalar(select(User).where(User.username == "admin"))
        assert str(admin) == f"{admin.display_name} (admin)"
        for row in (center, admin, session.get(Area, "50")):
            assert "object at 0x" not in str(row)


@pytest.mark.parametrize("domain", ["admin", "wtforms"])
def test_every_message_of_flask_admin_and_wtforms_has_thai(domain: str) -> None:
    upstream = {_key(m): m for m in _read(UPSTREAM[domain]) if m.id}
    ours = _read(OURS / f"{domain}.po")
    assert ours.plural_forms == "nplurals=1; plural=0;"  # Thai has one form
    translated = {_key(m): m for m in ours if m.id}
    assert set(upstream) - set(translated) == set(), "untranslated"
    for key, message in translated.items():
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert len(strings) == 1 and strings[0].strip(), key
        assert re.search("[\u0e00-\u0e7f]", strings[0]) or key == "%(placeholder)s", key
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        wanted = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        assert set(PLACEHOLDER.findall(strings[0])) <= wanted, key  # no placeholder invented
        assert set(PLACEHOLDER.findall(ids[0])) <= set(PLACEHOLDER.findall(strings[0])), key


@pytest.mark.parametrize("domain", ["admin", "wtforms"])
def test_the_compiled_catalog_is_the_po_file(domain: str) -> None:
    """`make messages` compiles both; a .po edited without it fails here."""
    po = {_key(m): _text(m) for m in _read(OURS / f"{domain}.po") if m.id}
    with (OURS / f"{domain}.mo").open("rb") as handle:
        mo = {_key(m): _text(m) for m in read_mo(io.BytesIO(handle.read())) if m.id}
    assert mo == po


def _admin(app):  # type: ignore[no-untyped-def]
    client = app.test_client()
    sign_in(client, "admin")
    return client


def test_every_list_reads_in_thai_with_buddhist_era_times(app, people, new_category_code) -> None:
    client = _admin(app)
    client.post(
        "/staff/admin/admin_categories/new/",
        data=new_category(form_token(client.get("/staff/admin/admin_categories/new/").text)),
    )  # an audit event with a time
    for table in LISTS:
        html = client.get(f"/staff/admin/{table}/").text
        assert "object at 0x" not in html, table
        assert ISO_TIME.search(html) is None, (table, ISO_TIME.search(html))
        assert "รายการ" in html and ">List" not in html, table  # Flask-Admin's tab, in Thai
        assert "noto-sans-thai/400.css" in html, table  # the served Thai font
    users = client.get("/staff/admin/admin_users/").text
    assert "สร้างใหม่" in users and "ค้นหา" in users and "เพิ่มตัวกรอง" in users
    assert "ชื่อผู้ใช้" in users and "ศูนย์ดำรงธรรมจังหวัดเชียงใหม่ (c50)" in users
    log = client.get("/staff/admin/admin_audit_events/").text
    assert "23\xa0พ.ย.\xa02569\xa009:00\xa0น." in log  # 02:00 UTC is 09:00 in Bangkok
    definitions = client.get("/staff/admin/admin_process_definitions/").text
    assert "2569" in definitions and "นำขึ้นระบบเมื่อ" in definitions


def test_a_form_selector_names_the_org_unit_and_a_missing_field_is_told_in_thai(
    app, people, factory, new_category_code
) -> None:
    client = _admin(app)
    with factory() as session:
        user_id = session.scalar(select(User.id).where(User.username == "screener"))
    edit = client.get(f"/staff/admin/admin_users/edit/?id={user_id}").text
    assert "ศูนย์ดำรงธรรมจังหวัดเชียงใหม่ (c50)</option>" in edit and "object at 0x" not in edit
    assert "บันทึก" in edit and "ยกเลิก" in edit and ">Save<" not in edit
    data = new_category(form_token(client.get("/staff/admin/admin_categories/new/").text))
    data["name_th"] = ""
    refused = client.post("/staff/admin/admin_categories/new/", data=data)
    assert refused.status_code == 200 and "กรุณากรอกช่องนี้" in refused.text
    assert "This field is required" not in refused.text
    with factory() as session:
        assert session.get(Category, "water_supply") is None
        assert session.scalars(select(AuditEvent)).all() == []


def test_english_after_switching_language(app, people, new_category_code) -> None:
    client = _admin(app)
    client.get("/staff/lang/en?next=/staff/")
    users = client.get("/staff/admin/admin_users/").text
    assert ">Create<" in users and "Search" in users and "Username" in users
    assert "สร้างใหม่" not in users and "ชื่อผู้ใช้" not in users
    definitions = client.get("/staff/admin/admin_process_definitions/").text
    assert "2569\xa0BE" in definitions and ISO_TIME.search(definitions) is None
    data = new_category(form_token(client.get("/staff/admin/admin_categories/new/").text))
    data["name_th"] = ""
    refused = client.post("/staff/admin/admin_categories/new/", data=data)
    assert "This field is required." in refused.text and "กรุณากรอกช่องนี้" not in refused.text
    thai = app.test_client()
    sign_in(thai, "admin")
    assert "สร้างใหม่" in thai.get("/staff/admin/admin_users/").text  # another session: Thai


def test_a_dead_letter_says_when_in_bangkok_time(app, people, open_cases, factory, clock) -> None:
    [case_id] = open_cases("นายจ้างค้างจ่ายค่าจ้าง")
    _dead_letter(factory, clock, case_id)
    html = _admin(app).get("/staff/admin/dead-letters/").text
    assert "23 พ.ย. 2569 09:00 น." in html and ISO_TIME.search(html) is None


def test_a_script_in_a_name_stays_text_in_lists_and_selectors(app, people, factory) -> None:
    with factory.begin() as session:
        unit = session.scalar(select(OrgUnit).where(OrgUnit.code == "dla"))
        name, unit.name_th = unit.name_th, "<script>alert(1)</script>กรม"
    try:
        client = _admin(app)
        with factory() as session:
            local = session.scalar(select(User.id).where(User.username == "local"))
        for url in ("/staff/admin/admin_users/", f"/staff/admin/admin_users/edit/?id={local}"):
            html = client.get(url).text
            assert "<script>alert(1)</script>" not in html, url
            assert "&lt;script&gt;alert(1)&lt;/script&gt;กรม (dla)" in html, url
        for bad in ("abc", "99999999", "99999999999", "-1", "1 OR 1=1", "%00"):
            for table in ("admin_users", "admin_org_units", "admin_audit_events"):
                for view in ("edit", "details"):
                    answer = client.get(f"/staff/admin/{table}/{view}/?id={bad}")
                    assert answer.status_code in (302, 400, 404), (table, view, bad)
    finally:
        with factory.begin() as session:
            unit = session.scalar(select(OrgUnit).where(OrgUnit.code == "dla"))
            unit.name_th = name  # org units are reference data, kept between tests
