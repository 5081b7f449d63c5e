"""The public directory page is a portal page: Thai unless the visitor chose English, the
portal's header and stylesheet, a search, pages of entries with links that keep the search,
a tel: link for every number; hostile query strings never give a 500 (issue 16, item 12)."""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

import pytest

ENTRY = re.compile(r'<li class="directory-card[^"]*">\s*<h2 class="directory-card__name">([^<]+)<')


def names(page) -> list[str]:  # type: ignore[no-untyped-def]
    assert page.status_code == 200, page.text[:500]
    return ENTRY.findall(page.text)


def test_the_directory_page_is_thai_by_default_and_english_when_chosen(client) -> None:  # type: ignore[no-untyped-def]
    english_browser = {"Accept-Language": "en-US,en;q=0.9"}
    page = client.get("/directory?q=1567", headers=english_browser)
    assert page.status_code == 200
    assert "สมุดรายชื่อหน่วยงานและสายด่วน" in page.text and "ศูนย์ดำรงธรรม" in page.text
    chosen = client.get("/directory?q=1567&lang=en")
    assert "Agency and hotline directory" in chosen.text
    # The choice is kept, as on every portal page.
    assert "Agency and hotline directory" in client.get("/directory").text


def test_the_directory_has_the_portals_header_stylesheet_and_thai_font(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/directory").text
    assert 'class="portal-header"' in page and 'href="/portal/"' in page
    assert 'href="/portal/track"' in page and 'href="/directory?lang=en"' in page
    assert "/portal/static/portal.css" in page and "noto-sans-thai" in page
    assert "<style" not in page  # the portal's stylesheet, no page-local styles to drop


def test_the_first_page_shows_twenty_entries_and_links_to_every_page(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/directory")
    shown = names(page)
    total = int(re.search(r"พบ ([\d,]+) รายการ", page.text)[1].replace(",", ""))
    assert len(shown) == 20 and total > 1000  # every center and agency, twenty at a time
    last = -(-total // 20)
    assert f'href="/directory?page={last}"' in page.text and 'rel="next"' in page.text
    end = client.get(f"/directory?page={last}")
    assert 0 < len(names(end)) <= 20 and 'rel="next"' not in end.text
    assert not set(names(end)) & set(shown)


def test_a_search_is_kept_in_every_page_link(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/directory?q=เชียงใหม่")
    found = names(page)
    assert found[0] == "ศูนย์ดำรงธรรมจังหวัดเชียงใหม่"  # the province named, before its namesakes
    assert "พบ 27 รายการ" in page.text
    following = html.unescape(re.search(r'rel="next" href="([^"]+)"', page.text)[1])
    assert following == "/directory?" + urlencode({"q": "เชียงใหม่", "page": 2})
    second = names(client.get(following))
    assert len(second) == 7 and not set(second) & set(found)
    assert "ศูนย์ดำรงธรรมอำเภอศรีเชียงใหม่" in second  # Nong Khai's, last
    assert 'value="เชียงใหม่"' in client.get(following).text  # the box still holds the words


def test_switching_language_keeps_the_search_and_the_page(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/directory?" + urlencode({"q": "เชียงใหม่", "page": 2, "lang": "th"}))
    switch = html.unescape(re.search(r'<a href="([^"]+)" lang="en"', page.text)[1])
    assert switch == "/directory?" + urlencode({"q": "เชียงใหม่", "page": 2, "lang": "en"})
    english = client.get(switch)
    assert 'value="เชียงใหม่"' in english.text and "ศูนย์ดำรงธรรมอำเภอศรีเชียงใหม่" in english.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("เชียงใหม", "ศูนย์ดำรงธรรมจังหวัดเชียงใหม่"),  # the tone mark left out
        ("เชียง ใหม่", "ศูนย์ดำรงธรรมจังหวัดเชียงใหม่"),  # a space typed inside
        ("แรงงาน", "กระทรวงแรงงาน"),  # inside a name
        ("ค่าจ้าง", "กระทรวงแรงงาน"),  # a service: the agency handling wages
        ("โรงพยาบาล", "กระทรวงสาธารณสุข"),
        ("กระทรวงยุติธรรม", "กรมสอบสวนคดีพิเศษ"),  # a ministry: its departments too
        ("๑๕๖๗", "ศูนย์ดำรงธรรม กระทรวงมหาดไทย"),  # Thai digits
    ],
)
def test_thai_search_finds_offices_by_name_province_ministry_and_service(
    client, query, expected
) -> None:  # type: ignore[no-untyped-def]
    assert expected in names(client.get("/directory", query_string={"q": query}))


def test_every_number_is_a_tel_link_and_every_office_shows_its_address(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/directory?q=เมืองเชียงใหม่&kind=center").text
    card = page.split("ศูนย์ดำรงธรรมอำเภอเมืองเชียงใหม่</h2>")[1].split("</li>")[0]
    assert '<a class="directory-card__tel" href="tel:1567">1567</a>' in card
    assert "ที่ว่าการอำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่" in card
    hotlines = client.get("/directory?kind=hotline").text
    assert 'href="tel:1300"' in hotlines and 'href="tel:191"' in hotlines


def test_nothing_found_says_so_and_offers_the_hotline(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/directory?q=ไม่มีหน่วยงานนี้แน่นอน")
    assert names(page) == [] and "ไม่พบรายการ" in page.text and "1567" in page.text


@pytest.mark.parametrize(
    "query_string",
    [
        "q=" + "ก" * 5000,
        "q=<script>alert(1)</script>",
        "q=%00",
        "q=%25%25%5F%5C",
        "q=" + "%E0%B9%88" * 50,  # tone marks alone
        "page=-1",
        "page=99999",
        "page=abc",
        "page=1e9",
        "page=" + "9" * 40,
        "page=",
        "kind=<b>",
        "kind=hotline&page=99999",
        "area=999999",
        "area=<x>",
        "q=%ED%A0%80",  # a lone surrogate's bytes
        "q[]=1&page[]=2",
        "lang=xx",
    ],
)
def test_hostile_query_strings_never_give_a_500(client, query_string) -> None:  # type: ignore[no-untyped-def]
    page = client.get(f"/directory?{query_string}")
    assert page.status_code in (200, 400), page.status_code
    assert "<script>alert" not in page.text
    if page.status_code == 200:
        assert 'class="portal-header"' in page.text


def test_a_page_past_the_end_shows_the_last_page(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/directory?q=เชียงใหม่&page=99999")
    assert len(names(page)) == 7 and 'aria-current="page" href="/directory?q=' in page.text
    assert names(client.get("/directory?page=-1")) == names(client.get("/directory"))
    assert names(client.get("/directory?page=abc")) == names(client.get("/directory"))


def test_an_unknown_area_code_is_explained(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/directory?area=999999")
    assert page.status_code == 200 and 'role="alert"' in page.text and names(page) == []
