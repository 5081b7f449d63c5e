"""The case workspace offers the comment and file forms only to officials who work cases:
executives and administrators read the case, and the engine refuses what they would post."""

from __future__ import annotations

from tests.admin.conftest import csrf_of
from tests.admin.test_inbox__scope import signed_in

COMMENT_FORM = 'action="/staff/cases/{id}/comments"'
UPLOAD_FORM = 'action="/staff/cases/{id}/files"'


def test_an_executive_reads_the_case_without_the_forms_a_screener_has(app, open_cases):
    case_id = open_cases("ถนนในหมู่บ้านชำรุดเป็นหลุมลึก")[0]
    comment, upload = COMMENT_FORM.format(id=case_id), UPLOAD_FORM.format(id=case_id)
    screener = signed_in(app, "screener").get(f"/staff/cases/{case_id}")
    assert screener.status_code == 200
    assert comment in screener.text and upload in screener.text
    for name in ("executive", "admin"):
        client = signed_in(app, name)
        page = client.get(f"/staff/cases/{case_id}")
        assert page.status_code == 200, name
        assert "ถนนในหมู่บ้านชำรุดเป็นหลุมลึก" in page.text
        assert comment not in page.text and upload not in page.text, name
        assert 'name="body"' not in page.text and 'type="file"' not in page.text
        refused = client.post(
            f"/staff/cases/{case_id}/comments",
            data={"csrf_token": csrf_of(page.text), "body": "ความเห็นของผู้บริหาร"},
        )
        assert refused.status_code == 403, name  # the engine's rule, which the page follows
    assert "ความเห็นของผู้บริหาร" not in signed_in(app, "screener").get(f"/staff/cases/{case_id}").text
