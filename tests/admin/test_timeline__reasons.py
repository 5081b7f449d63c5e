"""The case timeline tells staff why: a supervisor's reason for extending or closing shows in
the staff workspace, and never on the citizen's tracking page."""

from __future__ import annotations

from engine.sla.deadlines import sweep_deadlines
from tests.admin.conftest import csrf_of
from tests.admin.test_inbox__scope import screen_and_refer, signed_in
from tests.engine.helpers import open_case
from tests.portal.conftest import csrf


def _timeline(page: str) -> str:
    return page[page.index('id="timeline"') : page.index('id="diagram"')]


def _overdue(factory, clock, people, app):  # type: ignore[no-untyped-def]
    """A labour case 40 days over and the citizen's tracking page for it."""
    case_id, code, secret = open_case(factory, clock, people["intake"], category="labour")
    screen_and_refer(factory, clock, people, case_id)
    clock.advance(days=40)
    assert sweep_deadlines(factory, clock).breached >= 1
    citizen = app.test_client()
    found = citizen.post(
        "/portal/track",
        data={"code": code, "secret": secret, "_csrf": csrf(citizen, "/portal/track")},
    )
    assert found.status_code == 303
    return case_id, citizen, found.location.replace("http://localhost", "")


def _supervise(client, case_id: int, **fields: str):  # type: ignore[no-untyped-def]
    form = client.get(f"/staff/cases/{case_id}/supervise").text
    done = client.post(
        f"/staff/cases/{case_id}/supervise", data={"csrf_token": csrf_of(form), **fields}
    )
    assert done.status_code == 302, done.text


def test_an_extension_reason_shows_to_staff_and_not_to_the_citizen(
    app, people, factory, clock
) -> None:
    case_id, citizen, track = _overdue(factory, clock, people, app)
    reason = "หน่วยงานขอเวลาตรวจสอบเอกสารเพิ่ม <b>ด่วน</b>"
    _supervise(
        signed_in(app, "supervisor"),
        case_id,
        supervisor_action="extend",
        extend_days="5",
        reason=reason,
    )
    supervisor = signed_in(app, "supervisor")
    thai = _timeline(supervisor.get(f"/staff/cases/{case_id}").text)
    entry = thai[thai.index("ขยายกำหนดเวลา") :]
    assert "เหตุผล" in entry and "หน่วยงานขอเวลาตรวจสอบเอกสารเพิ่ม &lt;b&gt;ด่วน&lt;/b&gt;" in entry
    assert "5 วันทำการ" in entry and "กำหนดใหม่" in entry and "25" in entry  # Buddhist Era
    supervisor.get("/staff/lang/en")
    english = _timeline(supervisor.get(f"/staff/cases/{case_id}").text)
    entry = english[english.index("Deadline extended") :]
    assert "Reason" in entry and "หน่วยงานขอเวลาตรวจสอบเอกสารเพิ่ม" in entry  # as typed
    assert "5 working days" in entry
    labour = signed_in(app, "labour")  # the agency handling it may see the case, and why
    assert "หน่วยงานขอเวลาตรวจสอบเอกสารเพิ่ม" in labour.get(f"/staff/cases/{case_id}").text
    for lang in ("", "?lang=en"):
        page = citizen.get(track + lang).get_data(as_text=True)
        assert "หน่วยงานขอเวลาตรวจสอบเอกสารเพิ่ม" not in page
    assert signed_in(app, "screener_bkk").get(f"/staff/cases/{case_id}").status_code in (403, 404)


def test_closing_as_unresolvable_shows_why_on_the_staff_timeline_only(
    app, people, factory, clock
) -> None:
    case_id, citizen, track = _overdue(factory, clock, people, app)
    _supervise(
        signed_in(app, "supervisor"),
        case_id,
        supervisor_action="close_unresolvable",
        reason="นายจ้างปิดกิจการและย้ายออกนอกประเทศแล้ว",
    )
    staff_page = _timeline(signed_in(app, "screener").get(f"/staff/cases/{case_id}").text)
    assert "นายจ้างปิดกิจการและย้ายออกนอกประเทศแล้ว" in staff_page
    page = citizen.get(track).get_data(as_text=True)
    assert "นายจ้างปิดกิจการ" not in page
