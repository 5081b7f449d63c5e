"""Comparing two versions side by side, server side: the compare JSON the diagrams are drawn from
(each version's files, the ids to colour per file, the same changes the page's tables list), the
process page that holds the two viewers, and the library's decision tables. Designers and
administrators only; a wrong from/to or a version that does not exist is told, never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.access.rules import Actor
from engine.models import User
from tests.admin.conftest import add_official, sign_in

TASKS_V1 = [("receive", "รับเรื่อง"), ("check", "ตรวจสอบข้อเท็จจริง"), ("reply", "ตอบผู้ร้อง")]
TASKS_V2 = [("receive", "รับเรื่องร้องเรียน"), ("reply", "ตอบผู้ร้อง"), ("notify", "แจ้งหน่วยงาน")]
PROCESS = "water_supply"


def process_xml(tasks: list[tuple[str, str]], end_shift: int = 0) -> str:
    """start → each task in turn → end, laid out left to right (the end `end_shift` further)."""
    steps = ["start", *(t for t, _ in tasks), "end"]
    flows = list(zip(steps, steps[1:], strict=False))
    refs = "".join(f"<bpmn:flowNodeRef>{s}</bpmn:flowNodeRef>" for s in steps)
    lane = f'<bpmn:lane id="lane" name="screener">{refs}</bpmn:lane>'
    nodes = [f'<bpmn:laneSet id="lanes">{lane}</bpmn:laneSet>']
    nodes += ['<bpmn:startEvent id="start" name="เริ่ม"/>']
    nodes += [f'<bpmn:task id="{t}" name="{n}"/>' for t, n in tasks]
    nodes += ['<bpmn:endEvent id="end" name="จบ"/>']
    nodes += [
        f'<bpmn:sequenceFlow id="f_{a}_{b}" sourceRef="{a}" targetRef="{b}"/>' for a, b in flows
    ]  # noqa: E501
    x = {s: 100 + 170 * i + (end_shift if s == "end" else 0) for i, s in enumerate(steps)}
    shapes = []
    for step in steps:
        w, h, y = (36, 36, 142) if step in ("start", "end") else (120, 80, 120)
        shapes.append(
            f'<bpmndi:BPMNShape id="{step}_di" bpmnElement="{step}">'
            f'<dc:Bounds x="{x[step]}" y="{y}" width="{w}" height="{h}"/></bpmndi:BPMNShape>'
        )
    for a, b in flows:
        right = x[a] + (36 if a == "start" else 120)
        shapes.append(
            f'<bpmndi:BPMNEdge id="f_{a}_{b}_di" bpmnElement="f_{a}_{b}">'
            f'<di:waypoint x="{right}" y="160"/><di:waypoint x="{x[b]}" y="160"/></bpmndi:BPMNEdge>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
        'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
        'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '
        f'id="Definitions_{PROCESS}" targetNamespace="http://bpmn.io/schema/bpmn">'
        f'<bpmn:process id="{PROCESS}" name="น้ำประปา" isExecutable="true">{"".join(nodes)}'
        f'</bpmn:process><bpmndi:BPMNDiagram id="d">'
        f'<bpmndi:BPMNPlane id="p" bpmnElement="{PROCESS}">'
        f"{''.join(shapes)}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram></bpmn:definitions>"
    )


def two_versions(factory, clock) -> None:  # type: ignore[no-untyped-def]
    """water_supply v1 and v2 (stored by an administrator): v2 renames `receive`, removes
    `check`, adds `notify`, and only moves the end event."""
    from engine.workflow import catalog

    with factory.begin() as session:
        admin = Actor.for_user(session.scalar(select(User).where(User.username == "admin")))
        for tasks, shift in ((TASKS_V1, 0), (TASKS_V2, 60)):
            files = {f"{PROCESS}.bpmn": process_xml(tasks, shift)}
            catalog.deploy(session, clock(), admin, files, process_id=PROCESS, draft=True)


@pytest.fixture
def world(people, factory, clock):  # type: ignore[no-untyped-def]
    add_official(factory, "designer1", "central", ["designer"])
    two_versions(factory, clock)
    return people


def signed_in(app, username: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert sign_in(client, username).status_code == 302
    return client


URL = f"/staff/designer/processes/{PROCESS}/compare.json"


def test_the_compare_json_gives_both_versions_and_the_ids_to_colour(app, world):
    client = signed_in(app, "designer1")
    answer = client.get(f"{URL}?from=1&to=2")
    assert answer.status_code == 200, answer.text
    body = answer.get_json()
    assert (body["from"]["version"], body["to"]["version"]) == (1, 2)
    assert body["diagrams"] == [f"{PROCESS}.bpmn"]
    assert 'name="รับเรื่อง"' in body["from"]["files"][f"{PROCESS}.bpmn"]
    assert 'name="รับเรื่องร้องเรียน"' in body["to"]["files"][f"{PROCESS}.bpmn"]
    marks = body["marks"][f"{PROCESS}.bpmn"]
    assert marks["added"] == ["notify"] and marks["removed"] == ["check"]
    assert "receive" in marks["changed"] and "end" not in marks["changed"]  # the end only moved
    # The same comparison as the page's tables.
    assert [e["element"] for e in body["changes"]["added"]] == ["notify"]


def test_the_process_page_holds_the_two_diagrams_and_rows_that_point_at_them(app, world):
    client = signed_in(app, "designer1")
    page = client.get(f"/staff/designer/processes/{PROCESS}?from=1&to=2").text
    assert f'data-src="{URL}?from=1&amp;to=2"' in page
    assert "รุ่น 1 (เดิม)" in page and "รุ่น 2 (ใหม่)" in page
    assert "ย้ายตำแหน่ง/รูปแบบเท่านั้น" in page  # the legend, in Thai
    assert 'data-compare-element="notify"' in page and 'data-compare-element="check"' in page
    assert "build/compare.js" in page and "build/compare.css" in page
    plain = client.get(f"/staff/designer/processes/{PROCESS}").text  # nothing chosen yet
    assert "compare-view" not in plain and "build/compare.js" not in plain


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("", 422, "from"),
        ("?from=1", 422, "to"),
        ("?from=abc&to=2", 422, "from"),
        ("?from=1&to=-2", 422, "to"),
        ("?from=0&to=2", 422, "from"),
        ("?from=1&to=99999999999999999999", 422, "to"),
        ("?from=1&to=%E0%B9%91", 422, "to"),  # a Thai digit
        ("?from=2&to=2", 422, "to"),
        ("?from=1&to=7", 404, None),
        ("?from=1&to=2147483647", 404, None),
    ],
)
def test_a_wrong_from_or_to_is_told_and_never_a_500(app, world, query, status, field):
    client = signed_in(app, "designer1")
    answer = client.get(URL + query)
    assert answer.status_code == status, answer.text
    error = answer.get_json()["error"]
    if field:
        assert field in error["fields"] and error["fields"][field]
        assert "รุ่น" in error["fields"][field]  # Thai by default
    client.get("/staff/lang/en")
    english = client.get(URL + query).get_json()["error"]
    assert english["message"] and (not field or "version" in english["fields"][field])


def test_a_process_that_does_not_exist_is_not_found(app, world):
    client = signed_in(app, "designer1")
    for process_id in ("nothing_here", "x" * 300, "<script>alert(1)</script>"):
        answer = client.get(f"/staff/designer/processes/{process_id}/compare.json?from=1&to=2")
        assert answer.status_code == 404, (process_id, answer.status_code)
        assert "<script>" not in answer.text


@pytest.mark.parametrize("username", ["intake", "screener", "supervisor", "executive", "labour"])
def test_other_roles_are_refused_before_anything_is_read(app, world, username):
    client = signed_in(app, username)
    answer = client.get(f"{URL}?from=1&to=2")
    assert answer.status_code == 403
    assert "files" not in answer.text and "<bpmn" not in answer.text
    assert client.get(f"{URL}?from=abc").status_code == 403  # who asks before what they sent


def test_signed_out_the_compare_json_sends_to_sign_in(app, world):
    answer = app.test_client().get(f"{URL}?from=1&to=2")
    assert answer.status_code in (302, 401) and "<bpmn" not in answer.text


def test_an_admin_may_compare_too(app, world):
    client = signed_in(app, "admin")
    assert client.get(f"{URL}?from=2&to=1").status_code == 200


def test_the_library_lists_the_live_decision_tables_and_who_carries_them(app, world):
    client = signed_in(app, "designer1")
    page = client.get("/staff/designer/").text
    section = page[page.index('id="decisions"') :]
    row = section[section.index('data-decision="routing"') :]
    row = row[: row.index("</tr>")]
    assert "หน่วยงานรับผิดชอบ" in row and "routing.dmn" in row and "FIRST" in row
    assert "/staff/designer/processes/complaint" in row and "รุ่น 1" in row.replace("</small>", "")
    client.get("/staff/lang/en")
    assert "Decision tables" in client.get("/staff/designer/").text
