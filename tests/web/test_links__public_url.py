"""Absolute links (receipts, the case page, messages) carry the public address: the configured
one, else the visitor's host only when it is allowed; a forged Host never reaches a link, a
redirect or a message (issue 16, item 9)."""

from __future__ import annotations

import re
import socket

import pytest

from damrong.app import create_app
from damrong.cli import _served_at
from damrong.config import Config
from notifications.dispatcher import dispatch_outbox
from tests.admin import conftest as staff_fixtures
from tests.admin.conftest import csrf_of
from tests.engine.helpers import open_case
from tests.notifications import conftest as notification_fixtures
from tests.portal.conftest import complaint, csrf

people = staff_fixtures.people  # officials who sign in with the demo password
smtp_sink = notification_fixtures.smtp_sink  # an SMTP server on loopback

PUBLIC = "https://damrong.example.go.th"
SERVED = "http://10.0.0.7:8714"
FORGED = "evil.example"
CITIZEN = {"name": "สมหญิง รักงาน", "email": "somying@example.com"}
URL = re.compile(r"https?://[^\s\"'<>]+")


def _app(database_url, clock, **settings):  # type: ignore[no-untyped-def]
    config = Config(database_url=database_url, secret_key="test", **settings)
    return create_app(config, clock=clock)


def _staff_receipt(app, host: str) -> str:  # type: ignore[no-untyped-def]
    client = app.test_client()
    base = f"http://{host}"
    page = client.get("/staff/signin", base_url=base).text
    client.post(
        "/staff/signin",
        data={"username": "intake", "password": "damrong1567", "csrf_token": csrf_of(page)},
        base_url=base,
    )
    form = client.get("/staff/intake", base_url=base).text
    data = {
        "csrf_token": csrf_of(form),
        "channel": "phone",
        "title": "น้ำประปาไม่ไหลทั้งหมู่บ้าน",
        "description": "น้ำประปาไม่ไหลมาสามวันแล้ว ชาวบ้านเดือดร้อนมาก",
        "category": "local_nuisance",
        "area_code:province": "50",
        "area_code:district": "5001",
        "area_code:subdistrict": "500101",
        "complainant.name": "สมชาย ใจดี",
        "consent": "true",
    }
    receipt = client.post("/staff/intake", data=data, base_url=base)
    assert receipt.status_code == 200, receipt.text[:2000]
    return receipt.text


def _portal_link(app, host: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """The link the citizen's receipt prints, and the same link on the case page it opens."""
    client = app.test_client()
    base = f"http://{host}"
    form = client.get("/portal/complaint", base_url=base).text
    token = re.search(r'name="_csrf" value="([^"]+)"', form)[1]
    receipt = client.post(
        "/portal/complaint", data=complaint(_csrf=token), base_url=base, follow_redirects=True
    )
    assert receipt.status_code == 200, receipt.text[:2000]
    found = re.search(r'id="tracking-link" href="([^"]+)">([^<]+)<', receipt.text)
    path, link = found[1], found[2]
    page = client.get(path, base_url=base)
    assert page.status_code == 200
    on_case_page = re.search(r'class="portal-link">.*?<a href="[^"]+">([^<]+)<', page.text, re.S)
    return link, on_case_page[1]


def test_a_configured_public_address_is_on_every_link_whatever_the_host(
    people, factory, database_url, clock
):
    app = _app(database_url, clock, base_url=PUBLIC)
    for host in ("localhost", "10.0.0.7:8714", FORGED):
        staff_page = _staff_receipt(app, host)
        assert f"{PUBLIC}/portal/track" in staff_page, host
        receipt_link, case_link = _portal_link(app, host)
        assert receipt_link.startswith(f"{PUBLIC}/portal/t/"), receipt_link
        assert case_link == receipt_link
        assert FORGED not in staff_page + receipt_link


def test_a_message_the_scheduler_sends_carries_the_configured_address(
    factory, clock, staff, smtp_sink, monkeypatch
):
    monkeypatch.setenv("DAMRONG_BASE_URL", PUBLIC)
    monkeypatch.setenv("DAMRONG_SERVED_URL", SERVED)  # the configured address wins over it
    monkeypatch.setenv("DAMRONG_SMTP_URL", smtp_sink.url)
    _case_id, code, _secret = open_case(factory, clock, staff["intake"], complainant=CITIZEN)

    dispatch_outbox(factory, clock)  # as the scheduler runs it: settings from the environment

    [mail] = smtp_sink.box.messages
    assert f"{PUBLIC}/portal/track?code={code}" in mail.get_body(("plain",)).get_content()


def test_without_one_links_use_the_visitors_host_when_it_is_allowed(
    people, factory, database_url, clock
):
    listed = _app(database_url, clock, allowed_hosts="damrong.local, .moi.go.th")
    for host in ("damrong.local:8080", "center.moi.go.th"):
        assert f"http://{host}/portal/track" in _staff_receipt(listed, host)
        receipt_link, case_link = _portal_link(listed, host)
        assert receipt_link.startswith(f"http://{host}/portal/t/") and case_link == receipt_link
    # By default: the address served (what `damrong serve` prints), localhost and 127.0.0.1.
    default = _app(database_url, clock, served_url=SERVED)
    for host in ("10.0.0.7:8714", "localhost:8000", "127.0.0.1:5000"):
        assert f"http://{host}/portal/track" in _staff_receipt(default, host)
        assert _portal_link(default, host)[0].startswith(f"http://{host}/portal/t/")


@pytest.mark.parametrize(
    "host",
    [FORGED, f"{FORGED}:8714", f"10.0.0.7.{FORGED}", "moi.go.th.evil.example", "damrong.local"],
)
def test_a_forged_host_never_reaches_a_link_or_a_redirect(
    people, factory, database_url, clock, host
):
    app = _app(database_url, clock, served_url=SERVED, allowed_hosts="10.0.0.7, .moi.go.th")
    staff_page = _staff_receipt(app, host)
    assert f"{SERVED}/portal/track" in staff_page  # the address served instead
    receipt_link, case_link = _portal_link(app, host)
    assert receipt_link.startswith(f"{SERVED}/portal/t/") and case_link == receipt_link
    client = app.test_client()
    base = f"http://{host}"
    answers = [
        client.get("/", base_url=base, headers={"Accept": "text/html"}),
        client.get("/staff/", base_url=base),
        client.get("/staff/inbox", base_url=base),
        client.get("/portal/receipt", base_url=base),
        client.post(
            "/portal/track",
            data={"code": "0000-0000-000", "secret": "x", "_csrf": csrf(client)},
            base_url=base,
        ),
        client.get("/open311/v2/discovery.json", base_url=base),
        client.get("/directory?q=1567", base_url=base),
    ]
    for answer in answers:
        assert answer.status_code < 500
        headers = " ".join(f"{k}: {v}" for k, v in answer.headers.items())
        assert "evil" not in headers and "damrong.local" not in headers, headers
        assert not [u for u in URL.findall(answer.text) if "evil" in u or "damrong.local" in u]
    assert f"{SERVED}/open311/v2" in answers[5].text


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_without_one_the_scheduler_of_damrong_serve_uses_the_address_it_serves(
    factory, clock, staff, smtp_sink, monkeypatch
):
    for name in PUBLIC_ADDRESS_VARIABLES:
        monkeypatch.setenv(name, "")  # restored after the test; none configured
    monkeypatch.setenv("DAMRONG_SMTP_URL", smtp_sink.url)
    port = _free_port()
    _served_at(Config(), "127.0.0.1", port)  # what `damrong serve` does before its scheduler starts
    _case_id, code, _secret = open_case(factory, clock, staff["intake"], complainant=CITIZEN)

    dispatch_outbox(factory, clock)  # the scheduler's job, settings read from the environment

    mails = _mail_to(smtp_sink, CITIZEN["email"])
    assert mails
    text = mails[0].get_body(("plain",)).get_content()
    assert f"http://127.0.0.1:{port}/portal/track?code={code}" in text


def _mail_to(sink, address: str) -> list:  # type: ignore[no-untyped-def]
    pairs = zip(list(sink.box.messages), list(sink.box.recipients), strict=False)
    return [mail for mail, recipients in pairs if address in recipients]


PUBLIC_ADDRESS_VARIABLES = ("DAMRONG_BASE_URL", "DAMRONG_PUBLIC_URL", "DAMRONG_SERVED_URL")


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("localhost", True),
        ("LOCALHOST:8000", True),
        ("[::1]:8000", True),
        ("127.0.0.1", True),
        ("10.0.0.7:8714", True),
        ("127.0.0.1.evil.example", False),
        ("localhost.evil.example", False),
        ("evil.example#@localhost", False),
        ("localhost:8000@evil.example", False),
        ("localhost:abc", False),
        ("", False),
        ("a" * 300, False),
    ],
)
def test_only_the_allowed_hosts_pass(host, allowed) -> None:  # type: ignore[no-untyped-def]
    from web.links import default_hosts, host_allowed

    assert host_allowed(host, default_hosts(SERVED)) is allowed
