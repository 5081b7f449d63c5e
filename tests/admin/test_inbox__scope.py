"""The inbox and task pages, per role: nobody is shown a task they cannot act on."""

from __future__ import annotations

from sqlalchemy import select

from engine.cases import tasks as task_service
from engine.models import Case, CaseNote, Task
from tests.admin.conftest import add_official, csrf_of, sign_in


def screen_and_refer(factory, clock, people, case_id: int) -> None:  # type: ignore[no-untyped-def]
    """The screener refers a case; the routing table picks the agency."""
    with factory.begin() as session:
        task_id = session.scalar(select(Task.id).where(Task.case_id == case_id))
        task_service.claim(session, clock, people["screener"], task_id)
        task_service.complete_task(
            session, clock, people["screener"], task_id, {"decision": "refer"}
        )


def task_of(factory, case_id: int) -> Task:  # type: ignore[no-untyped-def]
    with factory() as session:
        return session.scalar(select(Task).where(Task.case_id == case_id))


def signed_in(app, username: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert sign_in(client, username).status_code == 302
    return client


def test_a_screener_claims_from_the_group_and_counts_follow(app, people, open_cases, factory):
    first, second = open_cases("ไฟทางดับทั้งซอย", "น้ำประปาไม่ไหลสามวัน")
    client = signed_in(app, "screener")
    group = client.get("/staff/inbox?tab=unclaimed").text
    assert "ไฟทางดับทั้งซอย" in group and "น้ำประปาไม่ไหลสามวัน" in group
    assert 'data-tab="unclaimed"' in group and 'data-tab="all"' not in group  # no supervisor tab
    assert 'class="count">2<' in group
    claimed = client.post(
        f"/staff/tasks/{task_of(factory, first).id}/claim", data={"csrf_token": csrf_of(group)}
    )
    assert claimed.headers["Location"] == f"/staff/tasks/{task_of(factory, first).id}"
    mine = client.get("/staff/inbox?tab=mine").text
    assert "ไฟทางดับทั้งซอย" in mine and "น้ำประปาไม่ไหลสามวัน" not in mine
    # Another screener of the same center no longer sees it as claimable.
    add_official(factory, "screener2", "c5001", ["screener"])
    other = signed_in(app, "screener2").get("/staff/inbox?tab=unclaimed").text
    assert "ไฟทางดับทั้งซอย" not in other and "น้ำประปาไม่ไหลสามวัน" in other


def test_bulk_claim_takes_the_selected_tasks(app, people, open_cases, factory):
    ids = open_cases("เรื่องที่หนึ่งทดสอบ", "เรื่องที่สองทดสอบ", "เรื่องที่สามทดสอบ")
    client = signed_in(app, "screener")
    page = client.get("/staff/inbox?tab=unclaimed").text
    chosen = [str(task_of(factory, case_id).id) for case_id in ids[:2]]
    done = client.post(
        "/staff/tasks/claim",
        data={"csrf_token": csrf_of(page), "task_id": chosen, "next": "/staff/inbox?tab=mine"},
    )
    assert done.headers["Location"] == "/staff/inbox?tab=mine"
    mine = client.get("/staff/inbox?tab=mine").text
    assert "รับงานแล้ว 2 รายการ" in mine
    assert "เรื่องที่หนึ่งทดสอบ" in mine and "เรื่องที่สามทดสอบ" not in mine


def test_an_agency_officer_sees_only_their_agencys_tasks(app, people, open_cases, factory, clock):
    labour_case = open_cases("นายจ้างไม่จ่ายค่าจ้าง", category="labour")[0]
    road_case = open_cases("ถนนเป็นหลุมลึก", category="local_nuisance")[0]
    unscreened = open_cases("เรื่องยังไม่กลั่นกรอง", category="labour")[0]
    for case_id in (labour_case, road_case):
        screen_and_refer(factory, clock, people, case_id)
    labour = signed_in(app, "labour")
    inbox = labour.get("/staff/inbox?tab=unclaimed").text
    assert "นายจ้างไม่จ่ายค่าจ้าง" in inbox
    assert "ถนนเป็นหลุมลึก" not in inbox and "เรื่องยังไม่กลั่นกรอง" not in inbox
    # Neither the other agency's task nor the center's screening task opens for them.
    for case_id in (road_case, unscreened):
        refused = labour.get(f"/staff/tasks/{task_of(factory, case_id).id}")
        assert refused.status_code == 403 and "ไม่มีสิทธิ์" in refused.text
        assert labour.get(f"/staff/cases/{case_id}").status_code == 403
        claim = labour.post(
            f"/staff/tasks/{task_of(factory, case_id).id}/claim",
            data={"csrf_token": csrf_of(inbox)},
        )
        assert claim.status_code == 403
    assert labour.get(f"/staff/cases/{labour_case}").status_code == 200
    assert "นายจ้างไม่จ่ายค่าจ้าง" not in signed_in(app, "local").get("/staff/inbox?tab=unclaimed").text
    assert labour.get("/staff/inbox?tab=all").text.count('data-tab="all"') == 0


def test_a_supervisor_sees_all_open_tasks_in_the_area_but_claims_only_their_own(
    app, people, open_cases, factory, clock
):
    referred, waiting = open_cases("ถูกเลิกจ้างไม่ได้ค่าชดเชย", "ขยะไม่มีคนเก็บ")
    screen_and_refer(factory, clock, people, referred)
    page = signed_in(app, "supervisor").get("/staff/inbox?tab=all").text
    assert "ถูกเลิกจ้างไม่ได้ค่าชดเชย" in page and "ขยะไม่มีคนเก็บ" in page
    agency_task = task_of(factory, referred).id
    center_task = task_of(factory, waiting).id
    assert f"/staff/tasks/{agency_task}/claim" not in page  # the agency's, not theirs
    assert f"/staff/tasks/{center_task}/claim" in page  # supervisors also screen
    filtered = signed_in(app, "supervisor").get("/staff/inbox?tab=all&agency=mol").text
    assert "ถูกเลิกจ้างไม่ได้ค่าชดเชย" in filtered and "ขยะไม่มีคนเก็บ" not in filtered
    # A supervisor elsewhere (Bangkok) sees none of Chiang Mai's.
    add_official(factory, "supervisor_bkk", "c10", ["supervisor"])
    far = signed_in(app, "supervisor_bkk").get("/staff/inbox?tab=all").text
    assert "ขยะไม่มีคนเก็บ" not in far and 'class="count">0<' in far


def test_filters_by_sla_state_area_and_category(app, people, open_cases, clock):
    open_cases("เรื่องแรงงานทดสอบตัวกรอง", category="labour")
    open_cases("เรื่องถนนทดสอบตัวกรอง", category="local_nuisance", area_code="500102")
    client = signed_in(app, "screener")
    base = "/staff/inbox?tab=unclaimed"
    page = client.get(base + "&category=labour").text
    assert "เรื่องแรงงานทดสอบตัวกรอง" in page and "เรื่องถนนทดสอบตัวกรอง" not in page
    page = client.get(base + "&province=50&district=5001&subdistrict=500102").text
    assert "เรื่องถนนทดสอบตัวกรอง" in page and "เรื่องแรงงานทดสอบตัวกรอง" not in page
    assert client.get(base + "&sla_state=breached").text.count("ทดสอบตัวกรอง") == 0
    clock.advance(days=30)
    client = signed_in(app, "screener")  # a month later the idle session has ended
    late = client.get(base + "&sla_state=breached").text
    assert late.count("ทดสอบตัวกรอง") == 2 and "เกินกำหนด" in late and "sla-breached" in late
    assert client.get(base + "&province=10").text.count("ทดสอบตัวกรอง") == 0
    assert client.get(base + "&sla_state=nonsense&page=x").status_code == 200


def test_task_form_errors_stay_beside_fields_and_a_valid_submit_moves_the_case(
    app, people, open_cases, factory
):
    case_id = open_cases("ร้องเรียนเสียงดังจากร้านอาหาร")[0]
    task_id = task_of(factory, case_id).id
    client = signed_in(app, "screener")
    page = client.get(f"/staff/tasks/{task_id}").text
    client.post(f"/staff/tasks/{task_id}/claim", data={"csrf_token": csrf_of(page)})
    typed = "ร้านอาหารเปิดเพลงดังหลังเที่ยงคืน"
    invalid = client.post(
        f"/staff/tasks/{task_id}",
        data={"csrf_token": csrf_of(page), "decision": "resolve", "public_note": typed},
    )
    assert invalid.status_code == 422
    assert "กรุณากรอก «เหตุผล»" in invalid.text and typed in invalid.text
    draft = client.post(
        f"/staff/tasks/{task_id}",
        data={
            "csrf_token": csrf_of(page),
            "decision": "resolve",
            "reason": "ร่างไว้ก่อน",
            "action": "draft",
        },
    )
    assert draft.status_code == 302
    assert "ร่างไว้ก่อน" in client.get(f"/staff/tasks/{task_id}").text
    done = client.post(
        f"/staff/tasks/{task_id}",
        data={"csrf_token": csrf_of(page), "decision": "resolve", "reason": "ไกล่เกลี่ยแล้ว"},
    )
    assert done.status_code == 302 and done.headers["Location"] == "/staff/inbox"
    with factory() as session:
        assert session.get(Case, case_id).status != "screening"
        assert session.get(Task, task_id) is None
    assert "ร้องเรียนเสียงดังจากร้านอาหาร" not in client.get("/staff/inbox?tab=mine").text


def test_english_form_errors_after_switching(app, people, open_cases, factory):
    task_id = task_of(factory, open_cases("ทดสอบภาษาอังกฤษ")[0]).id
    client = signed_in(app, "screener")
    client.get("/staff/lang/en")
    page = client.get(f"/staff/tasks/{task_id}").text
    invalid = client.post(
        f"/staff/tasks/{task_id}", data={"csrf_token": csrf_of(page), "decision": "reject"}
    )
    assert invalid.status_code == 422 and "«Reason» is required" in invalid.text


def test_case_workspace_masks_the_complainant_by_role_and_takes_comments(
    app, people, open_cases, factory, clock
):
    complainant = {"name": "สมหญิง รักงาน", "phone": "0812345678", "national_id": "1101700230708"}
    secret = open_cases("ขอปกปิดชื่อผู้ร้อง", confidential=True, complainant=complainant)[0]
    screen_and_refer(factory, clock, people, secret)
    center = signed_in(app, "screener").get(f"/staff/cases/{secret}").text
    assert "สมหญิง รักงาน" in center and "1101700230708" in center
    assert "จะไม่ส่งถึงหน่วยงาน" in center
    agency = signed_in(app, "labour")
    page = agency.get(f"/staff/cases/{secret}").text
    assert "สมหญิง รักงาน" not in page and "0812345678" not in page and "1101700230708" not in page
    assert "ปกปิดตัวตน" in page
    # Timeline in Buddhist Era, comments internal or public.
    assert "2569" in page and "รับเรื่องร้องเรียน" in page
    agency.post(
        f"/staff/cases/{secret}/comments",
        data={"csrf_token": csrf_of(page), "body": "กำลังประสานนายจ้าง", "public": "1"},
    )
    empty = agency.post(
        f"/staff/cases/{secret}/comments", data={"csrf_token": csrf_of(page), "body": " "}
    )
    assert empty.status_code == 422
    with factory() as session:
        note = session.scalar(select(CaseNote).where(CaseNote.kind == "comment"))
        assert note.body == "กำลังประสานนายจ้าง" and note.public
    assert "กำลังประสานนายจ้าง" in agency.get(f"/staff/cases/{secret}").text


def test_navigation_shows_only_what_the_role_may_use(app, people):
    executive = signed_in(app, "executive")
    page = executive.get("/staff/").headers["Location"]
    assert page == "/staff/cases"
    html = executive.get("/staff/cases").text
    assert "/staff/inbox" not in html and "/staff/account" in html
    assert "/staff/inbox" in signed_in(app, "screener").get("/staff/account").text
    assert "/staff/admin/" not in html
    assert "/staff/admin/" in signed_in(app, "admin").get("/staff/account").text
