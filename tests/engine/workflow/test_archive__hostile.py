"""Hostile archives are refused with a message in Thai and English that names what is wrong:
paths outside the archive, links, duplicates, too many or too large entries (a real zip bomb),
zips in the zip, deep JSON, text that is not UTF-8, unexpected files, and files that are no zip.
The staff page and the API tests import HOSTILE to send the same archives."""

from __future__ import annotations

import io
import json
import stat
import zipfile

import pytest

from engine.errors import ValidationFailed
from engine.workflow import archive, definitions, safezip

MANIFEST = {"format": archive.FORMAT, "process_id": "complaint", "version": 1}


def base_entries() -> dict[str, bytes]:
    """A small valid archive's entries: process.json and the shipped complaint diagram."""
    bundle = dict(definitions.shipped_bundles())["complaint"]
    return {
        "process.json": json.dumps(MANIFEST).encode(),
        "complaint.bpmn": bundle["complaint.bpmn"].encode(),
    }


def zipped(entries: dict[str, bytes], *, patch=None) -> bytes:  # type: ignore[no-untyped-def]
    """A deflated zip; `patch(info)` may change an entry's ZipInfo (name, mode, flags)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in entries.items():
            info = zipfile.ZipInfo("placeholder", (2026, 1, 1, 0, 0, 0))
            info.filename = name  # as given: ZipInfo() would cut a NUL or turn \\ into /
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            if patch is not None:
                patch(info)
            out.writestr(info, data)
    return buffer.getvalue()


def with_extra(name: str, data: bytes = b"<x/>", **kw) -> bytes:  # type: ignore[no-untyped-def]
    return zipped({**base_entries(), name: data}, **kw)


def symlink() -> bytes:
    entries = base_entries()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for name, data in entries.items():
            out.writestr(name, data)
        link = zipfile.ZipInfo("forms/screen.json")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        out.writestr(link, "/etc/passwd")
    return buffer.getvalue()


def lying_bomb() -> bytes:
    """10 MB of zeros in about 10 KB whose headers claim 100 bytes unpacked."""
    raw = bytearray(zipped({**base_entries(), "bomb.bpmn": b"\0" * 10_000_000}))
    name = b"bomb.bpmn"
    # (signature, offset of the name, offset of the unpacked size) in a local and central header
    for signature, head, offset in ((b"PK\x03\x04", 30, 22), (b"PK\x01\x02", 46, 24)):
        start = raw.find(signature)
        while start >= 0:
            if raw[start + head : start + head + len(name)] == name:
                raw[start + offset : start + offset + 4] = (100).to_bytes(4, "little")
            start = raw.find(signature, start + 4)
    return bytes(raw)


def encrypted() -> bytes:
    """The first entry marked encrypted in its local and central headers."""
    raw = bytearray(zipped(base_entries()))
    central = raw.find(b"PK\x01\x02")
    raw[6] |= 0x1
    raw[central + 8] |= 0x1
    return bytes(raw)


DEEP = b'{"a":' * 100 + b"1" + b"}" * 100
HOSTILE = {
    "a path with ..": (with_extra("../evil.bpmn"), "outside"),
    "a path inside then out": (with_extra("forms/../../evil.json", b"{}"), "outside"),
    "an absolute path": (with_extra("/etc/evil.bpmn"), "outside"),
    "a drive letter": (with_extra("C:/evil.bpmn"), "outside"),
    "a backslash": (with_extra("forms\\evil.json", b"{}"), "outside"),
    "a NUL in a name": (with_extra("complaint2.bpmn\x00.txt"), "control"),
    "a control character": (with_extra("evil\x07.bpmn"), "control"),
    "a symbolic link": (symlink(), "link"),
    "a name twice after normalising": (with_extra("./complaint.bpmn"), "twice"),
    "a name twice but for case": (with_extra("COMPLAINT.bpmn"), "twice"),
    "too many entries": (
        zipped({**base_entries(), **{f"forms/f{i}.json": b"{}" for i in range(250)}}),
        "at most 200 entries",
    ),
    "a zip bomb (10 MB of zeros)": (with_extra("bomb.bpmn", b"\0" * 10_000_000), "over 5 MB"),
    "a zip bomb whose headers lie": (lying_bomb(), "cannot be read"),
    "over 20 MB in all": (
        zipped({**base_entries(), **{f"d{i}.dmn": b" " * 4_500_000 for i in range(5)}}),
        "over 20 MB in all",
    ),
    "a zip in the zip": (with_extra("inner.zip", zipped(base_entries())), "archive inside"),
    "a zip in the zip, named as a form": (
        with_extra("forms/inner.json", zipped(base_entries())),
        "archive inside",
    ),
    "a deeply nested form": (with_extra("forms/deep.json", DEEP), "deeper than 32"),
    "a deeply nested scenario": (with_extra("scenarios/deep.json", DEEP), "deeper than 32"),
    "a deeply nested process.json": (
        zipped({**base_entries(), "process.json": DEEP}),
        "deeper than 32",
    ),
    "a form that is not JSON": (with_extra("forms/bad.json", b"{nope"), "not valid JSON"),
    "a form that is a list": (with_extra("forms/list.json", b"[1]"), "must be a JSON object"),
    "text that is not UTF-8": (
        with_extra("other.bpmn", "<x>ก</x>".encode("cp874")),
        "not UTF-8",
    ),
    "a file outside the layout": (with_extra("README.md", b"hello"), "not expected"),
    "a form in a sub-folder": (with_extra("forms/sub/x.json", b"{}"), "not expected"),
    "no process.json": (zipped({"complaint.bpmn": base_entries()["complaint.bpmn"]}), "no process"),
    "a process.json without a process id": (
        zipped({**base_entries(), "process.json": b'{"process_id": "../x"}'}),
        "no valid",
    ),
    "a process the diagrams do not define": (
        zipped({**base_entries(), "process.json": b'{"process_id": "other"}'}),
        "No BPMN file",
    ),
    "not a zip, named .zip": (b"hello, I am not a zip", "not a zip"),
    "a truncated zip": (zipped(base_entries())[:300], None),
}
HOSTILE["an encrypted entry"] = (
    encrypted(),
    None,  # "encrypted" (or unreadable): either way refused, named
)


def test_the_base_archive_reads():
    read = archive.read(zipped(base_entries()))
    assert read.process_id == "complaint" and list(read.files) == ["complaint.bpmn"]


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_archive_is_refused_in_thai_and_english(case):
    raw, words = HOSTILE[case]
    with pytest.raises(ValidationFailed) as refused:
        archive.read(raw)
    th, en = refused.value.fields[safezip.FIELD]
    assert th and en and th != en
    assert any("\u0e00" <= c <= "\u0e7f" for c in th)  # Thai
    if words:
        assert words in en, en


def test_a_zip_bomb_is_stopped_while_it_unpacks_not_after():
    raw = with_extra("bomb.bpmn", b"\0" * 50_000_000)
    assert len(raw) < 200_000  # 50 MB unpacked from under 200 KB
    # Even with the header's size allowed, the bytes really unpacked are counted as they come.
    with pytest.raises(ValidationFailed) as refused:
        safezip.read_zip(raw, max_entry=100_000_000, max_total=1_000_000)
    assert "in all once unpacked" in refused.value.fields[safezip.FIELD][1]


def test_json_depth_counts_brackets_outside_strings():
    assert safezip.depth('{"a": "[[[[{{{{"}') == 1
    assert safezip.depth('{"a": [{"b": "\\"]"}]}') == 3
    assert safezip.depth(DEEP.decode()) == 100


def test_the_zip_of_an_api_upload_uses_the_same_reader_and_its_total():
    spent = [0]
    safezip.read_zip(zipped({"a.bpmn": b" " * 1000}), spent=spent)
    assert spent == [1000]
    with pytest.raises(ValidationFailed):
        safezip.read_zip(zipped({"b.bpmn": b" " * 1000}), max_total=1500, spent=spent)
