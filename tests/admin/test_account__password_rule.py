"""The account page states the password rule the engine enforces."""

from __future__ import annotations

from engine.access.accounts import MIN_PASSWORD
from tests.admin.conftest import sign_in


def test_the_change_password_form_states_the_minimum_the_engine_checks(app, people):  # type: ignore[no-untyped-def]
    client = app.test_client()
    sign_in(client, "screener")
    page = client.get("/staff/account").text
    assert f"อย่างน้อย {MIN_PASSWORD} ตัวอักษร" in page
