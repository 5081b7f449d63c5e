"""The demo world through every demo user's eyes: each page they can reach renders."""

from __future__ import annotations

import re

from damrong import demo

LINK = re.compile(r'href="(/staff/(?:cases|tasks)/\d+)"')


def test_every_demo_user_opens_every_case_and_task_page_they_are_shown(app, factory, clock):
    demo.build(factory, clock)
    for username, _unit, _roles, _name in demo.DEMO_USERS:
        client = app.test_client()
        page = client.get("/staff/signin")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        signed = client.post(
            "/staff/signin",
            data={"username": username, "password": demo.PASSWORD, "csrf_token": token},
        )
        assert signed.status_code == 302, username
        start = client.get("/staff/", follow_redirects=True)
        assert start.status_code == 200, username
        listing = client.get("/staff/cases").text
        seen = set(LINK.findall(listing))
        for tab in ("mine", "unclaimed", "all"):
            inbox = client.get(f"/staff/inbox?tab={tab}")
            if inbox.status_code == 200:
                seen |= set(LINK.findall(inbox.text))
        for url in sorted(seen):
            response = client.get(url)
            assert response.status_code == 200, (username, url, response.status_code)
            assert "ศูนย์ดำรงธรรม" in response.text
        if username == "screener1":
            assert len(seen) >= 8  # every sample case of the district, and its open tasks
        if username in ("labour1", "local1"):
            assert all("/staff/cases/" in u or "/staff/tasks/" in u for u in seen) and seen
