"""Discovery, services and service definitions, as Open311 client libraries read them."""

from __future__ import annotations

from portal.open311 import READS_PER_MINUTE
from tests.open311.conftest import xml


def test_discovery_names_the_specification_and_both_formats(client):
    body = client.get("/open311/v2/discovery.json").get_json()
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}

    root = xml(client.get("/open311/v2/discovery.xml"))
    assert root.tag == "discovery"
    formats = [f.text for f in root.findall("./endpoints/endpoint/formats/format")]
    assert set(formats) == {"text/xml", "application/json"}


def test_services_are_the_categories_with_group_and_keywords(client):
    services = client.get("/open311/v2/services.json").get_json()
    labour = next(s for s in services if s["service_code"] == "labour")
    assert labour["service_name"] == "แรงงาน"
    assert labour["group"] == "แรงงานและการจ้างงาน"
    assert "ค่าจ้าง" in labour["keywords"].split(", ")
    assert labour["metadata"] is True and labour["type"] == "realtime"

    english = client.get("/open311/v2/services.json?lang=en").get_json()
    assert next(s for s in english if s["service_code"] == "labour")["service_name"] == "Labour"

    root = xml(client.get("/open311/v2/services.xml"))
    assert root.tag == "services"
    node = next(s for s in root.findall("service") if s.findtext("service_code") == "labour")
    assert node.findtext("group") == "แรงงานและการจ้างงาน"
    assert node.findtext("metadata") == "true"
    assert len(root.findall("service")) == len(services)


def test_a_service_definition_lists_the_intake_forms_attributes(client):
    body = client.get("/open311/v2/services/labour.json").get_json()
    assert body["service_code"] == "labour"
    by_code = {a["code"]: a for a in body["attributes"]}
    assert by_code["consent"]["required"] is True
    assert by_code["consent"]["datatype"] == "singlevaluelist"
    assert [v["key"] for v in by_code["consent"]["values"]] == ["true"]
    assert by_code["occurred_on"]["datatype"] == "datetime"
    assert by_code["title"]["required"] is False
    assert by_code["publish"]["required"] is False  # nothing is public unless agreed
    assert [v["key"] for v in by_code["publish"]["values"]] == ["true", "false"]
    assert [a["order"] for a in body["attributes"]] == sorted(
        a["order"] for a in body["attributes"]
    )

    root = xml(client.get("/open311/v2/services/labour.xml"))
    assert root.tag == "service_definition"
    consent = next(
        a for a in root.findall("./attributes/attribute") if a.findtext("code") == "consent"
    )
    assert consent.findtext("required") == "true"
    assert consent.findtext("./values/value/key") == "true"


def test_unknown_services_and_formats_are_404_in_the_spec_error_shape(client):
    response = client.get("/open311/v2/services/no_such.json")
    assert response.status_code == 404
    [error] = response.get_json()
    assert error["code"] == 404 and "no_such" in error["description"]

    response = client.get("/open311/v2/services/no_such.xml?lang=en")
    assert response.status_code == 404
    root = xml(response)
    assert root.tag == "errors"
    assert root.findtext("./error/code") == "404"
    assert root.findtext("./error/description").startswith("There is no service")

    assert client.get("/open311/v2/services.yaml").status_code == 404


def test_an_unknown_jurisdiction_is_refused_and_an_empty_one_ignored(client):
    assert client.get("/open311/v2/services.json?jurisdiction_id=").status_code == 200
    assert client.get("/open311/v2/services.json?jurisdiction_id=damrongdhamma").status_code == 200
    response = client.get("/open311/v2/services.json?jurisdiction_id=sf.gov")
    assert response.status_code == 404
    assert "sf.gov" in response.get_json()[0]["description"]


def test_keyless_reads_are_limited_per_address(client, clock):
    busy = {"REMOTE_ADDR": "198.51.100.9"}
    for _ in range(READS_PER_MINUTE):
        assert client.get("/open311/v2/services.json", environ_base=busy).status_code == 200
    refused = client.get("/open311/v2/services.xml", environ_base=busy)
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
    assert xml(refused).findtext("./error/code") == "429"
    other = {"REMOTE_ADDR": "198.51.100.10"}
    assert client.get("/open311/v2/services.json", environ_base=other).status_code == 200
    clock.advance(minutes=1)
    assert client.get("/open311/v2/services.json", environ_base=busy).status_code == 200
