"""Open311's public records show a published description only through the identity filter,
and a confidential complainant's case not at all (issue 13, findings 4 and 5)."""

from __future__ import annotations

import json

from engine.access import numbers
from tests.engine.access.formats import EMAIL, NID, PHONE, national_id_formats, phone_formats
from tests.open311.conftest import report, xml

THIRD_PARTY = "นายสมชาย ใจดี"  # a name after a title, not the complainant's


def _post(client, api_key, **overrides) -> str:  # type: ignore[no-untyped-def]
    response = client.post("/open311/v2/requests.json", data=report(api_key=api_key, **overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()[0]["service_request_id"]


def _published(client, api_key) -> str:  # type: ignore[no-untyped-def]
    description = (
        f"ดิฉันสมหญิง รักงาน ({EMAIL}) โทร {phone_formats()[3]} หรือ {phone_formats()[-1]} "
        f"บัตร {national_id_formats()[2]} หัวหน้าคือ{THIRD_PARTY} โทร 02-123-4567 "
        "นายจ้างไม่จ่ายค่าจ้างสองเดือน"
    )
    return _post(
        client,
        api_key,
        description=description,
        phone=PHONE,
        email=EMAIL,
        **{"attribute[publish]": "true"},
    )


def _leaks(text: str) -> list[str]:
    found = [w for w in ("สมหญิง", "รักงาน", "somying", "สมชาย", "ใจดี", "4567") if w in text]
    return found + [n.digits for n in numbers.find(text, [PHONE, NID]) if n.kind != "phone"]


def test_a_published_description_reaches_the_public_only_through_the_filter(client, api_key):
    request_id = _published(client, api_key)
    [record] = client.get(f"/open311/v2/requests/{request_id}.json").get_json()
    assert "นายจ้างไม่จ่ายค่าจ้างสองเดือน" in record["description"]  # the complaint itself stays
    assert not _leaks(record["description"]), record["description"]
    listed = client.get("/open311/v2/requests.json").get_json()
    assert not _leaks(json.dumps(listed, ensure_ascii=False))
    root = xml(client.get("/open311/v2/requests.xml"))
    assert not _leaks("".join(root.itertext()))


def test_a_confidential_case_is_in_no_public_list_nor_found_by_its_id(client, api_key):
    public = _post(client, api_key)
    hidden = _post(client, api_key, **{"attribute[confidential]": "true"})
    listed = [r["service_request_id"] for r in client.get("/open311/v2/requests.json").get_json()]
    assert public in listed and hidden not in listed
    by_ids = client.get(f"/open311/v2/requests.json?service_request_id={hidden},{public}")
    assert [r["service_request_id"] for r in by_ids.get_json()] == [public]
    assert client.get(f"/open311/v2/requests/{hidden}.json").status_code == 404
    assert client.get(f"/open311/v2/requests/{hidden}.xml").status_code == 404
