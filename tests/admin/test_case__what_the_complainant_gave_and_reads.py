"""The case workspace: each note says how the complainant reads it now (an agency's result only once
the center accepts it, an agency's progress only as a fact; engine/cases/disclosure.py, the rule the
citizen's pages follow), and when it happened is shown as the complainant gave it."""

from __future__ import annotations

import re

from tests.admin.conftest import sign_in
from tests.engine.helpers import complete, open_case

RESULT = "นายจ้างจ่ายค่าจ้างที่ค้างครบถ้วนแล้ว"
PROGRESS = "นัดนายจ้างเข้าชี้แจงวันจันทร์"


def _tag_of(page: str, text: str) -> str:
    """The visibility tag of the note whose body is `text`."""
    notes = page[page.index('id="comments"') :]
    item = next(li for li in notes.split("<li")[1:] if text in li)
    return re.search(r'<span class="tag[^"]*">([^<]+)</span>', item).group(1)


def test_the_notes_say_what_the_complainant_reads(app, people, factory, clock) -> None:
    case_id, _code, _secret = open_case(factory, clock, people["intake"])
    complete(factory, clock, people["screener"], case_id, "screen", {"decision": "refer"})
    complete(factory, clock, people["labour"], case_id, "agency_acknowledge", {})
    report = {"action": "progress", "progress_note": PROGRESS}
    complete(factory, clock, people["labour"], case_id, "agency_handle", report)
    clock.advance(hours=1)
    result = {"action": "result", "result_text": RESULT}
    assert complete(factory, clock, people["labour"], case_id, "agency_handle", result) == (
        "under_review"
    )
    client = app.test_client()
    sign_in(client, "screener")
    page = client.get(f"/staff/cases/{case_id}").text
    assert _tag_of(page, RESULT) == "ผู้ร้องเห็นเมื่อศูนย์ยอมรับผล"
    assert _tag_of(page, PROGRESS) == "ผู้ร้องเห็นเพียงว่ามีความคืบหน้า"

    clock.advance(hours=1)
    complete(factory, clock, people["screener"], case_id, "review", {"review_decision": "accept"})
    sign_in(client, "screener")  # an hour idle ends a staff session
    page = client.get(f"/staff/cases/{case_id}").text
    assert _tag_of(page, RESULT) == "ผู้ร้องเห็น"
    assert _tag_of(page, PROGRESS) == "ผู้ร้องเห็นเพียงว่ามีความคืบหน้า"


def test_the_workspace_shows_when_it_happened_as_the_complainant_gave_it(
    app, people, factory, clock
) -> None:
    client = app.test_client()
    sign_in(client, "screener")
    for given, shown in (
        ("2026-03", "มีนาคม 2569"),
        ("2026", "2569"),
        ("2026-03-14", "14 มีนาคม 2569"),
    ):
        case_id, _code, _secret = open_case(factory, clock, people["intake"], occurred_on=given)
        page = client.get(f"/staff/cases/{case_id}").text
        assert f"<dt>เกิดเหตุเมื่อ</dt><dd>{shown}</dd>" in page
