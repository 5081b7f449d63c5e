"""The link a citizen keeps, in a real browser (issue 16, item 9): served on a port of this
machine with no public address configured, the receipt prints the host the citizen opened
(localhost), not 127.0.0.1:8000; with DAMRONG_BASE_URL it prints that address; a forged Host
header never reaches the page, its links or its redirects."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest

from damrong.app import create_app
from damrong.config import Config
from tests.browser import live_server
from tests.portal.conftest import complaint

PUBLIC = "https://damrong.example.go.th"
SERVED = "http://10.0.0.7:8714"  # where `damrong serve` says it listens
FORGED = "evil.example"


@contextmanager
def serving(database_url, clock, **settings) -> Iterator[str]:  # type: ignore[no-untyped-def]
    config = Config(database_url=database_url, secret_key="public-links", **settings)
    with live_server(create_app(config, clock=clock)) as url:
        yield url


@pytest.fixture
def browser_context(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="th-TH")
    context.set_default_timeout(15_000)
    yield context
    context.close()


def file_complaint(page, base: str) -> str:  # type: ignore[no-untyped-def]
    """File through the portal's form at `base`; returns the link the receipt prints."""
    page.goto(f"{base}/portal/")
    page.get_by_role("link", name="แจ้งเรื่องร้องเรียน").click()
    page.locator("#f-title").fill("ไฟถนนดับทั้งซอย")
    page.locator("#f-description").fill("ไฟถนนในซอยวัดเกตดับมาสองสัปดาห์แล้ว กลางคืนมืดมาก")
    page.locator("#f-category").select_option("local_nuisance")
    page.locator("#f-area_code-province").select_option("50")
    page.locator("#f-area_code-district option[value='5001']").wait_for(state="attached")
    page.locator("#f-area_code-district").select_option("5001")
    page.locator("#f-area_code-subdistrict option[value='500101']").wait_for(state="attached")
    page.locator("#f-area_code-subdistrict").select_option("500101")
    page.locator("#f-consent").check()
    page.get_by_role("button", name="ส่งเรื่องร้องเรียน").click()
    return page.locator("#tracking-link").inner_text()


def test_served_here_the_receipt_links_to_the_host_the_citizen_opened(
    browser_context, factory, database_url, clock
):
    with serving(database_url, clock) as url:
        port = urlsplit(url).port
        local = f"http://localhost:{port}"
        page = browser_context.new_page()
        link = file_complaint(page, local)
        assert link.startswith(f"{local}/portal/t/"), link
        assert "127.0.0.1:8000" not in page.content()
        page.goto(link)  # the kept link opens the case, and the case page prints it again
        assert page.locator("#case-status").is_visible()
        assert page.locator(".portal-link a").inner_text() == link


def test_a_configured_public_address_is_what_the_receipt_prints(
    browser_context, factory, database_url, clock
):
    with serving(database_url, clock, base_url=PUBLIC) as url:
        page = browser_context.new_page()
        link = file_complaint(page, url)
        assert link.startswith(f"{PUBLIC}/portal/t/"), link
        page.goto(url + urlsplit(link).path)
        assert page.locator(".portal-link a").inner_text() == link
        assert url not in page.locator("main").inner_text()


def test_a_forged_host_header_never_reaches_the_page(browser_context, factory, database_url, clock):
    with serving(database_url, clock, served_url=SERVED) as url:
        forged = {"Host": FORGED}
        client = browser_context.request  # Chromium itself will not send another Host
        form = client.get(f"{url}/portal/complaint", headers=forged)
        assert form.status == 200 and FORGED not in form.text()
        token = re.search(r'name="_csrf" value="([^"]+)"', form.text())[1]
        receipt = client.post(
            f"{url}/portal/complaint",
            form=complaint(_csrf=token),
            headers=forged,
            max_redirects=0,
        )
        assert receipt.status == 200, receipt.text()[:2000]
        assert FORGED not in receipt.text() and FORGED not in str(receipt.headers)
        link = re.search(r'id="tracking-link" href="([^"]+)">([^<]+)<', receipt.text())
        assert link[2].startswith(f"{SERVED}/portal/t/"), link[2]  # where damrong serve listens
        case_page = client.get(url + link[1], headers=forged, max_redirects=0)
        assert case_page.status == 200 and FORGED not in case_page.text()
        assert f"{SERVED}/portal/t/" in case_page.text()
        page = browser_context.new_page()  # the citizen opening the same case normally
        page.goto(url + link[1])
        assert FORGED not in page.content()
