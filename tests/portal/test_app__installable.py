"""The portal installs on a phone: a manifest in the visitor's language, a service worker that
never stores private pages, and an offline page."""

from __future__ import annotations

import pytest

from damrong.app import create_app
from damrong.config import Config


@pytest.fixture
def client(factory, database_url, clock):  # type: ignore[no-untyped-def]
    return create_app(
        Config(database_url=database_url, secret_key="test"), clock=clock
    ).test_client()


def test_the_manifest_names_the_app_in_thai_and_english(client):
    thai = client.get("/portal/manifest.webmanifest")
    assert thai.status_code == 200 and thai.mimetype == "application/manifest+json"
    body = thai.get_json(force=True)
    assert (body["short_name"], body["lang"], body["display"]) == ("ดำรงธรรม", "th", "standalone")
    assert body["start_url"] == "/portal/" and body["scope"] == "/portal/"
    icon = client.get(body["icons"][0]["src"])
    assert icon.status_code == 200 and b"<svg" in icon.data
    english = client.get("/portal/manifest.webmanifest?lang=en").get_json(force=True)
    assert english["lang"] == "en" and "Damrongdhamma" in english["name"]


def test_pages_link_the_manifest_and_the_worker_keeps_private_pages_off_the_device(client):
    home = client.get("/portal/").text
    assert 'rel="manifest"' in home and "data-my-cases" in home
    worker = client.get("/portal/sw.js")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    assert worker.headers["Cache-Control"] == "no-cache"
    source = worker.get_data(as_text=True)
    assert "/portal/offline" in source and "PRIVATE" in source and "t\\/" in source
    offline = client.get("/portal/offline")
    assert offline.status_code == 200 and "1567" in offline.text
