"""The public contact directory: every center and agency, hotlines, Thai substring search."""

from __future__ import annotations


def names(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.get_json()
    return [item["name_th"] for item in response.get_json()["items"]]


def test_hotlines_are_listed_without_signing_in(client):
    body = client.get("/api/v1/directory?kind=hotline&limit=200").get_json()
    numbers = {item["hotline"] for item in body["items"]}
    assert {"1567", "1111", "1300", "1599"} <= numbers
    assert body["total"] == len(body["items"])


def test_thai_substring_search_finds_names_inside_words(client):
    # "แรงงาน" sits inside "กระทรวงแรงงาน" with no space before it.
    assert "กระทรวงแรงงาน" in names(client.get("/api/v1/directory?q=แรงงาน"))
    centers = names(client.get("/api/v1/directory?q=เชียงใหม่&kind=center&limit=200"))
    assert "ศูนย์ดำรงธรรมจังหวัดเชียงใหม่" in centers
    assert "ศูนย์ดำรงธรรมอำเภอเมืองเชียงใหม่" in centers
    # District centers of the province match through the area they serve.
    items = client.get("/api/v1/directory?q=เชียงใหม่&kind=center&limit=200").get_json()["items"]
    assert all("เชียงใหม่" in i["name_th"] + (i["area_name"] or "") for i in items)
    # The province's center, its 25 districts', and อำเภอศรีเชียงใหม่ in Nong Khai (a substring).
    assert len(items) == 1 + 25 + 1
    assert "c4307" in {i["key"] for i in items}
    assert names(client.get("/api/v1/directory?q=ไม่มีหน่วยงานนี้แน่นอน")) == []


def test_search_by_phone_digits_and_english(client):
    found = client.get("/api/v1/directory?q=1300").get_json()["items"]
    assert any(item["hotline"] == "1300" for item in found)
    thai_digits = client.get("/api/v1/directory?q=๑๕๖๗").get_json()["items"]
    assert any(item["hotline"] == "1567" for item in thai_digits)
    assert "กระทรวงแรงงาน" in names(client.get("/api/v1/directory?q=labour&lang=en"))


def test_an_area_lists_its_centers_and_the_nationwide_bodies(client):
    body = client.get("/api/v1/directory?area=500101&limit=200").get_json()
    keys = {item["key"] for item in body["items"]}
    assert {"c50", "c5001", "mol", "hotline:1567"} <= keys
    assert "c10" not in keys and "c5002" not in keys
    center = next(i for i in body["items"] if i["key"] == "c5001")
    assert center["office_hours"].startswith("จันทร์–ศุกร์ 08:30–16:30")
    assert center["address"] == "ที่ว่าการอำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่"


def test_an_abolished_area_code_is_mapped_to_its_successors(client):
    from geothai.abolished import abolished_areas

    old = next(a for a in abolished_areas() if a.successors)
    body = client.get(f"/api/v1/directory?area={old.code}&kind=center&limit=200").get_json()
    assert body["area_codes"] == list(old.successors)
    assert body["items"], old
    bad = client.get("/api/v1/directory?area=999999")
    assert bad.status_code == 422 and "area" in bad.get_json()["error"]["fields"]


def test_the_public_page_shows_the_directory_in_thai(client):
    page = client.get("/directory?q=1567")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "สมุดรายชื่อหน่วยงานและสายด่วน" in text and "tel:1567" in text
    escaped = client.get("/directory?q=<script>").get_data(as_text=True)
    assert "<script>" not in escaped
