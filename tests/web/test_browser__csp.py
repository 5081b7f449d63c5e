"""The Content-Security-Policy in a real browser (issue 13, finding 18): the administration still
deletes a row (its confirmation no longer an onclick), the forms' script and the staff pages run,
and a script or handler injected into a page does not."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import delete, select

from damrong.app import create_app
from damrong.config import Config
from engine.models import HolidayOverride
from tests.admin.conftest import PASSWORD
from tests.browser import live_server

DAY = date(2031, 5, 2)
INJECT = """() => {
  const script = document.createElement("script");
  script.textContent = "window.injected = 1";
  document.body.appendChild(script);
  document.body.insertAdjacentHTML("beforeend", '<img src="/none" onerror="window.handled = 1">');
  return new Promise((done) => setTimeout(() => done([window.injected, window.handled]), 300));
}"""


@pytest.fixture
def server(factory, database_url, clock, people) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with live_server(
        create_app(Config(database_url=database_url, secret_key="csp-test"), clock=clock)
    ) as url:
        yield url


@pytest.fixture
def holiday(factory) -> Iterator[date]:  # type: ignore[no-untyped-def]
    with factory.begin() as session:
        session.add(HolidayOverride(day=DAY, working=False, name_th="วันหยุดพิเศษ", name_en="Extra"))
    yield DAY
    with factory.begin() as session:
        session.execute(delete(HolidayOverride).where(HolidayOverride.day == DAY))


def holiday_kept(factory) -> bool:  # type: ignore[no-untyped-def]
    with factory() as session:
        return session.scalar(select(HolidayOverride).where(HolidayOverride.day == DAY)) is not None


def test_the_administration_deletes_a_row_under_the_policy_and_injected_code_does_not_run(
    browser,  # noqa: F811
    server,
    holiday,
    factory,
):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="th-TH")
    context.set_default_timeout(10_000)
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    page.goto(server + "/staff/signin")
    page.fill("#username", "admin")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r".*/staff/(?!signin).*"))

    answers = iter([False, True])  # cancel the first confirmation, accept the second
    page.on("dialog", lambda d: d.accept() if next(answers) else d.dismiss())
    page.goto(server + "/staff/admin/admin_holiday_overrides/")
    assert "vendor/jquery" in page.content()
    page.click("button[data-confirm]")
    page.wait_for_timeout(300)
    assert holiday_kept(factory)  # cancelled: the form was not sent
    page.click("button[data-confirm]")
    page.wait_for_load_state()
    page.wait_for_function("() => !document.querySelector('button[data-confirm]')")
    assert not holiday_kept(factory)
    assert violations == [], violations  # Flask-Admin's own scripts all ran

    page.goto(server + "/staff/intake")
    assert page.evaluate(INJECT) == [None, None]  # injected inline code is refused
    assert any("Content Security Policy" in v for v in violations)
    context.close()


def test_the_forms_script_and_the_portal_map_run_without_violations(browser, server):  # noqa: F811
    context = browser.new_context(viewport={"width": 400, "height": 800}, locale="th-TH")
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    page.goto(server + "/portal/complaint")
    page.wait_for_load_state("networkidle")
    assert violations == [], violations
    assert page.evaluate(INJECT) == [None, None]
    context.close()
