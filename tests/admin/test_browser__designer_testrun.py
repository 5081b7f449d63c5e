"""A test-run in Debian's chromium, as a designer does it: open a test case on a draft, fill the
screening form and refer it, fast-forward past the agency's deadline, and see the path and the
open tasks drawn on the diagram by the case viewer bundle, in Thai, on a desk and on a phone
(no page wider than the screen; nothing refused by the Content-Security-Policy). Screenshots
in /tmp/designer_shots/."""

from __future__ import annotations

import pytest

from tests.admin.test_browser__designer_pages import (
    SHOTS,
    designer,  # noqa: F401  (a fixture)
    fits,
    open_page,
    server,  # noqa: F401  (a fixture)
    thai_drawn,
)
from tests.admin.test_browser__staff import sign_in


@pytest.mark.parametrize(("width", "height"), [(1366, 900), (390, 844)])
def test_a_designer_test_runs_a_draft_and_sees_the_path(  # type: ignore[no-untyped-def]
    browser,
    server,  # noqa: F811
    designer,  # noqa: F811
    width,
    height,
) -> None:
    context, page, problems = open_page(browser, server, width, height)
    sign_in(page, server, designer)
    page.locator("section[data-process=complaint] button", has_text="สร้างร่าง").click()
    page.wait_for_load_state("load")
    draft_id = int(page.url.rsplit("/", 1)[1])
    page.goto(f"{server}/staff/designer/drafts/{draft_id}/test-run")
    assert page.locator("h1").inner_text().startswith("ทดลองเดินกระบวนงาน")
    assert page.locator("tr[data-stored=refer_agency_and_close]").count() == 1
    assert thai_drawn(page) and fits(page)

    with page.expect_navigation(wait_until="load"):
        page.locator("#start-form button[type=submit]").click()
    assert page.locator("#case-status").inner_text() == "screening"
    page.locator("#task-form input[name=decision][value=refer]").check()
    with page.expect_navigation(wait_until="load"):
        page.locator("#complete-task").click()
    assert page.locator("#case-status").inner_text() == "referred"
    assert page.locator("li[data-task=agency_acknowledge]").count() == 1

    page.locator("#time input[name=amount]").fill("5")
    page.locator("#time select[name=unit]").select_option("working_days")
    with page.expect_navigation(wait_until="load"):
        page.locator("#advance").click()
    assert page.locator("li[data-task=supervise]").count() == 1  # the SLA breach escalated
    page.locator(".diagram[data-ready=true]").first.wait_for()
    done = page.locator(".diagram[data-process=complaint] .djs-element.done")
    assert done.count() > 5 and page.locator(".djs-element.active").count() >= 1
    assert fits(page)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"testrun-{width}x{height}.png"), full_page=True)
    assert problems == [], problems
    context.close()
