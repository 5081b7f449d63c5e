"""The public directory page is a portal page: Thai unless the visitor chose English."""

from __future__ import annotations


def test_the_directory_page_is_thai_by_default_and_english_when_chosen(client) -> None:  # type: ignore[no-untyped-def]
    english_browser = {"Accept-Language": "en-US,en;q=0.9"}
    page = client.get("/directory?q=1567", headers=english_browser)
    assert page.status_code == 200
    assert "สมุดรายชื่อหน่วยงานและสายด่วน" in page.text and "ศูนย์ดำรงธรรม" in page.text
    chosen = client.get("/directory?q=1567&lang=en")
    assert "Agency and hotline directory" in chosen.text
    # The choice is kept, as on every portal page.
    assert "Agency and hotline directory" in client.get("/directory").text


def test_the_directory_pages_style_carries_the_pages_csp_nonce(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/directory")
    policy = page.headers["Content-Security-Policy"]
    nonce = policy.split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'<style nonce="{nonce}">' in page.text  # else the browser drops the page's styles
