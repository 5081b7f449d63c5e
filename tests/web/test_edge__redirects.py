"""One redirect helper for every `next`: only same-site paths, hostile values fall back home."""

from __future__ import annotations

import pytest

from web.edge import is_same_site_path, safe_next

HOSTILE = [
    "//evil.com",
    "///evil.com",
    "/\\evil.com",
    "\\\\evil.com",
    "/\t/evil.com",  # what ?next=/%09/evil.com arrives as: browsers drop the tab
    "/\n/evil.com",
    "/\r\n/evil.com",
    "/staff/\r\nSet-Cookie: x=1",
    "https:evil.com",
    "https://evil.com",
    "http:/evil.com",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " /staff/",
    "/ /evil.com",
    "/\x00",
    "/\x7f",
    "/\u2028/evil.com",
    "evil.com",
    "",
    None,
    ["/staff/"],
    "/" + "a" * 2001,
]
SAFE = ["/staff/", "/staff/cases?q=abc&page=2", "/staff/%2F%2Fevil.com", "/staff/admin/user/"]


@pytest.mark.parametrize("target", HOSTILE)
def test_hostile_targets_fall_back_to_the_default(target: object) -> None:
    assert not is_same_site_path(target)
    assert safe_next(target, "/home") == "/home"


@pytest.mark.parametrize("target", SAFE)
def test_paths_on_this_site_are_followed(target: str) -> None:
    assert safe_next(target, "/home") == target


def test_thai_in_a_path_is_percent_encoded_for_the_location_header() -> None:
    assert safe_next("/staff/cases?q=ไฟ", "/home") == "/staff/cases?q=%E0%B9%84%E0%B8%9F"
