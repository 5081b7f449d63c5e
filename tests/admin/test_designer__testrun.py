"""The test-run pages as designers use them: start a test case on a draft, fill the task forms
an official would see (their errors too), fast-forward time, send messages, undo, save the
scenario with what it reached, run them all, read a version's; nothing of a run stays, and
what is posted is checked (hostile input never gives a 500 and changes nothing)."""

from __future__ import annotations

import html
import json
import re

import pytest
from sqlalchemy import func, select

from admin.designer_testrun import _encode
from engine.errors import ValidationFailed
from engine.formcheck import check_form
from engine.models import AuditEvent, Case, OutboxMessage, ProcessDraft, Task, User
from engine.workflow import scenarios
from tests.admin import test_designer__pages as pages
from tests.admin.test_designer__pages import new_draft, signed_in

designers = pages.designers  # the fixtures: two designers who can sign in, and no drafts left
no_drafts = pages.no_drafts

SCENARIO = re.compile(r'name="scenario" value="([^"]*)"')


def scenario_of(page: str) -> str:
    """The scenario the page posts back (as the browser would send it)."""
    return html.unescape(SCENARIO.search(page).group(1))


def post(client, token, draft_id, **fields):  # type: ignore[no-untyped-def]
    return client.post(
        f"/staff/designer/drafts/{draft_id}/test-run", data={"csrf_token": token, **fields}
    )


def counts(factory) -> dict:  # type: ignore[no-untyped-def]
    with factory() as db:
        return {
            m.__name__: db.scalar(select(func.count()).select_from(m))
            for m in (Case, Task, OutboxMessage, User, AuditEvent)
        }


def start(client, token, draft_id):  # type: ignore[no-untyped-def]
    page = post(client, token, draft_id, action="start", category="labour", area_code="500101")
    assert page.status_code == 200, page.text
    return page


def test_a_designer_builds_a_scenario_step_by_step_and_keeps_it(app, designers, factory):  # type: ignore[no-untyped-def]
    client, token = signed_in(app, "designer1")
    draft_id = new_draft(client, token)
    before = counts(factory)
    listed = client.get(f"/staff/designer/drafts/{draft_id}/test-run")
    assert listed.status_code == 200 and "refer_agency_and_close" in listed.text  # from v1
    assert "เปิดเรื่องทดสอบ" in listed.text
    page = start(client, token, draft_id)
    assert 'id="case-status">screening' in page.text
    assert 'data-task="screen"' in page.text and 'name="decision"' in page.text  # the real form
    # A bad form gets the official's errors and keeps the scenario as it was.
    bad = post(
        client, token, draft_id, scenario=scenario_of(page.text), action="complete", task="screen"
    )
    assert bad.status_code == 422
    with pytest.raises(ValidationFailed) as official:  # what the inbox says to an official
        check_form("screen", {})
    assert html.escape(official.value.fields["decision"][0], quote=False) in bad.text
    assert json.loads(scenario_of(bad.text))["steps"] == []
    step = post(
        client,
        token,
        draft_id,
        scenario=scenario_of(bad.text),
        action="complete",
        task="screen",
        decision="request_info",
        question="ขอสำเนาสัญญาจ้าง",
    )
    assert step.status_code == 200, step.text
    assert 'id="case-status">awaiting_information' in step.text and "info_requested" in step.text
    later = post(
        client, token, draft_id, scenario=scenario_of(step.text), action="advance", amount="3",
        unit="working_days",
    )  # fmt: skip
    assert later.status_code == 200 and "advance 3 working days" in later.text
    gone = post(
        client, token, draft_id, scenario=scenario_of(later.text), action="message",
        message="withdraw",
    )  # fmt: skip
    assert 'id="case-status">withdrawn' in gone.text
    # The diagram is drawn from the same scenario, replayed.
    src = re.search(r'data-src="([^"]+)"', gone.text).group(1).replace("&amp;", "&")
    diagrams = client.get(src).get_json()["diagrams"]
    assert diagrams[0]["process_id"] == "complaint" and "withdrawn" in diagrams[0]["completed"]
    undone = post(client, token, draft_id, scenario=scenario_of(gone.text), action="undo")
    assert 'id="case-status">awaiting_information' in undone.text
    assert counts(factory) == before  # nothing of the runs stayed
    saved = client.post(
        f"/staff/designer/drafts/{draft_id}/test-run/save",
        data={
            "csrf_token": token,
            "scenario": scenario_of(gone.text),
            "name": "ask_then_withdraw",
            "title_th": "ขอข้อมูลแล้วถอนเรื่อง",
            "title_en": "<script>alert(1)</script>",
        },
    )
    assert saved.status_code == 302
    with factory() as db:
        kept = db.get(ProcessDraft, draft_id).scenarios["ask_then_withdraw"]
    assert kept["expect"]["status"] == "withdrawn" and kept["expect"]["path"][-1] == "withdrawn"
    shown = client.get(saved.headers["Location"])
    assert 'id="verdict">ผ่าน' in shown.text
    assert "<script>alert(1)</script>" not in shown.text  # escaped where shown
    table = client.post(
        f"/staff/designer/drafts/{draft_id}/test-run/all", data={"csrf_token": token}
    )
    assert table.status_code == 200 and table.text.count('class="verdict-pass"') == 4
    deleted = client.post(
        f"/staff/designer/drafts/{draft_id}/test-run/ask_then_withdraw/delete",
        data={"csrf_token": token},
    )
    assert deleted.status_code == 302
    with factory() as db:
        assert "ask_then_withdraw" not in db.get(ProcessDraft, draft_id).scenarios


def test_a_failing_step_is_named_and_not_kept(app, designers):  # type: ignore[no-untyped-def]
    client, token = signed_in(app, "designer1")
    draft_id = new_draft(client, token)
    page = start(client, token, draft_id)
    early = post(
        client, token, draft_id, scenario=scenario_of(page.text), action="message",
        message="info_provided",
    )  # fmt: skip
    assert early.status_code == 422
    assert "ขั้นที่ 1 (message info_provided)" in early.text and "ไม่ได้รอ" in early.text
    assert json.loads(scenario_of(early.text))["steps"] == []


def test_a_versions_scenarios_run_read_only(app, designers):  # type: ignore[no-untyped-def]
    client, _token = signed_in(app, "designer1")
    table = client.get("/staff/designer/processes/complaint/versions/1/test-run")
    assert table.status_code == 200
    assert table.text.count('class="verdict-pass"') == 3 and "complete-task" not in table.text
    one = client.get(
        "/staff/designer/processes/complaint/versions/1/test-run?scenario=sla_breach_escalates"
    )
    assert 'id="verdict">ผ่าน' in one.text and 'id="case-status">under_review' in one.text
    assert "save-scenario" not in one.text
    missing = client.get("/staff/designer/processes/complaint/versions/1/test-run?scenario=nope")
    assert missing.status_code == 404


@pytest.mark.parametrize(
    "fields",
    [
        {"action": "complete", "task": "screen", "scenario": "{"},
        {"action": "complete", "task": "screen", "scenario": "[" * 50_000},
        {"action": "complete", "task": "nope", "scenario": '{"name": "unsaved"}'},
        {"action": "advance", "amount": "-1", "scenario": '{"name": "unsaved"}'},
        {"action": "advance", "amount": "1e9", "unit": "years", "scenario": '{"name": "unsaved"}'},
        {"action": "message", "message": "explode", "scenario": '{"name": "unsaved"}'},
        {"action": "drop tables", "scenario": '{"name": "unsaved"}'},
        {"action": "start", "category": "<script>alert(1)</script>", "area_code": "x"},
        {"action": "complete", "scenario": json.dumps({"name": "x", "steps": "all"})},
    ],
)
def test_hostile_posts_are_refused_with_a_message(app, designers, factory, fields):  # type: ignore[no-untyped-def]
    client, token = signed_in(app, "designer1")
    draft_id = new_draft(client, token)
    before = counts(factory)
    answer = post(client, token, draft_id, **fields)
    assert answer.status_code == 422, answer.text[:300]
    assert 'class="error-box"' in answer.text and "<script>alert" not in answer.text
    assert counts(factory) == before


def test_hostile_saves_and_links_change_nothing(app, designers, factory):  # type: ignore[no-untyped-def]
    client, token = signed_in(app, "designer1")
    draft_id = new_draft(client, token)
    with factory() as db:
        kept = dict(db.get(ProcessDraft, draft_id).scenarios)
    for name in ("../x", "", "A" * 65, "<b>"):
        saved = client.post(
            f"/staff/designer/drafts/{draft_id}/test-run/save",
            data={"csrf_token": token, "scenario": '{"name": "unsaved"}', "name": name},
        )
        assert saved.status_code == 422
    wrong = client.post(
        f"/staff/designer/drafts/{draft_id}/test-run/nothing/delete", data={"csrf_token": token}
    )
    assert wrong.status_code == 404
    with factory() as db:
        assert db.get(ProcessDraft, draft_id).scenarios == kept
    for s in ("", "!!!", "x" * 200_000, _encode({"name": "Bad Name"})):
        got = client.get(f"/staff/designer/drafts/{draft_id}/test-run/diagram.json?s={s}")
        assert got.status_code == 422
    forged = client.get("/staff/designer/drafts/999999/test-run")
    assert forged.status_code == 404


@pytest.mark.parametrize("who", ["screener", "supervisor", "labour", "executive"])
def test_other_roles_are_refused(app, designers, factory, who):  # type: ignore[no-untyped-def]
    designer, token = signed_in(app, "designer1")
    draft_id = new_draft(designer, token)
    client, other_token = signed_in(app, who)
    for url in (
        f"/staff/designer/drafts/{draft_id}/test-run",
        "/staff/designer/processes/complaint/versions/1/test-run",
        f"/staff/designer/drafts/{draft_id}/test-run/diagram.json?s={_encode({'name': 'x'})}",
    ):
        assert client.get(url).status_code == 403
    refused = client.post(
        f"/staff/designer/drafts/{draft_id}/test-run/save",
        data={"csrf_token": other_token, "scenario": '{"name": "x"}', "name": "mine"},
    )
    assert refused.status_code == 403
    with factory() as db:
        assert "mine" not in db.get(ProcessDraft, draft_id).scenarios


def test_the_working_scenario_stays_in_the_shipped_format(app, designers):  # type: ignore[no-untyped-def]
    client, token = signed_in(app, "designer1")
    draft_id = new_draft(client, token)
    page = start(client, token, draft_id)
    assert scenarios.check(json.loads(scenario_of(page.text)))["start"]["category"] == "labour"
