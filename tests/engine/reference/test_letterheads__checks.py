"""Letterhead uploads: only real PNG/JPEG images are kept, re-encoded without what was hidden in
them; every hostile file is refused with a reason in Thai and English, and nothing is stored."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image, PngImagePlugin
from sqlalchemy import func, select

from engine.access.rules import Actor
from engine.cases import letters
from engine.errors import NotFound, PermissionDenied, ValidationFailed
from engine.models import AuditEvent, Letterhead, OrgUnit
from engine.reference.letterheads import MAX_BYTES, letterhead_for

SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
    b"<script>alert(document.cookie)</script><circle r='40'/></svg>"
)
LYING_PNG = b"\x89PNG\r\n\x1a\n<html><body><script>alert(1)</script></body></html>"


def png(size=(120, 120), mode="RGBA", text: dict | None = None, trailer: bytes = b"") -> bytes:
    out = io.BytesIO()
    info = PngImagePlugin.PngInfo()
    for key, value in (text or {}).items():
        info.add_text(key, value)
    Image.new(mode, size, (180, 140, 20, 255) if mode == "RGBA" else (180, 140, 20)).save(
        out, "PNG", pnginfo=info
    )
    return out.getvalue() + trailer


def jpeg_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"  # Make
    exif[0x9286] = "GPS 18.7883 98.9853"  # UserComment-ish: text a camera would write
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (250, 250, 250)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG that announces width × height pixels and holds almost nothing: a pixel bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1024, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.fixture
def admin(staff) -> Actor:  # type: ignore[no-untyped-def]
    return staff["admin"]


def stored(factory) -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        return session.scalar(select(func.count()).select_from(Letterhead))


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "ไฟล์ว่างเปล่า"),
        (SVG, "ไม่รับไฟล์ SVG"),
        (b"  <svg onload='alert(1)'></svg>", "ไม่รับไฟล์ SVG"),
        (LYING_PNG, "อ่านภาพไม่ได้"),
        (b"\xff\xd8\xff<html>not a jpeg</html>", "อ่านภาพไม่ได้"),
        (b"GIF89a" + b"\x00" * 64, "ไม่ใช่ภาพ PNG หรือ JPEG"),
        (b"%PDF-1.7 a pdf", "ไม่ใช่ภาพ PNG หรือ JPEG"),
        (png_header(60_000, 60_000), "ภาพใหญ่เกินไป"),  # beyond Pillow's own limit
        (png_header(6_000, 5_000), "ภาพใหญ่เกินไป"),  # beyond ours, within Pillow's
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * MAX_BYTES, "ไฟล์ใหญ่เกิน 2 เมกะไบต์"),
        (png((8, 8)), "ภาพเล็กเกินไป"),
    ],
)
def test_a_hostile_or_wrong_file_is_refused_with_a_reason_and_nothing_is_kept(
    factory, clock, admin, data, says
):
    with factory.begin() as session, pytest.raises(ValidationFailed) as refused:
        letters.upload_letterhead(session, clock(), admin, None, data)
    thai, english = refused.value.fields["image"]
    assert says in thai and english and english[0].isupper()
    assert stored(factory) == 0


def test_an_image_is_kept_re_encoded_without_its_metadata_or_hidden_tail(factory, clock, admin):
    with factory.begin() as session:
        unit = session.scalar(select(OrgUnit).where(OrgUnit.code == "c5001"))
        tail = b"<html><script>alert(1)</script></html>"
        row = letters.upload_letterhead(
            session, clock(), admin, unit.id, png(text={"Comment": "secret note"}, trailer=tail)
        )
        assert row.content_type == "image/png" and (row.width, row.height) == (120, 120)
        assert b"<script" not in row.content and b"secret note" not in row.content
        national = letters.upload_letterhead(session, clock(), admin, None, jpeg_with_exif())
        assert national.content_type == "image/jpeg" and b"SecretCamera" not in national.content
        assert Image.open(io.BytesIO(national.content)).getexif() == {}
        unit_id = unit.id
    with factory() as session:
        assert letterhead_for(session, unit_id).id == row.id  # the center's own
        bangkok = session.scalar(select(OrgUnit.id).where(OrgUnit.code == "c10"))
        assert letterhead_for(session, bangkok).id == national.id  # the national default
        events = session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("letterhead_%"))
        ).all()
        assert events == ["letterhead_uploaded", "letterhead_uploaded"]
    with factory.begin() as session:  # a new upload replaces the old: one image per center
        again = letters.upload_letterhead(session, clock(), admin, unit_id, png((200, 100), "RGB"))
    assert stored(factory) == 2
    with factory.begin() as session:
        assert letterhead_for(session, unit_id).id == again.id
        letters.remove_letterhead(session, clock(), admin, again.id)
    with factory() as session:
        assert letterhead_for(session, unit_id).id == national.id


def test_only_an_administrator_changes_letterheads(factory, clock, staff):
    for name in ("screener", "supervisor", "labour", "executive"):
        with factory.begin() as session, pytest.raises(PermissionDenied):
            letters.upload_letterhead(session, clock(), staff[name], None, png())
    assert stored(factory) == 0
    with factory.begin() as session:
        row = letters.upload_letterhead(session, clock(), staff["admin"], None, png())
    with factory.begin() as session, pytest.raises(PermissionDenied):
        letters.remove_letterhead(session, clock(), staff["screener"], row.id)
    with factory.begin() as session, pytest.raises(PermissionDenied):
        letters.list_letterheads(session, staff["labour"])
    with factory.begin() as session, pytest.raises(NotFound):  # a forged unit id
        letters.upload_letterhead(session, clock(), staff["admin"], 999_999, png())
    assert stored(factory) == 1
