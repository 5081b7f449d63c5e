"""Inbox filters by step, tabs that keep the filters, paging and sorting by due date."""

from __future__ import annotations

import re

from tests.admin.test_inbox__scope import screen_and_refer, signed_in

ROW = re.compile(r'<tr class="sla-[a-z_]+" data-task-id="\d+">.*?</tr>', re.S)


def titles(html: str, *candidates: str) -> list[str]:
    """The candidate titles in the order the inbox rows show them."""
    rows = ROW.findall(html)
    return [c for row in rows for c in candidates if c in row]


def test_a_supervisor_filters_by_step_and_the_tabs_keep_the_filter(
    app, people, open_cases, factory, clock
):
    referred = open_cases("ลูกจ้างไม่ได้รับค่าจ้างตามกำหนด", category="labour")[0]
    open_cases("ขยะล้นถังหน้าตลาด", category="local_nuisance")
    screen_and_refer(factory, clock, people, referred)
    client = signed_in(app, "supervisor")
    everything = client.get("/staff/inbox?tab=all").text
    assert 'value="screen"' in everything and 'value="agency_acknowledge"' in everything
    screening = client.get("/staff/inbox?tab=all&step=screen").text
    assert titles(screening, "ลูกจ้างไม่ได้รับค่าจ้าง", "ขยะล้นถัง") == ["ขยะล้นถัง"]
    assert '<option value="screen" selected>' in screening
    agency = client.get("/staff/inbox?tab=all&step=agency_acknowledge").text
    assert titles(agency, "ลูกจ้างไม่ได้รับค่าจ้าง", "ขยะล้นถัง") == ["ลูกจ้างไม่ได้รับค่าจ้าง"]
    # The counts on the tabs are for the filtered list, and a tab opens with the same filter.
    tab = re.search(r'<a href="([^"]+)" class="tab"\s+data-tab="unclaimed"', agency)
    assert tab and "step=agency_acknowledge" in tab.group(1) and "tab=unclaimed" in tab.group(1)
    assert 'data-tab="unclaimed">งานรอรับของกลุ่ม <span class="count">0<' in agency
    assert "ขยะล้นถัง" not in client.get(tab.group(1).replace("&amp;", "&")).text
    # An agency chosen on the "all" tab still filters the other tabs, so it is shown there too.
    group = client.get("/staff/inbox?tab=unclaimed&agency=mol").text
    assert '<option value="mol" selected>' in group and "ขยะล้นถัง" not in group
    assert '<select name="agency"' not in client.get("/staff/inbox?tab=unclaimed").text


def test_pages_of_25_sorted_by_due_either_way(app, people, open_cases, clock):
    open_cases("เรื่องแรกสุดทดสอบ")
    clock.advance(days=3)
    open_cases(*(f"เรื่องทดสอบหน้าที่ {n:02d}" for n in range(24)))
    clock.advance(days=3)
    open_cases("เรื่องท้ายสุดทดสอบ")
    client = signed_in(app, "screener")
    first = client.get("/staff/inbox?tab=unclaimed").text
    assert len(ROW.findall(first)) == 25 and "หน้า 1 จาก 2" in first
    assert titles(first, "เรื่องแรกสุดทดสอบ", "เรื่องทดสอบหน้าที่ 00")[0] == "เรื่องแรกสุดทดสอบ"
    assert "เรื่องท้ายสุดทดสอบ" not in first
    second = client.get("/staff/inbox?tab=unclaimed&page=2").text
    assert len(ROW.findall(second)) == 1 and "เรื่องท้ายสุดทดสอบ" in second
    latest = client.get("/staff/inbox?tab=unclaimed&sort=-due").text
    assert titles(latest, "เรื่องท้ายสุดทดสอบ", "เรื่องทดสอบหน้าที่ 00")[0] == "เรื่องท้ายสุดทดสอบ"
    assert "เรื่องแรกสุดทดสอบ" not in latest
    next_page = re.search(r'href="([^"]+)">ถัดไป<', latest)
    assert next_page and "sort=-due" in next_page.group(1)  # paging keeps the order
