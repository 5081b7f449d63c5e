"""Letterhead images: the Garuda emblem (ตราครุฑ) or a center's letterhead, checked by content.

An upload is taken only when its bytes are a PNG or a JPEG (by their magic bytes, then decoded),
at most MAX_BYTES long and MAX_PIXELS large (read from the header, before decoding: a pixel bomb
is refused unread), at least MIN_SIDE pixels a side. It is then re-encoded, which drops every
metadata chunk (EXIF, text chunks, ICC) and anything hidden after the image. SVG is refused: it
is a document that can carry scripts, not a picture. Each refusal says why, in Thai and English.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import ValidationFailed
from engine.models import Letterhead

MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 25_000_000
MAX_SIDE = 2400  # a 17 cm wide letterhead at 350 dpi; the emblem (3 cm high) needs far less
MIN_SIDE = 32
MAGIC = ((b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"))
FIELD = "image"


@dataclass(frozen=True)
class CheckedImage:
    """An image safe to store and serve: re-encoded bytes, their type and size in pixels."""

    content_type: str
    content: bytes
    width: int
    height: int


def _refuse(th: str, en: str) -> ValidationFailed:
    return ValidationFailed.one(FIELD, th, en)


def _declared_format(data: bytes) -> str:
    """PNG or JPEG from the file's first bytes; a clear refusal for anything else."""
    if not data:
        raise _refuse(
            "ไฟล์ว่างเปล่า กรุณาเลือกไฟล์ภาพ PNG หรือ JPEG", "The file is empty: choose a PNG or JPEG."
        )
    if len(data) > MAX_BYTES:
        raise _refuse(
            f"ไฟล์ใหญ่เกิน {MAX_BYTES // (1024 * 1024)} เมกะไบต์",
            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.",
        )
    head = data[:512].lstrip().lower()
    if head.startswith((b"<svg", b"<?xml", b"<!doctype svg")) or b"<svg" in head:
        raise _refuse(
            "ไม่รับไฟล์ SVG เพราะอาจมีสคริปต์แฝงอยู่ กรุณาใช้ไฟล์ PNG หรือ JPEG",
            "SVG files are not accepted (they can carry scripts): use a PNG or JPEG.",
        )
    for magic, name in MAGIC:
        if data.startswith(magic):
            return name
    raise _refuse("ไฟล์นี้ไม่ใช่ภาพ PNG หรือ JPEG", "This file is not a PNG or JPEG image.")


def _unreadable() -> ValidationFailed:
    return _refuse(
        "อ่านภาพไม่ได้ ไฟล์เสียหรือไม่ใช่ภาพจริง (เนื้อไฟล์ไม่ตรงกับชนิดที่ระบุ)",
        "The image cannot be read: the file is damaged or not really an image.",
    )


def _too_many_pixels(size: str) -> ValidationFailed:
    return _refuse(
        f"ภาพใหญ่เกินไป ({size} พิกเซล) รับได้ไม่เกิน {MAX_PIXELS // 1_000_000} ล้านพิกเซล",
        f"The image is too large ({size} pixels); at most {MAX_PIXELS // 1_000_000} megapixels.",
    )


def _decode(data: bytes, expected: str) -> Image.Image:
    """The decoded image, refused before decoding when its header announces too many pixels."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format != expected:
                raise _unreadable()
            if image.width * image.height > MAX_PIXELS:
                raise _too_many_pixels(f"{image.width}×{image.height}")
            image.load()
            return ImageOps.exif_transpose(image)
    except ValidationFailed:
        raise
    except Image.DecompressionBombError as exc:  # Pillow's own limit, from the header alone
        raise _too_many_pixels(str(exc).split(" pixels")[0].split()[-1]) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Warning) as exc:
        raise _unreadable() from exc


def check_image(data: bytes) -> CheckedImage:
    """The upload checked and re-encoded (PNG where it has transparency or came as PNG, JPEG
    otherwise); ValidationFailed on field `image` saying why it was refused."""
    declared = _declared_format(data)
    image = _decode(data, declared)
    if min(image.width, image.height) < MIN_SIDE:
        raise _refuse(
            f"ภาพเล็กเกินไป ต้องมีอย่างน้อย {MIN_SIDE} พิกเซลทั้งด้านกว้างและด้านสูง",
            f"The image is too small: at least {MIN_SIDE} pixels wide and high.",
        )
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if transparent or declared == "PNG":
        image.convert("RGBA" if transparent else "RGB").save(out, "PNG", optimize=True)
        kind = "image/png"
    else:
        image.convert("RGB").save(out, "JPEG", quality=90, optimize=True)
        kind = "image/jpeg"
    return CheckedImage(kind, out.getvalue(), image.width, image.height)


def letterhead_for(session: Session, org_unit_id: int | None) -> Letterhead | None:
    """The letterhead a unit's letters carry: its own, else the national default, else none."""
    for scope in (org_unit_id, None) if org_unit_id is not None else (None,):
        row = session.scalar(
            select(Letterhead)
            .where(
                Letterhead.org_unit_id.is_(None)
                if scope is None
                else Letterhead.org_unit_id == scope
            )
            .order_by(Letterhead.id.desc())
            .limit(1)
        )
        if row is not None:
            return row
    return None
