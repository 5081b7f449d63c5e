"""A task page as an official uses it without a script: the screening form shows only what the
chosen decision needs, starts from the case's category and area, ignores what another decision
left typed, keeps every value on an error; buttons say what the task does; a referral's message
names the agency; the review task shows the agency's result to the center's reviewer alone."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from engine.cases import tasks as task_service
from engine.models import Case, CaseNote
from tests.admin.conftest import csrf_of
from tests.admin.test_inbox__scope import screen_and_refer, signed_in
from tests.engine.cases.test_reviewing__material import RESULT, reported
from tests.engine.helpers import task_at

TITLE = "นายจ้างค้างจ่ายค่าจ้างสองเดือน"


def field_tag(html: str, name: str) -> str:
    """The opening tag of a field's wrapper."""
    found = re.search(rf'<div[^>]*data-field="{name}"[^>]*>', html)
    assert found, f"no field {name}"
    return found.group(0)


def shown(html: str) -> set[str]:
    """The fields drawn visible."""
    tags = re.findall(r'<div[^>]*data-field="([a-z_]+)"([^>]*)>', html)
    return {name for name, rest in tags if " hidden" not in rest}


@pytest.fixture
def screening(app, people, open_cases, factory, clock):  # type: ignore[no-untyped-def]
    """A screener holding the screening task of a labour case in Mueang Chiang Mai."""
    case_id = open_cases(TITLE)[0]
    task_id = task_at(factory, case_id, "screen").id
    with factory.begin() as session:
        task_service.claim(session, clock, people["screener"], task_id)
    return case_id, task_id, signed_in(app, "screener")


def post(client, task_id: int, pairs: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    page = client.get(f"/staff/tasks/{task_id}").text
    data = MultiDict([("csrf_token", csrf_of(page)), *pairs])
    return client.post(f"/staff/tasks/{task_id}", data=data, follow_redirects=True)


def test_the_screening_form_starts_with_the_decision_alone_and_the_case_values(screening):
    _case_id, task_id, client = screening
    html = client.get(f"/staff/tasks/{task_id}").text
    assert shown(html) == {"decision"}
    assert re.search(r'<option value="labour" selected>', html)  # the case's category
    assert re.search(r'<option value="50" selected>', html)  # its province, district …
    assert re.search(r'<option value="5001" selected>', html)
    assert re.search(r'<option value="500101" selected>', html)
    assert 'name="_refresh" value="decision"' in html  # no script: ask for the fields
    assert ">บันทึกผลการคัดกรอง</button>" in html and "บันทึกและส่งต่อ" not in html


def test_choosing_a_decision_without_a_script_shows_its_fields(screening):
    _case_id, task_id, client = screening
    page = post(client, task_id, [("decision", "reject"), ("_refresh", "decision")])
    assert page.status_code == 200
    assert shown(page.text) == {"decision", "category", "area_code", "reason", "public_note"}
    assert re.search(r'value="reject" id="[^"]+" checked', page.text)
    page = post(client, task_id, [("decision", "request_info"), ("_refresh", "decision")])
    assert shown(page.text) == {"decision", "question"}


def test_fields_of_another_decision_are_ignored(screening, factory):
    case_id, task_id, client = screening
    done = post(
        client,
        task_id,
        [
            ("decision", "request_info"),
            ("question", "ขอสำเนาสลิปเงินเดือน"),
            ("reason", "พิมพ์ไว้ก่อนเปลี่ยนใจ"),  # typed for «reject», then the choice changed
            ("category", "consumer"),
            ("agency", "dla"),
        ],
    )
    assert done.status_code == 200 and "/staff/inbox" in done.request.path
    with factory() as session:
        case = session.get(Case, case_id)
        assert case.status == "awaiting_information" and case.category_code == "labour"
        kinds = session.scalars(select(CaseNote.kind).where(CaseNote.case_id == case_id)).all()
        assert "question" in kinds and "reason" not in kinds


def test_an_error_keeps_the_decision_and_every_value(screening, factory):
    case_id, task_id, client = screening
    page = post(
        client,
        task_id,
        [("decision", "duplicate"), ("duplicate_of", ""), ("public_note", "เรื่องนี้ซ้ำกับเรื่องเดิม")],
    )
    assert page.status_code == 422
    assert "กรุณากรอก «ซ้ำกับเรื่องรหัส»" in page.text
    assert re.search(r'value="duplicate" id="[^"]+" checked', page.text)
    assert "เรื่องนี้ซ้ำกับเรื่องเดิม</textarea>" in page.text
    assert shown(page.text) == {"decision", "duplicate_of", "public_note"}
    with factory() as session:
        assert session.get(Case, case_id).status == "screening"


def test_a_referral_names_the_agency_it_went_to(screening, app):
    _case_id, task_id, client = screening
    done = post(client, task_id, [("decision", "refer")])
    assert done.status_code == 200
    assert "ถึงกระทรวงแรงงานแล้ว" in done.text
    assert "บันทึกงานของเรื่อง" not in done.text


def test_the_acknowledge_button_says_so(app, people, factory, clock, open_cases):
    case_id = open_cases(TITLE)[0]
    screen_and_refer(factory, clock, people, case_id)
    task_id = task_at(factory, case_id, "agency_acknowledge").id
    page = signed_in(app, "labour").get(f"/staff/tasks/{task_id}")
    assert ">รับเรื่อง</button>" in page.text and "บันทึกและส่งต่อ" not in page.text


def test_the_review_button_says_so(app, people, factory, clock):
    case_id = reported(factory, clock, people)
    page = signed_in(app, "screener").get(f"/staff/tasks/{task_at(factory, case_id, 'review').id}")
    assert ">ยืนยันผลการตรวจสอบ</button>" in page.text


def test_the_reviewer_sees_the_agencys_result_and_its_file(app, people, factory, clock):
    case_id = reported(factory, clock, people)
    task_id = task_at(factory, case_id, "review").id
    client = signed_in(app, "screener")
    page = client.get(f"/staff/tasks/{task_id}")
    assert page.status_code == 200
    material = page.text[page.text.index('id="review-material"') :]
    assert RESULT in material and "กระทรวงแรงงาน" in material
    found = re.search(rf'href="(/staff/cases/{case_id}/files/\d+)" download>receipt.png<', material)
    assert found
    opened = client.get(found.group(1))
    assert opened.status_code == 200 and opened.headers["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize(("who", "status"), [("screener_bkk", 403), ("local", 403)])
def test_others_do_not_see_the_result(app, people, factory, clock, who, status):
    case_id = reported(factory, clock, people)
    task_id = task_at(factory, case_id, "review").id
    page = signed_in(app, who).get(f"/staff/tasks/{task_id}")
    assert page.status_code == status and RESULT not in page.text
    forged = signed_in(app, "screener").get(f"/staff/tasks/{task_id + 1000}")
    assert forged.status_code == 404 and RESULT not in forged.text
