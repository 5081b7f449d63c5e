"""Uploaded files: images made safe (decoded by content, bombs refused, re-encoded without
metadata), and checked files kept with their case.

Re-encoding with Pillow keeps the pixels (turned upright) and drops everything else a camera
wrote into the file — GPS position, device, time. The citizen portal, Open311, the staff web
and the agency API all store images through `reencode_image`; each says in its own words why a
file was refused.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from datetime import datetime

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy.orm import Session

from engine.access.rules import Actor
from engine.models import Case, CaseAttachment

MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding them
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


class NotAnImage(ValueError):
    """The bytes are not a readable image of an accepted format."""


class TooManyPixels(ValueError):
    """The image would decode to more pixels than MAX_PIXELS."""


def reencode_image(
    data: bytes, max_side: int, formats: frozenset[str] = frozenset(IMAGE_FORMATS)
) -> tuple[str, bytes]:
    """(content type, bytes) of the image scaled to `max_side`, as PNG if it has transparency,
    otherwise JPEG; NotAnImage or TooManyPixels when it cannot be taken."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in formats:
                raise NotAnImage(image.format)
            if image.width * image.height > MAX_PIXELS:
                raise TooManyPixels(f"{image.width}x{image.height}")
            image.load()
            image = ImageOps.exif_transpose(image)  # keep it upright once EXIF is gone
    except (NotAnImage, TooManyPixels):
        raise
    except Image.DecompressionBombError as exc:  # Pillow's own hard limit, raised by open()
        raise TooManyPixels(str(exc)) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Warning) as exc:
        raise NotAnImage(str(exc)) from exc
    image.thumbnail((max_side, max_side))
    out = io.BytesIO()
    if image.mode in ("RGBA", "LA", "P") and "transparency" in image.info or image.mode == "RGBA":
        image.convert("RGBA").save(out, "PNG", optimize=True)
        return "image/png", out.getvalue()
    image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    return "image/jpeg", out.getvalue()


def store_attachment(
    session: Session,
    case: Case,
    actor: Actor,
    step: str | None,
    filename: str,
    content_type: str,
    content: bytes,
    now: datetime,
) -> CaseAttachment:
    """Keep a checked file with the case, with its digest and who added it (no audit here)."""
    row = CaseAttachment(
        case_id=case.id,
        filename=filename,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        step=step,
        org_unit_id=actor.org_unit_id,
        uploaded_by=actor.label,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row
