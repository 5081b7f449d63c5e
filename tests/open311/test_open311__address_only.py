"""An Open311 request located only by an address_string that names no province: accepted,
screened at the central center with the text in front of the screener, who sets the area,
and the area they set decides where the case is referred."""

from __future__ import annotations

import threading

import pytest
import requests
from georeport import GeoReport
from sqlalchemy import select
from werkzeug.serving import make_server

from engine.models import Case, Referral, Task
from tests.admin.conftest import add_official, csrf_of, sign_in
from tests.open311.conftest import report

PLACE = "หน้าปากซอยวัดใหญ่ ใกล้ตลาดเช้า ฝั่งตรงข้ามป้อมยาม"  # names no province
CENTRAL = "ศูนย์ดำรงธรรมกระทรวงมหาดไทย"


@pytest.fixture
def root(app):  # type: ignore[no-untyped-def]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/open311/v2"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def officials(factory):  # type: ignore[no-untyped-def]
    add_official(factory, "central_screener", "central", ["screener"])
    add_official(factory, "cm_screener", "c50", ["screener"])


def staff_client(app, username: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert sign_in(client, username).status_code == 302
    return client


def post_address_only(root: str, api_key: str, output_format: str) -> requests.Response:
    """What a partner app posts when its user typed a place and shared no location."""
    form = report(
        api_key=api_key,
        service_code="police",
        lat=None,
        long=None,
        address_string=PLACE,
        description="มีการลักลอบเล่นการพนันทุกคืนหลังตลาดวาย",
        jurisdiction_id="",  # empty: treated as absent
    )
    return requests.post(f"{root}/requests.{output_format}", data=form, timeout=30)


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_an_address_string_alone_is_accepted_for_central_screening(
    root, factory, api_key, output_format
):
    client = GeoReport(root, jurisdiction="damrongdhamma", output_format=output_format)
    assert "police" in [s["service_code"] for s in client.get_service_list()]
    posted = post_address_only(root, api_key, output_format)
    assert posted.status_code == 201, posted.text
    if output_format == "json":
        [created] = posted.json()
        request_id, token = created["service_request_id"], created["token"]
        assert CENTRAL in created["service_notice"]
    else:
        assert "<service_requests><request><service_request_id>" in posted.text
        request_id = posted.text.split("<service_request_id>")[1].split("<")[0]
        token = posted.text.split("<token>")[1].split("<")[0]
    assert request_id.isdigit() and token

    fetched = client.get_service_request(request_id)
    assert fetched["status"] == "open"
    assert fetched["agency_responsible"] == CENTRAL
    assert not fetched["address_id"]  # no area yet, and the citizen's words are not published
    assert PLACE not in str(fetched)
    with factory() as session:
        case = session.get(Case, int(request_id))
        assert case.center.code == "central" and case.area_code == ""
        assert case.address_text == PLACE and case.status == "screening"


def test_the_central_screener_sees_the_place_sets_the_area_and_the_case_is_routed(
    app, root, factory, api_key, officials
):
    posted = post_address_only(root, api_key, "json")
    case_id = int(posted.json()[0]["service_request_id"])
    with factory() as session:
        task_id = session.scalar(select(Task.id).where(Task.case_id == case_id))

    # A provincial screener neither sees the case nor has its task.
    provincial = staff_client(app, "cm_screener")
    assert "ลักลอบเล่นการพนัน" not in provincial.get("/staff/inbox?tab=unclaimed").text
    assert provincial.get(f"/staff/cases/{case_id}").status_code == 403

    central = staff_client(app, "central_screener")
    inbox = central.get("/staff/inbox?tab=unclaimed").text
    assert "ลักลอบเล่นการพนัน" in inbox
    assert "ยังไม่ระบุพื้นที่" in inbox  # the area column says the place is not set yet
    page = central.get(f"/staff/tasks/{task_id}").text
    assert PLACE in page and "ยังไม่ทราบพื้นที่" in page
    assert 'name="area_code:province"' in page  # the area lists of the screening form
    assert PLACE in central.get(f"/staff/cases/{case_id}").text
    csrf = csrf_of(page)
    central.post(f"/staff/tasks/{task_id}/claim", data={"csrf_token": csrf})

    # Referring without an area, or with an abolished code, is refused beside the field.
    refused = central.post(
        f"/staff/tasks/{task_id}", data={"csrf_token": csrf, "decision": "refer"}
    )
    assert refused.status_code == 422 and "กรุณาระบุพื้นที่ก่อนส่งต่อ" in refused.text
    abolished = central.post(
        f"/staff/tasks/{task_id}",
        data={"csrf_token": csrf, "decision": "refer", "area_code": "100205"},
    )
    assert abolished.status_code == 422 and "102901" in abolished.text
    with factory() as session:
        assert session.get(Case, case_id).area_code == ""
        assert session.scalar(select(Referral).where(Referral.case_id == case_id)) is None

    # The screener reads the place (a Bangkok temple market) and picks the area from the lists.
    done = central.post(
        f"/staff/tasks/{task_id}",
        data={
            "csrf_token": csrf,
            "decision": "refer",
            "area_code:province": "10",
            "area_code:district": "1001",
            "area_code:subdistrict": "100101",
        },
    )
    assert done.status_code == 302, done.text
    with factory() as session:
        case = session.get(Case, case_id)
        assert case.area_code == "100101" and case.status == "referred"
        lead = session.scalar(select(Referral).where(Referral.case_id == case_id))
        # The routing table sends police matters in Bangkok to the Metropolitan Police Bureau.
        assert lead.agency.code == "mpb"
    fetched = GeoReport(root).get_service_request(str(case_id))
    assert fetched["address_id"] == "100101"
    assert fetched["agency_responsible"] == "กองบัญชาการตำรวจนครบาล"


def test_a_blank_address_string_is_no_location(client, factory, api_key):
    response = client.post(
        "/open311/v2/requests.json?lang=en",
        data=report(api_key=api_key, lat=None, long=None, address_string="   "),
    )
    assert response.status_code == 400 and "location" in response.get_json()[0]["description"]
    with factory() as session:
        assert session.scalar(select(Case.id)) is None
