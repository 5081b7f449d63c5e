"""The public directory in a real browser (Debian's chromium) on a machine without a Thai system
font: the portal's header, Thai drawn in the served font, a Thai search, pages, cards on a phone
and a grid on a desk — and the search and paging work with JavaScript switched off."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest

from damrong.app import create_app
from damrong.config import Config
from tests.browser import ARGS, CHROMIUM, live_server

FONT = "Noto Sans Thai"
SIZES = {"phone": (390, 844), "desk": (1440, 900)}
# Only Latin system fonts: Thai can come from nowhere but the font the page serves.
NO_THAI_FONTS = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>/usr/share/fonts/truetype/dejavu</dir>
  <cachedir>{cache}</cachedir>
</fontconfig>
"""
SERVED_THAI = """(family) => {
  const h1 = document.querySelector('h1');
  const first = getComputedStyle(h1).fontFamily.split(',')[0].trim().replace(/["']/g, '');
  const loaded = [...document.fonts].some(f => f.family.replace(/["']/g, '') === family
    && f.status === 'loaded');
  return {first, loaded, check: document.fonts.check(`16px "${family}"`, h1.textContent)};
}"""


@pytest.fixture(scope="module")
def latin_only_chromium(browser, tmp_path_factory):  # type: ignore[no-untyped-def]
    """A second chromium from the session's Playwright, seeing no Thai system font."""
    folder = tmp_path_factory.mktemp("fonts")
    conf = folder / "fonts.conf"
    conf.write_text(NO_THAI_FONTS.format(cache=folder / "cache"), encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    if shutil.which("fc-list"):  # the set-up itself: no system font with Thai in it
        listed = subprocess.run(["fc-list", ":lang=th"], env=env, capture_output=True, text=True)
        assert listed.stdout.strip() == "", listed.stdout
    chromium = browser.browser_type.launch(executable_path=str(CHROMIUM), args=ARGS, env=env)
    yield chromium
    chromium.close()


@pytest.fixture
def server(factory, database_url, clock) -> Iterator[str]:  # type: ignore[no-untyped-def]
    app = create_app(Config(database_url=database_url, secret_key="directory"), clock=clock)
    with live_server(app) as url:
        yield url


def _page(chromium, server: str, size: str, javascript: bool = True):  # type: ignore[no-untyped-def]
    width, height = SIZES[size]
    context = chromium.new_context(
        viewport={"width": width, "height": height},
        is_mobile=size == "phone",
        has_touch=size == "phone",
        locale="th-TH",
        base_url=server,
        java_script_enabled=javascript,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


@pytest.mark.parametrize("size", SIZES)
def test_the_directory_looks_like_the_portal_with_thai_in_the_served_font(
    latin_only_chromium, server, size
) -> None:
    page = _page(latin_only_chromium, server, size)
    page.goto("/portal/")
    page.get_by_role("link", name="ค้นหาหน่วยงานและเบอร์ติดต่อ").click()
    page.wait_for_url("**/directory")
    page.evaluate("document.fonts.ready")
    assert page.locator(".portal-header").is_visible()
    assert page.locator(".portal-nav").get_by_role("link", name="ติดตามเรื่อง").is_visible()
    assert page.evaluate(SERVED_THAI, FONT) == {"first": FONT, "loaded": True, "check": True}
    width = SIZES[size][0]
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
    cards = page.locator(".directory-card")
    assert cards.count() == 20
    lefts = {round(cards.nth(i).bounding_box()["x"]) for i in range(6)}
    if size == "phone":
        assert len(lefts) == 1  # one card under another
        assert cards.first.bounding_box()["width"] > width * 0.85
    else:
        assert len(lefts) >= 3  # a grid of cards side by side
    tel = cards.first.locator("a[href^='tel:']")
    assert tel.is_visible() and tel.bounding_box()["height"] >= 40  # a finger can press it
    page.screenshot(path=f"/tmp/damrong-directory-{size}.png", full_page=False)
    page.context.close()


@pytest.mark.parametrize("size", SIZES)
def test_a_thai_search_and_its_pages_work_without_javascript(
    latin_only_chromium, server, size
) -> None:
    page = _page(latin_only_chromium, server, size, javascript=False)
    page.goto("/directory")
    page.locator("#directory-q").fill("เชียงใหม")  # the tone mark left out
    page.get_by_role("button", name="ค้นหา").click()
    page.wait_for_url("**/directory?q=*")
    names = page.locator(".directory-card__name")
    assert names.first.inner_text() == "ศูนย์ดำรงธรรมจังหวัดเชียงใหม่"
    assert "พบ 27 รายการ" in page.locator("#directory-count").inner_text()
    first_page = names.all_inner_texts()
    page.get_by_role("link", name="ถัดไป ›").click()
    page.wait_for_url("**page=2")
    assert page.locator("#directory-q").input_value() == "เชียงใหม"  # the search is kept
    second_page = names.all_inner_texts()
    assert len(second_page) == 7 and not set(second_page) & set(first_page)
    assert page.locator("[aria-current=page]").inner_text() == "2"
    page.get_by_role("link", name="1", exact=True).click()
    page.wait_for_url("**/directory?q=*")
    assert names.all_inner_texts() == first_page
    page.locator("#directory-kind").select_option("hotline")
    page.locator("#directory-q").fill("")
    page.get_by_role("button", name="ค้นหา").click()
    page.wait_for_url("**kind=hotline*")
    assert page.locator(".directory-card a[href='tel:1567']").count() == 1
    page.context.close()
