"""Reading an untrusted zip (an uploaded process archive or a deploy's zip of diagrams): names
that stay inside the archive, no links, no zips in the zip, bounded counts and sizes counted as
the bytes really unpack (a header's sizes may lie: a zip bomb), JSON nested within bounds, UTF-8
text. Every refusal is a ValidationFailed on the field «archive» in Thai and English.
"""

from __future__ import annotations

import io
import json
import re
import stat
import unicodedata
import zipfile
import zlib

from engine.errors import ValidationFailed

MAX_ENTRIES = 200
MAX_ENTRY_BYTES = 5 * 1024 * 1024  # one file, decompressed
MAX_TOTAL_BYTES = 20 * 1024 * 1024  # every file together, decompressed
MAX_JSON_DEPTH = 32  # as the API's JSON bodies
FIELD = "archive"
_CHUNK = 64 * 1024
_NESTED = (".zip", ".jar", ".7z", ".rar", ".gz", ".tgz", ".bz2", ".xz", ".tar")
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_DRIVE = re.compile(r"^[A-Za-z]:")
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, EOFError, ValueError)


def refused(th: str, en: str) -> ValidationFailed:
    """An archive refused, saying why (field «archive»)."""
    return ValidationFailed.one(FIELD, th, en)


def read_zip(
    raw: bytes,
    *,
    max_entries: int = MAX_ENTRIES,
    max_entry: int = MAX_ENTRY_BYTES,
    max_total: int = MAX_TOTAL_BYTES,
    spent: list[int] | None = None,
) -> dict[str, bytes]:
    """The files of an untrusted zip by normalised name (folders left out), or ValidationFailed.

    `spent` carries the bytes decompressed by earlier zips of the same upload (one total)."""
    if not isinstance(raw, bytes | bytearray) or not zipfile.is_zipfile(io.BytesIO(raw)):
        raise refused("ไฟล์นี้ไม่ใช่ไฟล์ zip", "The file is not a zip archive.")
    spent = spent if spent is not None else [0]
    out: dict[str, bytes] = {}
    seen: set[str] = set()
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            infos = archive.infolist()
            if len(infos) > max_entries:
                raise refused(
                    f"ไฟล์ zip มีได้ไม่เกิน {max_entries} รายการ (มี {len(infos)} รายการ)",
                    f"A zip may hold at most {max_entries} entries ({len(infos)} found).",
                )
            for info in infos:
                name = _safe_name(info)
                key = unicodedata.normalize("NFC", name).casefold()
                if key in seen:
                    raise refused(
                        f"ชื่อ «{shown(name)}» ซ้ำกับรายการอื่นในไฟล์ zip",
                        f"The name «{shown(name)}» appears twice in the zip.",
                    )
                seen.add(key)
                if name.endswith("/"):
                    continue
                out[name] = _read_entry(archive, info, name, max_entry, max_total, spent)
    except ValidationFailed:
        raise
    except (*_ZIP_ERRORS, RuntimeError) as exc:  # RuntimeError: an encrypted entry
        raise refused(
            "อ่านไฟล์ zip ไม่ได้ (ไฟล์เสียหรือใช้รูปแบบที่ไม่รองรับ)",
            "The zip cannot be read (damaged, or a format that is not supported).",
        ) from exc
    return out


def _safe_name(info: zipfile.ZipInfo) -> str:
    """The entry's name when it stays inside the archive; refused otherwise."""
    raw = info.orig_filename  # before zipfile cuts the name at a NUL
    named = shown(raw)
    if "\\" in raw or _DRIVE.match(raw) or raw.startswith("/"):
        raise refused(
            f"ชื่อ «{named}» ในไฟล์ zip ชี้ออกนอกไฟล์ (ใช้ \\ ชื่อไดรฟ์ หรือเริ่มด้วย /)",
            f"The name «{named}» in the zip points outside it (a backslash, a drive or a "
            "leading /).",
        )
    if any(ord(c) < 32 or ord(c) == 127 for c in raw):
        raise refused(
            f"ชื่อ «{named}» ในไฟล์ zip มีอักขระควบคุม", f"The name «{named}» holds control characters."
        )
    parts = [p for p in raw.split("/") if p not in ("", ".")]
    if ".." in parts or not parts:
        raise refused(
            f"ชื่อ «{named}» ในไฟล์ zip ชี้ออกนอกไฟล์ (..)",
            f"The name «{named}» in the zip points outside it (..).",
        )
    if stat.S_ISLNK(info.external_attr >> 16):
        raise refused(
            f"«{named}» เป็นลิงก์ (symlink) ซึ่งไม่รับ", f"«{named}» is a symbolic link: refused."
        )
    if info.flag_bits & 0x1:
        raise refused(f"«{named}» ถูกเข้ารหัสไว้", f"«{named}» is encrypted.")
    return "/".join(parts) + ("/" if raw.endswith("/") else "")


def _read_entry(archive, info, name, max_entry, max_total, spent) -> bytes:  # type: ignore[no-untyped-def]
    """The entry's bytes, counted as they decompress (a header's sizes may lie: a zip bomb)."""
    if name.lower().endswith(_NESTED):
        raise _nested(name)
    if info.file_size > max_entry:
        raise _too_big(name, max_entry)
    chunks, size = [], 0
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            spent[0] += len(chunk)
            if size > max_entry:
                raise _too_big(name, max_entry)
            if spent[0] > max_total:
                mb = f"{max_total / (1024 * 1024):.3g}"
                raise refused(
                    f"เนื้อหาในไฟล์ zip รวมกันเกิน {mb} MB เมื่อแตกไฟล์",
                    f"The zip's content is over {mb} MB in all once unpacked.",
                )
            chunks.append(chunk)
    data = b"".join(chunks)
    if data.startswith(_ZIP_MAGIC):
        raise _nested(name)
    return data


def _nested(name: str) -> ValidationFailed:
    return refused(
        f"«{shown(name)}» เป็นไฟล์บีบอัดซ้อนอยู่ในไฟล์ zip ซึ่งไม่รับ",
        f"«{shown(name)}» is an archive inside the zip: refused.",
    )


def _too_big(name: str, limit: int) -> ValidationFailed:
    mb = limit / (1024 * 1024)
    return refused(
        f"«{shown(name)}» ใหญ่เกิน {mb:g} MB เมื่อแตกไฟล์",
        f"«{shown(name)}» is over {mb:g} MB once unpacked.",
    )


def shown(name: str) -> str:
    """A name as a message may show it: short, control characters made visible."""
    return "".join(c if c.isprintable() else "?" for c in name)[:80]


def text_of(name: str, raw: bytes) -> str:
    """An entry as UTF-8 text (a leading byte-order mark dropped), or ValidationFailed."""
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise refused(
            f"«{shown(name)}» ไม่ใช่ข้อความ UTF-8", f"«{shown(name)}» is not UTF-8 text."
        ) from exc


def json_of(name: str, raw: bytes) -> dict:
    """An entry as a JSON object, refused when deeper than MAX_JSON_DEPTH or not an object."""
    text = text_of(name, raw)
    if depth(text) > MAX_JSON_DEPTH:
        raise refused(
            f"«{shown(name)}» ซ้อนกันลึกเกิน {MAX_JSON_DEPTH} ชั้น",
            f"«{shown(name)}» is nested deeper than {MAX_JSON_DEPTH} levels.",
        )
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise refused(
            f"«{shown(name)}» ไม่ใช่ JSON ที่ถูกต้อง", f"«{shown(name)}» is not valid JSON."
        ) from exc
    if not isinstance(value, dict):
        raise refused(
            f"«{shown(name)}» ต้องเป็นออบเจ็กต์ JSON", f"«{shown(name)}» must be a JSON object."
        )
    return value


def depth(text: str) -> int:
    """How deep the brackets of a JSON text nest (strings skipped), without parsing it."""
    level = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            level += 1
            deepest = max(deepest, level)
        elif char in "]}":
            level -= 1
    return deepest
