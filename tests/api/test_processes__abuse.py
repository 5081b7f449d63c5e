"""Who may manage processes (designers and administrators only), and what the upload refuses:
not a diagram, not UTF-8, broken or oversized zips, XML entities, reserved ids, bad forms."""

from __future__ import annotations

import io
import struct

import pytest

from tests.api.test_processes__support import (
    PLAIN,
    catalog_state,
    deploy,
    designer_headers,
    diagram,
    upload,
    zipped,
)
from tests.engine.workflow import test_archive__hostile as hostile

OUTSIDERS = ["intake", "screener", "supervisor", "labour", "executive"]
ENDPOINTS = [
    # (method, path, body) of every process route; a designer gets past the role check on each
    ("POST", "/api/v1/processes/validate", "upload"),
    ("POST", "/api/v1/processes", "upload"),
    ("GET", "/api/v1/processes", None),
    ("GET", "/api/v1/processes/complaint/versions", None),
    ("GET", "/api/v1/processes/complaint/versions/1", None),
    ("POST", "/api/v1/processes/complaint/versions/1/activate", None),
    ("POST", "/api/v1/processes/agency_handling/versions/1/retire", None),
    ("GET", "/api/v1/processes/complaint/diff?from=1&to=1", None),
    ("POST", "/api/v1/processes/complaint/migrations", {"from_version": 1, "to_version": 2}),
    ("PUT", "/api/v1/categories/labour/process", {"process_id": "agency_handling"}),
    ("GET", "/api/v1/processes/activation-requests", None),
    ("POST", "/api/v1/processes/activation-requests/999999/approve", None),
    ("POST", "/api/v1/processes/activation-requests/999999/reject", {"reason": "ยังไม่พร้อม"}),
    ("POST", "/api/v1/processes/activation-requests/999999/cancel", None),
    ("GET", "/api/v1/processes/complaint/versions/1/export", None),
    ("POST", "/api/v1/processes/import", "archive"),
    ("POST", "/api/v1/processes/complaint/import", "archive"),
]
# The same endpoints with bad input: the caller's role is still what is answered first.
BAD_INPUT = [
    ("POST", "/api/v1/processes", "junk"),
    ("POST", "/api/v1/processes/validate", None),
    ("GET", "/api/v1/processes/complaint/diff?from=abc", None),
    ("POST", "/api/v1/processes/complaint/migrations", {"from_version": "x"}),
    ("PUT", "/api/v1/categories/labour/process", {}),
    ("POST", "/api/v1/processes/import", "junk"),
    ("POST", "/api/v1/processes/activation-requests/1/approve", {"note": 5}),
]


@pytest.fixture
def designer(factory, clock, staff) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return designer_headers(factory, clock)


def call(client, method: str, path: str, body, headers: dict):  # type: ignore[no-untyped-def]
    if body == "upload":
        return upload(client, headers, ("other.bpmn", plain_as("other_process")), url=path)
    if body == "junk":
        return upload(client, headers, ("notes.txt", b"hello"), url=path)
    if body == "archive":
        data = {"archive": (io.BytesIO(hostile.zipped(hostile.base_entries())), "complaint.zip")}
        return client.post(path, data=data, headers=headers, content_type="multipart/form-data")
    return client.open(path, method=method, json=body, headers=headers)


def plain_as(process_id: str) -> bytes:
    return (
        diagram(PLAIN)
        .replace(b'id="plain_complaint"', f'id="{process_id}"'.encode())
        .replace(b'processRef="plain_complaint"', f'processRef="{process_id}"'.encode())
    )


def test_every_process_route_is_in_the_table(app):
    adapter = app.url_map.bind("localhost")
    called = {adapter.match(path.split("?")[0], method=m)[0] for m, path, _ in ENDPOINTS}
    routes = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "__module__", "") == "api.processes"
    }
    assert called == routes


@pytest.mark.parametrize("role", OUTSIDERS)
def test_only_designers_and_administrators_manage_processes(client, tokens, factory, role):
    before = catalog_state(factory)
    for method, path, body in ENDPOINTS + BAD_INPUT:
        refused = call(client, method, path, body, tokens[role])
        assert refused.status_code == 403, (role, method, path, refused.get_json())
        assert refused.get_json()["error"]["code"] == "permission_denied"
    assert catalog_state(factory) == before


def test_without_a_token_every_process_route_is_401(client, factory, staff):
    before = catalog_state(factory)
    for method, path, body in ENDPOINTS + BAD_INPUT:
        for headers in ({}, {"Authorization": "Bearer nope"}):
            refused = call(client, method, path, body, headers)
            assert refused.status_code == 401, (method, path, refused.get_json())
    assert catalog_state(factory) == before


@pytest.mark.parametrize("who", ["admin", "designer"])
def test_designers_and_administrators_get_past_the_role_check_everywhere(
    client, tokens, designer, who
):
    headers = designer if who == "designer" else tokens["admin"]
    for method, path, body in ENDPOINTS:
        answer = call(client, method, path, body, headers)
        assert answer.status_code in (200, 201, 202, 404, 409), (method, path, answer.get_json())
    deployed = upload(client, headers, (PLAIN, diagram(PLAIN)))
    assert deployed.status_code == 202  # stored; its activation waits for a second person


# -- uploads ---------------------------------------------------------------------------------


def _zip_with(patch) -> bytes:  # type: ignore[no-untyped-def]
    raw = bytearray(zipped((PLAIN, diagram(PLAIN))))
    central = raw.find(b"PK\x01\x02")
    patch(raw, central)
    return bytes(raw)


def _flags(raw: bytearray, central: int) -> None:  # the encrypted bit
    raw[6:8] = raw[central + 8 : central + 10] = struct.pack("<H", 1)


def _method(number: int):  # type: ignore[no-untyped-def]
    def patch(raw: bytearray, central: int) -> None:
        raw[8:10] = raw[central + 10 : central + 12] = struct.pack("<H", number)

    return patch


def _deflate(raw: bytearray, central: int) -> None:
    raw[40:56] = b"\xff" * 16


def _size(raw: bytearray, central: int) -> None:  # claims 10 bytes unpacked
    raw[central + 24 : central + 28] = struct.pack("<I", 10)


NESTED = b"[" * 100_000 + b"]" * 100_000
BAD_UPLOADS = {
    "a text file": [("notes.txt", b"hello")],
    "not UTF-8": [("complaint.bpmn", "<x>ก</x>".encode("cp874"))],
    "a form that is not JSON": [(PLAIN, diagram(PLAIN)), ("fix.json", b"{nope")],
    "a form that is a list": [(PLAIN, diagram(PLAIN)), ("fix.json", b"[1]")],
    "a form that is no schema": [(PLAIN, diagram(PLAIN)), ("fix.json", b'{"type": 5}')],
    "a form nested too deep": [(PLAIN, diagram(PLAIN)), ("fix.json", NESTED)],
    "garbage named .zip": [("export.zip", b"PK\x03\x04garbage")],
    "a truncated zip": [("export.zip", zipped((PLAIN, diagram(PLAIN)))[:300])],
    "an encrypted zip": [("export.zip", _zip_with(_flags))],
    "an unknown compression": [("export.zip", _zip_with(_method(99)))],
    "a broken bzip2 stream": [("export.zip", _zip_with(_method(12)))],
    "a broken deflate stream": [("export.zip", _zip_with(_deflate))],
    "a zip that lies about sizes": [("export.zip", _zip_with(_size))],
    "a zip of 21 MB": [("big.zip", zipped(("big.bpmn", b" " * 21_000_000)))],
    "two zips of 11 MB": [
        ("one.zip", zipped(("one.bpmn", b" " * 11_000_000))),
        ("two.zip", zipped(("two.bpmn", b" " * 11_000_000))),
    ],
    "a bad form in a zip": [("export.zip", zipped((PLAIN, diagram(PLAIN)), ("f.json", b"{")))],
}


@pytest.mark.parametrize("url", ["/api/v1/processes", "/api/v1/processes/validate"])
@pytest.mark.parametrize("case", list(BAD_UPLOADS))
def test_uploads_that_are_not_diagrams_are_refused_naming_the_files(
    client, designer, factory, url, case
):
    before = catalog_state(factory)
    refused = upload(client, designer, *BAD_UPLOADS[case], url=url)
    assert refused.status_code == 422, (case, refused.get_json())
    assert "files" in refused.get_json()["error"]["fields"]
    assert catalog_state(factory) == before


def test_a_request_without_files_is_refused(client, designer):
    for body in ({}, {"process_id": "plain_complaint"}):
        refused = client.post(
            "/api/v1/processes", data=body, headers=designer, content_type="multipart/form-data"
        )
        assert refused.status_code == 422
        assert "files" in refused.get_json()["error"]["fields"]
    as_json = client.post("/api/v1/processes", json={"files": ["x"]}, headers=designer)
    assert as_json.status_code == 422


def test_a_zip_holding_the_diagram_in_a_folder_deploys(client, designer):
    bundle = zipped((f"export/{PLAIN}", diagram(PLAIN)), ("export/README.txt", b"see BPMN"))
    deployed = upload(client, designer, ("export.zip", bundle))
    assert deployed.status_code == 202, deployed.get_json()
    assert deployed.get_json()["process_id"] == "plain_complaint"
    stored = client.get("/api/v1/processes/plain_complaint/versions/1", headers=designer)
    assert list(stored.get_json()["files"]) == [PLAIN]


def test_more_than_fifty_files_are_refused_saying_so(client, designer):
    fifty = [(PLAIN, diagram(PLAIN))] * 50
    too_many = upload(client, designer, *fifty, ("extra.bpmn", diagram(PLAIN)))
    assert too_many.status_code == 422
    error = too_many.get_json()["error"]
    assert "files" in error["fields"] and "50" in error["fields"]["files"]
    listed = client.get("/api/v1/processes", headers=designer).get_json()["processes"]
    assert "plain_complaint" not in {p["process_id"] for p in listed}  # nothing stored
    assert upload(client, designer, *fifty).status_code == 202
    fiftieth = upload(client, designer, *fifty[:49], ("notes.txt", b"read"))
    assert fiftieth.status_code == 422


def _with_doctype(entity: str, where: str) -> bytes:
    text = diagram(PLAIN).decode()
    head, body = text.split("?>", 1)
    doctype = f"<!DOCTYPE bpmn:definitions [{entity}]>"
    if where == "text":
        body = body.replace(
            "<bpmn:incoming>Flow_0f2hx1k</bpmn:incoming>",
            "<bpmn:documentation>&e;</bpmn:documentation><bpmn:incoming>Flow_0f2hx1k"
            "</bpmn:incoming>",
            1,
        )
    else:
        body = body.replace('name="พิจารณาเรื่อง"', 'name="&e;"', 1)
    return f"{head}?>{doctype}{body}".encode()


PASSWD = '<!ENTITY e SYSTEM "file:///etc/passwd">'
LAUGHS = '<!ENTITY l0 "aaaaaaaaaa">' + "".join(
    f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10)
)
LAUGHS += '<!ENTITY e "&l9;">'  # ten thousand million letters
XML_ABUSE = {
    "external entity in an attribute": _with_doctype(PASSWD, "attribute"),
    "billion laughs": _with_doctype(LAUGHS, "text"),
}


@pytest.mark.parametrize("case", list(XML_ABUSE))
def test_xml_entities_are_refused_with_a_finding_and_never_read(client, designer, factory, case):
    before = catalog_state(factory)
    for url in ("/api/v1/processes", "/api/v1/processes/validate"):
        answer = upload(client, designer, ("x.bpmn", XML_ABUSE[case]), url=url)
        assert answer.status_code in (200, 422), answer.get_json()
        findings = answer.get_json()["findings"]
        assert any(f["severity"] == "error" and f["file"] == "x.bpmn" for f in findings)
        assert "root:" not in answer.get_data(as_text=True)
        assert "aaaaaaaaaaaaaaaaaaaa" not in answer.get_data(as_text=True)
    assert catalog_state(factory) == before


@pytest.mark.parametrize("entity", [PASSWD, '<!ENTITY e "harmless">'], ids=["external", "internal"])
def test_an_entity_in_element_text_is_refused_with_a_finding(client, designer, entity):
    for url in ("/api/v1/processes", "/api/v1/processes/validate"):
        answer = upload(client, designer, ("x.bpmn", _with_doctype(entity, "text")), url=url)
        assert "root:" not in answer.get_data(as_text=True)
        assert answer.status_code in (200, 422), answer.status_code
        found = answer.get_json()["findings"]
        assert any(f["severity"] == "error" and f["code"] == "doctype" for f in found), found


def test_a_reserved_id_is_refused_naming_the_element(client, designer, factory):
    text = diagram(PLAIN).decode()
    renamed = text.replace('<bpmn:userTask id="Activity_1r8c2ve"', "<bpmn:userTask id='Start'")
    renamed = renamed.replace(">Activity_1r8c2ve<", ">Start<").replace(
        '"Activity_1r8c2ve"', '"Start"'
    )
    before = catalog_state(factory)
    refused = upload(client, designer, (PLAIN, renamed.encode()), url="/api/v1/processes?lang=en")
    assert refused.status_code == 422
    [reserved] = [f for f in refused.get_json()["findings"] if f["code"] == "reserved-id"]
    assert (reserved["element"], reserved["name"], reserved["file"]) == (
        "Start",
        "พิจารณาเรื่อง",
        PLAIN,
    )
    assert reserved["line"] and "Start" in reserved["message"] == reserved["message_en"]
    assert catalog_state(factory) == before


def test_a_process_id_the_files_do_not_hold_is_a_finding_and_a_huge_one_a_field(client, designer):
    other = upload(client, designer, (PLAIN, diagram(PLAIN)), process_id="other")
    assert other.status_code == 422
    assert [f["code"] for f in other.get_json()["findings"]] == ["unknown-process"]
    huge = upload(client, designer, (PLAIN, diagram(PLAIN)), process_id="x" * 10_000)
    assert huge.status_code == 422 and "process_id" in huge.get_json()["error"]["fields"]
    assert "x" * 100 not in huge.get_data(as_text=True)


def test_deploying_the_same_files_twice_stores_one_version(client, designer):
    assert deploy(client, designer)["created"] is True
    again = upload(client, designer, (PLAIN, diagram(PLAIN)))
    assert again.status_code == 200
    assert (again.get_json()["version"], again.get_json()["created"]) == (1, False)
