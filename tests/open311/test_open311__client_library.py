"""An existing Open311 client library (georeport, from PyPI) against a real local server:
list services, fetch a definition, post a request, fetch it back, in JSON and in XML."""

from __future__ import annotations

import threading

import pytest
import requests
from georeport import GeoReport
from werkzeug.serving import make_server

from tests.open311.conftest import report


@pytest.fixture
def root(app):  # type: ignore[no-untyped-def]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/open311/v2"
    server.shutdown()
    thread.join(timeout=5)


def required_attributes(definition: dict) -> dict[str, str]:
    """What a client form would ask for: the first allowed value of every required attribute."""
    attributes = definition["attributes"]
    attributes = attributes["attribute"] if isinstance(attributes, dict) else attributes
    out = {}
    for attribute in attributes:
        if str(attribute["required"]).lower() == "true":
            values = attribute["values"]
            values = values["value"] if isinstance(values, dict) else values
            first = values[0] if isinstance(values, list) else values
            out[f"attribute[{attribute['code']}]"] = first["key"]
    return out


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_a_client_library_lists_defines_posts_and_fetches_back(root, api_key, output_format):
    client = GeoReport(root, jurisdiction="damrongdhamma", output_format=output_format)
    services = client.get_service_list()
    labour = next(s for s in services if s["service_code"] == "labour")
    assert str(labour["metadata"]).lower() == "true"

    definition = client.get_service_definition("labour")
    attributes = required_attributes(definition)
    assert attributes == {"attribute[consent]": "true"}

    form = {**report(), **attributes, "api_key": api_key, "jurisdiction_id": "damrongdhamma"}
    posted = requests.post(f"{root}/requests.{output_format}", data=form, timeout=30)
    assert posted.ok, posted.text
    if output_format == "json":
        request_id = posted.json()[0]["service_request_id"]
    else:
        request_id = posted.text.split("<service_request_id>")[1].split("<")[0]

    fetched = client.get_service_request(request_id)
    assert fetched["service_request_id"] == request_id
    assert fetched["status"] == "open"
    assert fetched["agency_responsible"] == "ศูนย์ดำรงธรรมจังหวัดเชียงใหม่"
    listed = client.get_service_requests(service_code="labour", status="open")
    listed = listed if isinstance(listed, list) else [listed]
    assert request_id in [r["service_request_id"] for r in listed]


def test_a_bad_key_is_a_403_the_client_sees(root):
    response = requests.post(f"{root}/requests.json", data=report(api_key="nope"), timeout=30)
    assert response.status_code == 403
    assert response.json()[0]["code"] == 403
