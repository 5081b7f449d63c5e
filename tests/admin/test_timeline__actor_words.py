"""The case workspace names the complainant in the page's language, never the stored label."""

from __future__ import annotations

from engine.access.rules import Actor
from tests.admin.conftest import sign_in
from tests.engine.helpers import send


def test_the_complainant_is_named_in_thai(app, people, open_cases, factory, clock):
    [case_id] = open_cases("ไฟถนนดับหน้าบ้าน")
    send(factory, clock, Actor.citizen(case_id), case_id, "withdraw", "ตกลงกันได้แล้ว")
    client = app.test_client()
    sign_in(client, "screener")
    page = client.get(f"/staff/cases/{case_id}").text
    timeline = page[page.index('id="timeline"') :]
    assert "· ผู้ร้อง" in timeline and "complainant" not in timeline
