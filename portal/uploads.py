"""Citizens' photos and documents: checked by content, size-limited, images re-encoded.

Images go through engine/cases/files.py, which drops everything a camera wrote into the file (GPS
position, device, time), so no attachment leaks where a citizen lives. A file that is not what
its name says (a script renamed .jpg) is refused, whatever its name.
"""

from __future__ import annotations

import base64
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from PIL import Image
from sqlalchemy.orm import Session

from engine import journal
from engine.access.rules import Actor
from engine.cases.files import NotAnImage, TooManyPixels, reencode_image, store_attachment
from engine.models import Case

MAX_FILES = 5
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_SIDE = 2560  # pixels; larger photos are scaled down (phones take 4000+)
ACCEPT = "image/jpeg,image/png,image/webp,image/gif,application/pdf"
_UNSAFE_NAME = re.compile(r"[^\w.\- ()\u0E00-\u0E7F]+")


@dataclass(frozen=True)
class CleanFile:
    """A file ready to store: safe name, content type by content, cleaned bytes."""

    filename: str
    content_type: str
    content: bytes


class Refused(ValueError):
    """A file that cannot be accepted, with the reason in Thai and English."""

    def __init__(self, message_th: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_th, self.message_en = message_th, message_en


def clean_files(files: list[tuple[str, bytes]]) -> list[CleanFile]:
    """Check and clean every (name, bytes) pair; Refused names the first file that fails."""
    chosen = [(name, data) for name, data in files if name or data]
    if len(chosen) > MAX_FILES:
        raise Refused(
            f"แนบไฟล์ได้ไม่เกิน {MAX_FILES} ไฟล์ (เลือกมา {len(chosen)} ไฟล์)",
            f"Attach at most {MAX_FILES} files (you chose {len(chosen)}).",
        )
    return [clean_file(name, data) for name, data in chosen]


def clean_each(files: list[tuple[str, bytes]]) -> tuple[list[CleanFile], Refused | None]:
    """Every file that passes, and the first refusal (a good file is never lost to a bad one)."""
    good, refused = [], None
    for name, data in files:
        if not (name or data):
            continue
        try:
            good.append(clean_file(name, data))
        except Refused as exc:
            refused = refused or exc
    return good, refused


def clean_file(name: str, data: bytes) -> CleanFile:
    """One file checked by its content: an image (re-encoded) or a PDF document."""
    shown = _safe_name(name)
    if not data:
        raise Refused(f"ไฟล์ «{shown}» ว่างเปล่า", f"The file «{shown}» is empty.")
    if len(data) > MAX_FILE_BYTES:
        mb = MAX_FILE_BYTES // (1024 * 1024)
        raise Refused(
            f"ไฟล์ «{shown}» ใหญ่เกิน {mb} MB ({len(data) / 1048576:.1f} MB) กรุณาย่อขนาดแล้วแนบใหม่",
            f"The file «{shown}» is larger than {mb} MB ({len(data) / 1048576:.1f} MB); "
            "make it smaller and attach it again.",
        )
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]:
        return CleanFile(_with_suffix(shown, ".pdf"), "application/pdf", data)
    return _reencode(shown, data)


def _reencode(shown: str, data: bytes) -> CleanFile:
    try:
        content_type, content = reencode_image(data, MAX_SIDE)
    except TooManyPixels as exc:
        raise Refused(
            f"รูป «{shown}» มีขนาดพิกเซลใหญ่เกินไป", f"The image «{shown}» has too many pixels."
        ) from exc
    except NotAnImage as exc:
        raise Refused(
            f"ไฟล์ «{shown}» ไม่ใช่รูปภาพ (JPEG, PNG, WebP, GIF) หรือเอกสาร PDF ที่อ่านได้",
            f"The file «{shown}» is not a readable image (JPEG, PNG, WebP, GIF) or PDF document.",
        ) from exc
    suffix = ".png" if content_type == "image/png" else ".jpg"
    return CleanFile(_with_suffix(shown, suffix), content_type, content)


def _safe_name(name: str) -> str:
    """The file's own name without folders or odd characters, at most 120 characters."""
    base = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    base = _UNSAFE_NAME.sub("_", base).strip(" ._") or "file"
    return base[-120:]


def _with_suffix(name: str, suffix: str) -> str:
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem or 'file'}{suffix}"


def store_files(
    db: Session, now: datetime, case_id: int, files: list[CleanFile], step: str
) -> None:
    """Keep the complainant's cleaned files with the case, and note it in the audit log."""
    if not files:
        return
    case = db.get(Case, case_id)
    citizen = Actor.citizen(case_id)  # stored as uploaded by "complainant", no org unit
    for f in files:
        store_attachment(db, case, citizen, step, f.filename, f.content_type, f.content, now)
    journal.record(db, case, citizen, "attachments_added", now, detail={"count": len(files)})


THUMB_SIDE = 192  # pixels: drawn at 96 CSS pixels, sharp on a phone's screen


def thumbnail(content_type: str, content: bytes) -> str | None:
    """A small JPEG of an image as a data: address for the page that holds it (None for a PDF
    or an unreadable file); the page is the citizen's own, so the picture goes nowhere else."""
    if not content_type.startswith("image/"):
        return None
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.draft("RGB", (THUMB_SIDE, THUMB_SIDE))  # JPEG decodes at a fraction of its size
            image.thumbnail((THUMB_SIDE, THUMB_SIDE))
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=70)
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")
