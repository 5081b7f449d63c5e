"""What a complainant reads of the agency's work at each stage, on every citizen channel: the
portal's case page, the tracking API, Open311's status notes and the citizen's messages."""

from __future__ import annotations

import pytest

from engine.cases import disclosure
from engine.cases.intake import add_comment
from engine.models import Case
from notifications import context as message_context
from tests.engine.helpers import complete, open_case
from tests.portal.conftest import csrf

DRAFT = "นายจ้างรับปากว่าจะจ่ายบางส่วน ร่างที่ยังไม่ผ่านการตรวจ"
FINAL = "นายจ้างจ่ายค่าจ้างที่ค้างครบถ้วนแล้ว"
PROGRESS = "นัดนายจ้างเข้าชี้แจงวันจันทร์ ข้อความภายในของหน่วยงาน"
REVIEW_LINE = "ศูนย์ดำรงธรรมกำลังตรวจสอบผลการดำเนินงานจากหน่วยงาน"


@pytest.fixture
def case(factory, clock, staff) -> dict:  # type: ignore[no-untyped-def]
    """A walk-in wage case referred to the labour office, acknowledged, with one progress report."""
    case_id, code, secret = open_case(factory, clock, staff["intake"])
    complete(factory, clock, staff["screener"], case_id, "screen", {"decision": "refer"})
    complete(factory, clock, staff["labour"], case_id, "agency_acknowledge", {})
    clock.advance(hours=1)
    report = {"action": "progress", "progress_note": PROGRESS}
    complete(factory, clock, staff["labour"], case_id, "agency_handle", report)
    return {"id": case_id, "code": code, "secret": secret}


def _result(factory, clock, staff, case_id: int, text: str) -> str:  # type: ignore[no-untyped-def]
    clock.advance(hours=1)
    data = {"action": "result", "result_text": text}
    return complete(factory, clock, staff["labour"], case_id, "agency_handle", data)


def _review(factory, clock, staff, case_id: int, decision: str, **more: str) -> str:  # type: ignore[no-untyped-def]
    clock.advance(hours=1)
    data = {"review_decision": decision, **more}
    return complete(factory, clock, staff["screener"], case_id, "review", data)


def _channels(client, factory, case: dict) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Everything the complainant (and the public) reads of the case, one text per channel."""
    token = csrf(client, "/portal/track")
    form = {"code": case["code"], "secret": case["secret"], "_csrf": token}
    path = client.post("/portal/track", data=form).location.replace("http://localhost", "")
    headers = {"X-Citizen-Secret": case["secret"]}
    api = client.get(f"/api/v1/track/{case['code']}", headers=headers)
    assert api.status_code == 200
    open311 = client.get(f"/open311/v2/requests/{case['id']}.json").get_json()
    with factory() as session:
        row = session.get(Case, case["id"])
        messages = {
            event: message_context.build(
                session, row.id, event, {}, "citizen", "th", "http://portal.test"
            )["note"]
            for event in ("progress_reported", "result_ready", "info_requested")
        }
    return {
        "page": client.get(path).get_data(as_text=True),
        "api": api.get_data(as_text=True),
        "api_json": api.get_json(),
        "open311": str(open311),
        "messages": str(messages),
    }


def test_while_the_center_reviews_the_complainant_reads_a_fixed_line(
    client, factory, clock, staff, case
) -> None:
    assert _result(factory, clock, staff, case["id"], DRAFT) == "under_review"
    seen = _channels(client, factory, case)
    for channel in ("page", "api", "open311", "messages"):
        assert DRAFT not in seen[channel], channel
        assert PROGRESS not in seen[channel], channel
    assert REVIEW_LINE in seen["page"]
    assert seen["api_json"]["status_note"] == REVIEW_LINE and seen["api_json"]["result"] is None
    assert REVIEW_LINE in seen["open311"]
    # The agency's progress shows as a dated fact, not as its words.
    assert "หน่วยงานรายงานความคืบหน้า" in seen["page"]


def test_after_acceptance_the_result_as_accepted_and_the_center_note(
    client, factory, clock, staff, case
) -> None:
    _result(factory, clock, staff, case["id"], FINAL)
    note = "ศูนย์ตรวจสอบกับนายจ้างแล้ว หากยังไม่ได้รับเงินแจ้งได้ภายใน 30 วัน"
    assert _review(factory, clock, staff, case["id"], "accept", public_note=note) == "resolved"
    seen = _channels(client, factory, case)
    assert FINAL in seen["page"] and note in seen["page"]
    assert REVIEW_LINE not in seen["page"]
    assert seen["api_json"]["result"] == FINAL and seen["api_json"]["status_note"] is None
    assert FINAL in seen["messages"] and PROGRESS not in seen["messages"]
    assert FINAL not in seen["open311"]  # the public list never quotes a case's result
    assert PROGRESS not in seen["page"] and PROGRESS not in seen["api"]


def test_after_a_send_back_the_case_is_in_progress_without_the_draft(
    client, factory, clock, staff, case
) -> None:
    _result(factory, clock, staff, case["id"], DRAFT)
    reason = "ยังไม่มีหลักฐานการจ่ายเงิน"
    assert _review(factory, clock, staff, case["id"], "send_back", reason=reason) == "in_progress"
    seen = _channels(client, factory, case)
    for channel in ("page", "api", "open311", "messages"):
        assert DRAFT not in seen[channel], channel
        assert reason not in seen[channel], channel  # the reason is for the agency
    assert 'id="case-status">หน่วยงานกำลังดำเนินการ<' in seen["page"]
    assert REVIEW_LINE not in seen["page"]
    # The agency reports again and the center accepts: only the accepted text is ever shown.
    _result(factory, clock, staff, case["id"], FINAL)
    _review(factory, clock, staff, case["id"], "accept")
    seen = _channels(client, factory, case)
    assert FINAL in seen["page"] and DRAFT not in seen["page"] and DRAFT not in seen["api"]
    assert seen["api_json"]["result"] == FINAL


def test_an_agency_public_comment_is_a_fact_and_a_center_one_is_read(
    client, factory, clock, staff, case
) -> None:
    agency_words = "หน่วยงานเขียนเองว่าใกล้เสร็จแล้ว"
    center_words = "ศูนย์โทรแจ้งหน่วยงานให้เร่งรัดแล้ว"
    with factory.begin() as session:
        add_comment(session, clock, staff["labour"], case["id"], agency_words, public=True)
        add_comment(session, clock, staff["screener"], case["id"], center_words, public=True)
    seen = _channels(client, factory, case)
    assert agency_words not in seen["page"] and agency_words not in seen["api"]
    assert center_words in seen["page"] and center_words in seen["api"]


def test_another_citizen_or_a_forged_code_sees_nothing(client, factory, clock, staff, case) -> None:
    _result(factory, clock, staff, case["id"], DRAFT)
    _other_id, other_code, other_secret = open_case(factory, clock, staff["intake"])
    for code, secret in (
        (case["code"], other_secret),  # another citizen's secret on this code
        (other_code, case["secret"]),
        ("ABCD-EFGH-JKM", case["secret"]),
        ("<script>alert(1)</script>", "x"),
    ):
        answer = client.get(f"/api/v1/track/{code}", headers={"X-Citizen-Secret": secret})
        assert answer.status_code == 404 and DRAFT not in answer.get_data(as_text=True)


def test_the_rule_reads_the_trail_not_the_status_alone(factory, clock, staff, case) -> None:
    """A case resolved at the center after an agency draft was sent back shows no draft."""
    _result(factory, clock, staff, case["id"], DRAFT)
    _review(factory, clock, staff, case["id"], "send_back", reason="ยังไม่ครบ")
    with factory() as session:
        row = session.get(Case, case["id"])
        assert disclosure.accepted_result(session, row) is None
        assert disclosure.status_line(row) is None
        kinds = [n.kind for n in disclosure.citizen_notes(session, row)]
    assert kinds == ["progress"]
