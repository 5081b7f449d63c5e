"""What a review task reviews: the agency's result, who sent it, its reports and its files,
for the center's reviewer only (another center, another agency, a forged task: nothing)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from engine.cases import casefiles, reviewing
from engine.errors import PermissionDenied, TaskNotFound
from tests.engine.helpers import complete, open_case, task_at

RESULT = "นายจ้างจ่ายค่าจ้างที่ค้างครบแล้ว ตามใบสำคัญรับเงินที่แนบ"
PROGRESS = "นัดนายจ้างเข้าชี้แจงวันที่ 3 ธันวาคม"


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def reported(factory, clock, staff) -> int:  # type: ignore[no-untyped-def]
    """A labour case whose agency reported progress, attached a receipt and sent its result."""
    case_id = open_case(factory, clock, staff["intake"])[0]
    complete(factory, clock, staff["screener"], case_id, "screen", {"decision": "refer"})
    complete(factory, clock, staff["labour"], case_id, "agency_acknowledge", {})
    progress = {"action": "progress", "progress_note": PROGRESS}
    complete(factory, clock, staff["labour"], case_id, "agency_handle", progress)
    with factory.begin() as session:
        casefiles.add_attachment(session, clock, staff["labour"], case_id, "receipt.png", png())
    clock.advance(hours=2)
    result = {"action": "result", "result_text": RESULT}
    complete(factory, clock, staff["labour"], case_id, "agency_handle", result)
    return case_id


def test_the_reviewer_gets_the_agencys_result_reports_and_files(factory, clock, staff):
    case_id = reported(factory, clock, staff)
    task_id = task_at(factory, case_id, "review").id
    with factory() as session:
        material = reviewing.review_material(session, staff["screener"], task_id)
        assert material is not None
        assert material.agency.code == "mol"
        assert material.result.body == RESULT
        assert material.result.author_label and material.result.created_at == clock()
        assert [n.body for n in material.reports] == [PROGRESS]
        assert [(f.filename, f.content_type) for f in material.files] == [
            ("receipt.png", "image/jpeg")  # re-encoded
        ]


def test_nothing_to_review_on_other_tasks(factory, clock, staff):
    case_id = open_case(factory, clock, staff["intake"])[0]
    with factory() as session:
        task_id = task_at(factory, case_id, "screen").id
        assert reviewing.review_material(session, staff["screener"], task_id) is None


@pytest.mark.parametrize("who", ["screener_bkk", "labour", "local", "intake", "executive"])
def test_others_are_refused(factory, clock, staff, who):
    case_id = reported(factory, clock, staff)
    task_id = task_at(factory, case_id, "review").id
    with factory() as session, pytest.raises(PermissionDenied):
        reviewing.review_material(session, staff[who], task_id)


def test_a_forged_task_is_not_found(factory, clock, staff):
    with factory() as session, pytest.raises(TaskNotFound):
        reviewing.review_material(session, staff["screener"], 987654)
