"""POST requests: api_key, location to center, limits, and nothing stored on bad input."""

from __future__ import annotations

from sqlalchemy import func, select

from engine.models import AuditEvent, Case, Task
from open311 import keys
from open311.models import Open311Key
from tests.open311.conftest import report, xml


def count_cases(factory) -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        return session.scalar(select(func.count()).select_from(Case))


def the_case(factory, case_id: str) -> Case:  # type: ignore[no-untyped-def]
    with factory() as session:
        case = session.get(Case, int(case_id))
        case.center  # noqa: B018  (load it before the session closes)
        return case


def test_a_point_in_chiang_mai_goes_to_the_provincial_center_for_screening(
    client, factory, api_key
):
    response = client.post("/open311/v2/requests.json", data=report(api_key=api_key))
    assert response.status_code == 201, response.get_json()
    [created] = response.get_json()
    assert created["token"] and "ศูนย์ดำรงธรรมจังหวัดเชียงใหม่" in created["service_notice"]
    case = the_case(factory, created["service_request_id"])
    assert case.center.code == "c50" and case.area_code == "50"
    assert case.channel == "open311" and (case.lat, case.lon) == (18.79, 98.98)
    assert case.complainant_name == "สมหญิง รักงาน"
    assert case.complainant_phone == "0812345678"  # +66 made a Thai number
    with factory() as session:
        task = session.scalar(select(Task).where(Task.case_id == case.id))
        assert (task.role, task.org_unit_id) == ("screener", case.center_id)
        audit = session.scalar(select(AuditEvent).where(AuditEvent.case_id == case.id))
        assert audit.actor_label == "open311:superapp"  # every use of a key is on record


def test_xml_multipart_and_the_key_in_the_query_string(client, factory, api_key):
    response = client.post(
        f"/open311/v2/requests.xml?api_key={api_key}",
        data=report(lat=None, long=None, address_id="500101"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.data.decode()
    root = xml(response)
    assert root.tag == "service_requests"
    request_id = root.findtext("./request/service_request_id")
    token = root.findtext("./request/token")
    case = the_case(factory, request_id)
    assert case.area_code == "500101" and case.center.code == "c5001"

    found = client.get(f"/open311/v2/tokens/{token}.xml")
    assert xml(found).findtext("./request/service_request_id") == request_id
    assert client.get(f"/open311/v2/tokens/{token}.json").get_json() == [
        {"service_request_id": request_id, "token": token}
    ]
    assert client.get("/open311/v2/tokens/nope.json").status_code == 404


def test_an_address_string_alone_goes_to_its_provinces_center_with_the_text_kept(
    client, factory, api_key
):
    address = "12/3 ถ.นิมมานเหมินท์ ต.สุเทพ อ.เมือง จ.เชียงใหม่"
    response = client.post(
        "/open311/v2/requests.json",
        data=report(api_key=api_key, lat=None, long=None, address_string=address),
    )
    assert response.status_code == 201, response.get_json()
    case = the_case(factory, response.get_json()[0]["service_request_id"])
    assert case.center.code == "c50" and case.address_text == address

    # Text naming no province is screened centrally (test_open311__address_only.py).
    response = client.post(
        "/open311/v2/requests.json",
        data=report(api_key=api_key, lat=None, long=None, address_string="หน้าตลาด"),
    )
    assert response.status_code == 201
    case = the_case(factory, response.get_json()[0]["service_request_id"])
    assert case.center.code == "central" and case.address_text == "หน้าตลาด"


def test_a_key_is_required_and_a_wrong_or_revoked_one_is_403(client, factory, clock, api_key):
    before = count_cases(factory)
    for data in (report(), report(api_key="o311_wrong")):
        response = client.post("/open311/v2/requests.json", data=data)
        assert response.status_code == 403
        assert response.get_json()[0]["code"] == 403
    with factory.begin() as session:
        key_id = session.scalar(select(Open311Key.id).where(Open311Key.name == "superapp"))
        keys.revoke_key(session, clock(), key_id)
    response = client.post("/open311/v2/requests.xml", data=report(api_key=api_key))
    assert response.status_code == 403 and xml(response).findtext("./error/code") == "403"
    assert count_cases(factory) == before


def test_bad_input_gets_precise_400s_and_stores_nothing(client, factory, api_key):
    cases = [
        (report(description="ก" * 5000), "4,000"),
        (report(lat="35.68", long="139.69"), "outside Thailand"),
        (report(lat="18.79", long=None), "lat and long"),
        (report(lat="abc"), "number"),
        (report(service_code="no_such"), "no_such"),
        (report(lat=None, long=None, address_id="100205"), "102901"),  # Bang Sue, abolished
        (report(lat=None, long=None, address_id="5001"), "subdistrict"),
        (report(lat=None, long=None), "location"),
        (report(**{"attribute[consent]": None}), "consent"),
        (report(media_url="javascript:alert(1)"), "media_url"),
        (report(jurisdiction_id="", phone="12"), "phone"),
    ]
    for data, expected in cases:
        response = client.post(
            "/open311/v2/requests.json?lang=en", data={**data, "api_key": api_key}
        )
        assert response.status_code == 400, (expected, response.get_json())
        descriptions = " ".join(e["description"] for e in response.get_json())
        assert expected in descriptions, (expected, descriptions)
    assert count_cases(factory) == 0

    # Without lang the description carries both Thai and English.
    response = client.post(
        "/open311/v2/requests.json", data=report(api_key=api_key, lat="35.68", long="139.69")
    )
    description = response.get_json()[0]["description"]
    assert "นอกประเทศไทย" in description and "outside Thailand" in description


def test_the_spec_limit_of_4000_characters_is_accepted(client, api_key):
    response = client.post(
        "/open311/v2/requests.json", data=report(api_key=api_key, description="ก" * 4000)
    )
    assert response.status_code == 201


def test_each_key_has_its_own_rate_limit(client, factory, clock):
    with factory.begin() as session:
        slow = keys.issue_key(session, clock(), "slowapp", requests_per_minute=2)
    for _ in range(2):
        assert (
            client.post("/open311/v2/requests.json", data=report(api_key=slow)).status_code == 201
        )
    refused = client.post("/open311/v2/requests.json", data=report(api_key=slow))
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert count_cases(factory) == 2
    clock.advance(seconds=61)
    assert client.post("/open311/v2/requests.json", data=report(api_key=slow)).status_code == 201


def test_nul_characters_and_oversize_bodies_are_refused_in_the_spec_shape(client, factory, api_key):
    response = client.post(
        "/open311/v2/requests.xml", data=report(api_key=api_key, service_code="lab\x00our")
    )
    assert response.status_code == 400 and xml(response).findtext("./error/code") == "400"
    response = client.get("/open311/v2/requests.json?service_code=a%00b")
    assert response.status_code == 400 and "NUL" in response.get_json()[0]["description"]
    response = client.post(
        "/open311/v2/requests.json", data={"api_key": api_key, "description": "x" * 3_000_000}
    )
    assert response.status_code == 413 and response.get_json()[0]["code"] == 413
    assert count_cases(factory) == 0


def test_control_characters_in_stored_text_still_make_well_formed_xml(client, factory, api_key):
    text = "ไฟดับทั้งซอย\x01\x1b ตั้งแต่เมื่อวาน"
    refused = client.post(
        "/open311/v2/requests.json", data=report(api_key=api_key, description=text)
    )
    assert refused.status_code == 400  # refused at the edge now (issue 13, finding 15)
    request_id = post_one(client, api_key, **{"attribute[publish]": "true"})
    with factory.begin() as session:  # text stored before control characters were refused
        session.get(Case, int(request_id)).description = text
    root = xml(client.get(f"/open311/v2/requests/{request_id}.xml"))
    assert root.findtext("./request/description").startswith("ไฟดับทั้งซอย")


def post_one(client, api_key, **overrides) -> str:  # type: ignore[no-untyped-def]
    response = client.post("/open311/v2/requests.json", data=report(api_key=api_key, **overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()[0]["service_request_id"]
