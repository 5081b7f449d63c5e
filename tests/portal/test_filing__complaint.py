"""Filing a complaint from the portal: receipt, validation beside fields, CSRF, bots, limits."""

from __future__ import annotations

import base64
import re
import zlib

from sqlalchemy import func, select

from engine.models import AuditEvent, Case, OutboxMessage
from tests.portal.conftest import complaint, csrf


def _file(client, **overrides: object) -> int:  # type: ignore[no-untyped-def]
    """File one complaint with a fresh form token; the status of the answer (200: the receipt)."""
    token = csrf(client)
    return client.post(
        "/portal/complaint", data={**complaint(**overrides), "_csrf": token}
    ).status_code


def _count(factory) -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        return session.scalar(select(func.count()).select_from(Case))


def test_the_form_is_thai_by_default_and_english_on_request(client) -> None:
    page = client.get("/portal/complaint").get_data(as_text=True)
    assert "แจ้งเรื่องร้องเรียน" in page and "ประเภทเรื่อง" in page and "จังหวัด" in page
    assert 'name="website"' in page and 'name="_csrf"' in page
    english = client.get("/portal/complaint?lang=en").get_data(as_text=True)
    assert "File a complaint" in english and "Category" in english
    # The choice is remembered.
    assert "Send the complaint" in client.get("/portal/complaint").get_data(as_text=True)


def test_a_complaint_is_opened_and_the_receipt_shown_once(client, factory) -> None:
    token = csrf(client)
    shown = client.post("/portal/complaint", data={**complaint(), "_csrf": token})
    assert shown.status_code == 200  # the receipt is the answer itself
    assert shown.headers["Cache-Control"] == "no-store"
    assert shown.headers["Referrer-Policy"] == "same-origin"
    receipt = shown.get_data(as_text=True)
    code = re.search(r'id="tracking-code">([^<]+)<', receipt)[1]
    secret = re.search(r'id="tracking-secret">([^<]+)<', receipt)[1]
    assert re.search(
        r'id="tracking-link" href="/portal/t/[^"]+">http://portal\.test/portal/t/', receipt
    )
    with factory() as session:
        case = session.scalar(select(Case).where(Case.tracking_code == code))
        assert case.channel == "web" and case.area_code == "500101"
        assert case.complainant_name == "สมหญิง รักดี" and case.complainant_phone == "0812345678"
        assert case.category_code == "local_nuisance" and not case.anonymous
    assert len(secret) == 8
    with factory() as session:  # the receipt also goes out by the channel they gave
        sent = session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case.id))
        assert ("case_received", f"complainant:{case.id}") in {(m.event, m.recipient) for m in sent}
    # Shown once: the receipt address shows nothing, and sending the form again (a reload)
    # files nothing twice: its form token was used up.
    again = client.get("/portal/receipt")
    assert again.status_code == 303 and secret not in again.get_data(as_text=True)
    resent = client.post("/portal/complaint", data={**complaint(), "_csrf": token})
    assert resent.status_code == 400 and secret not in resent.get_data(as_text=True)
    assert _count(factory) == 1


def test_the_session_cookie_never_carries_the_citizen_secret(client) -> None:
    token = csrf(client)
    shown = client.post("/portal/complaint", data={**complaint(), "_csrf": token})
    secret = re.search(r'id="tracking-secret">([^<]+)<', shown.get_data(as_text=True))[1]
    cookies = " ".join(shown.headers.getlist("Set-Cookie"))
    assert secret not in cookies
    cookie = client.get_cookie("session")
    if cookie is not None:  # what the signed (not encrypted) session cookie holds, decoded
        value = cookie.value
        stored = base64.urlsafe_b64decode(value.lstrip(".").split(".")[0] + "==")
        stored = zlib.decompress(stored) if value.startswith(".") else stored
        assert secret.encode() not in stored


def test_missing_fields_are_explained_beside_each_and_typed_text_is_kept(client, factory) -> None:
    token = csrf(client)
    data = complaint(title="ไฟ", category="", consent=None, **{"area_code:province": ""})
    response = client.post("/portal/complaint", data={**data, "_csrf": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and _count(factory) == 0
    assert 'id="f-title-error"' in page and "«เรื่อง» ต้องมีอย่างน้อย 5 ตัวอักษร" in page
    assert 'id="f-category-error"' in page and "กรุณากรอก «ประเภทเรื่อง»" in page
    assert 'id="f-area_code-error"' in page and 'id="f-consent-error"' in page
    assert "กรุณายอมรับ" in page
    assert 'value="ไฟ"' in page and "ไฟถนนในซอยวัดเกตดับมาสองสัปดาห์แล้ว" in page
    assert 'value="0812345678"' in page


def test_errors_in_english(client) -> None:
    client.get("/portal/complaint?lang=en")
    token = csrf(client)
    page = client.post("/portal/complaint", data={**complaint(title=""), "_csrf": token}).get_data(
        as_text=True
    )
    assert "«Title» is required" in page


def test_a_description_over_the_web_limit_is_refused(client, factory) -> None:
    token = csrf(client)
    data = complaint(description="ก" * 5001)
    page = client.post("/portal/complaint", data={**data, "_csrf": token}).get_data(as_text=True)
    assert "ยาวเกิน 5,000 ตัวอักษร (ส่งมา 5,001)" in page and _count(factory) == 0


def test_a_post_without_the_csrf_token_changes_nothing(client, factory) -> None:
    client.get("/portal/complaint")
    response = client.post("/portal/complaint", data=complaint())
    assert response.status_code == 400 and "หมดอายุ" in response.get_data(as_text=True)
    response = client.post("/portal/complaint", data={**complaint(), "_csrf": "forged"})
    assert response.status_code == 400 and _count(factory) == 0


def test_robots_filling_the_hidden_field_are_turned_away(client, factory) -> None:
    token = csrf(client)
    data = {**complaint(), "_csrf": token, "website": "http://spam.example"}
    assert client.post("/portal/complaint", data=data).status_code == 400
    assert _count(factory) == 0


def test_one_phone_may_file_ten_an_hour(client, factory, clock) -> None:
    token = csrf(client)
    for _ in range(3):  # corrections do not count
        assert (
            client.post(
                "/portal/complaint", data={**complaint(title=""), "_csrf": token}
            ).status_code
            == 422
        )
    for _ in range(10):  # each receipt uses its form token up: the next form has a new one
        assert _file(client) == 200
    refused = client.post("/portal/complaint", data={**complaint(), "_csrf": csrf(client)})
    assert refused.status_code == 429 and "1567" in refused.get_data(as_text=True)
    assert _count(factory) == 10
    clock.advance(hours=1, minutes=1)
    assert _file(client) == 200


def test_anonymous_complainants_leave_no_name(client, factory) -> None:
    assert _file(client, anonymous="true", confidential="true") == 200
    with factory() as session:
        case = session.scalars(select(Case)).one()
        assert case.anonymous and case.confidential and case.complainant_name is None
        assert case.complainant_phone == "0812345678"  # kept only to send updates


def test_the_description_is_public_only_where_the_complainant_agreed(client, factory) -> None:
    page = client.get("/portal/complaint").get_data(as_text=True)
    assert 'name="publish"' in page and "ยินยอมให้แสดงรายละเอียดเรื่องต่อสาธารณะ" in page
    for title, extra in (("เงียบไว้", {}), ("เปิดเผยได้", {"publish": "true"})):
        description = f"{title}: ไฟถนนในซอยวัดเกตดับมาสองสัปดาห์แล้ว"
        assert _file(client, title=title, description=description, **extra) == 200
    with factory() as session:
        ids = {c.title: str(c.id) for c in session.scalars(select(Case))}
        assert [c.publish_details for c in session.scalars(select(Case).order_by(Case.id))] == [
            False,
            True,
        ]
    records = {r["service_request_id"]: r for r in client.get("/open311/v2/requests.json").json}
    assert records[ids["เงียบไว้"]]["description"] is None
    assert records[ids["เปิดเผยได้"]]["description"].startswith("เปิดเผยได้:")
    assert "สมหญิง" not in str(records)  # the name never, agreed or not


def test_without_javascript_the_district_list_comes_from_the_server(client, factory) -> None:
    token = csrf(client)
    data = complaint(
        **{"area_code:district": None, "area_code:subdistrict": None}, _refresh="area_code"
    )
    response = client.post("/portal/complaint", data={**data, "_csrf": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and _count(factory) == 0
    assert '<option value="5001">เมืองเชียงใหม่</option>' in page
    assert 'class="form-error"' not in page  # asking for the list is not a mistake
    assert 'value="ไฟถนนดับทั้งซอย"' in page


def test_the_case_is_recorded_as_opened_from_the_web(client, factory) -> None:
    token = csrf(client)
    client.post("/portal/complaint", data={**complaint(), "_csrf": token})
    with factory() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "opened")).one()
        assert event.detail == {"channel": "web"} and event.actor_label == "complainant"


def test_a_pin_outside_thailand_and_an_abolished_area_are_explained(client, factory) -> None:
    token = csrf(client)
    data = {**complaint(lat="51.5", lon="-0.12"), "_csrf": token}
    page = client.post("/portal/complaint", data=data).get_data(as_text=True)
    assert "«ละติจูด» ต้องไม่มากกว่า 21" in page and "«ลองจิจูด» ต้องไม่น้อยกว่า 97" in page
    abolished, successor = "100205", "102901"  # a Bangkok แขวง split off into a new เขต
    data = {
        **complaint(**{f"area_code:{p}": None for p in ("province", "district", "subdistrict")}),
        "area_code": abolished,
        "_csrf": token,
    }
    response = client.post("/portal/complaint", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and f"รหัสพื้นที่ {abolished} ถูกยกเลิกแล้ว" in page
    assert f"ใช้ {successor} แทน" in page and 'id="f-area_code-error"' in page
    assert _count(factory) == 0


def test_the_start_page_styles_map_and_front_end_files(client) -> None:
    assert "แจ้งเรื่องร้องเรียน" in client.get("/portal/").get_data(as_text=True)
    assert client.get("/portal/forms.css").headers["Content-Type"].startswith("text/css")
    geo = client.get("/portal/provinces.geojson")
    assert geo.status_code == 200 and geo.get_json()["type"] == "FeatureCollection"
    assert client.get("/portal/vendor/leaflet/dist/leaflet.js").status_code == 200
    for path in ("leaflet/package.json", "leaflet/../../pyproject.toml", "left-pad/index.js"):
        assert client.get(f"/portal/vendor/{path}").status_code == 404
    assert client.get("/portal/receipt").status_code == 303  # nothing to show


def test_an_unknown_category_is_named_beside_the_list(client, factory) -> None:
    token = csrf(client)
    response = client.post(
        "/portal/complaint", data={**complaint(category="ufo_sighting"), "_csrf": token}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="f-category-error"' in page
    assert "ไม่พบประเภทเรื่อง «ufo_sighting»" in page and _count(factory) == 0
