"""What a process upload sends (api/processes.py): the multipart files as {name: text} (BPMN,
DMN, form JSON, or zips of them read by the safe reader), flags and the process id; each checked,
a refusal names the field «files» or «process_id» in Thai and English."""

from __future__ import annotations

from pathlib import PurePosixPath

from flask import request

from engine.errors import ValidationFailed
from engine.workflow import archive, definitions, safezip

MAX_FILES = 50
MAX_UNZIPPED = 20_000_000  # bytes unpacked from every zip of one upload together
TRUE = {"1", "true", "yes", "on"}


def flag(name: str) -> bool:
    return str(request.form.get(name, "")).strip().lower() in TRUE


def uploaded() -> dict[str, str]:
    """The multipart files as {name: text}: BPMN, DMN, form JSON, or a zip of them."""
    files: dict[str, str] = {}
    uploads = request.files.getlist("files") or list(request.files.values())
    if not uploads:
        raise ValidationFailed.one(
            "files",
            "ต้องแนบไฟล์ BPMN/DMN อย่างน้อยหนึ่งไฟล์ (multipart ชื่อ files)",
            "Attach at least one BPMN or DMN file (multipart field «files»).",
        )
    if len(uploads) > MAX_FILES:
        raise ValidationFailed.one(
            "files",
            f"ส่งได้ไม่เกิน {MAX_FILES} ไฟล์ต่อครั้ง (ส่งมา {len(uploads)} ไฟล์) รวมเป็นไฟล์ zip ได้",
            f"At most {MAX_FILES} files at once ({len(uploads)} sent); a zip may hold them.",
        )
    unzipped = [0]  # bytes unpacked so far: the 20 MB bound holds for all zips together
    for upload in uploads:
        name = PurePosixPath((upload.filename or "").replace("\\", "/")).name
        raw = upload.read()
        if name.endswith(".zip"):
            files.update(_unzip(raw, unzipped))
            continue
        if not name.endswith((".bpmn", ".dmn", ".json")):
            raise ValidationFailed.one(
                "files",
                f"ไฟล์ «{name[:80]}» ไม่ใช่ .bpmn .dmn .json หรือ .zip",
                f"The file «{name[:80]}» is not a .bpmn, .dmn, .json or .zip file.",
            )
        files[_key(name)] = _text(name, raw)
    return files


def _key(name: str) -> str:
    return f"forms/{name}" if name.endswith(".json") else name


def _unzip(raw: bytes, unzipped: list[int]) -> dict[str, str]:
    """The diagrams and forms of an uploaded zip, read by the archive's safe reader (paths,
    links, nested zips, sizes counted as they unpack); the 20 MB hold for all zips together."""
    try:
        entries = safezip.read_zip(raw, max_total=MAX_UNZIPPED, spent=unzipped)
    except ValidationFailed as exc:
        th, en = exc.fields.get(safezip.FIELD, (exc.message_th, exc.message_en))
        raise ValidationFailed.one("files", th, en) from exc
    if "process.json" in entries:  # an archive exported by Damrong: its layout, checked
        try:
            read = archive.read(raw)
        except ValidationFailed as exc:
            th, en = exc.fields.get(safezip.FIELD, (exc.message_th, exc.message_en))
            raise ValidationFailed.one("files", th, en) from exc
        forms = {f"forms/{n}.json": archive.pretty(f) for n, f in read.forms.items()}
        return {**read.files, **forms}
    out = {}
    for path, data in entries.items():
        name = PurePosixPath(path).name
        if name.endswith((".bpmn", ".dmn", ".json")):
            out[_key(name)] = _text(name, data)
    if len(out) > MAX_FILES:
        raise ValidationFailed.one(
            "files",
            f"ไฟล์ zip มีไฟล์ BPMN/DMN/แบบฟอร์มได้ไม่เกิน {MAX_FILES} ไฟล์ (มี {len(out)} ไฟล์)",
            f"A zip may hold at most {MAX_FILES} BPMN, DMN or form files ({len(out)} found).",
        )
    return out


def _text(name: str, raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationFailed.one(
            "files",
            f"ไฟล์ «{name[:80]}» ไม่ใช่ข้อความ UTF-8",
            f"The file «{name[:80]}» is not UTF-8 text.",
        ) from exc
    if name.endswith(".json"):
        _check_form(name, text)
    return text


def _check_form(name: str, text: str) -> None:
    """A form file is a JSON Schema object (the deploy reads it; a task renders it)."""
    _schema, problem = definitions.read_form(name, text)
    if problem is not None:
        raise ValidationFailed.one(
            "files",
            f"ไฟล์ «{name[:80]}» ไม่ใช่แบบฟอร์ม JSON Schema ที่ถูกต้อง",
            f"The file «{name[:80]}» is not a valid JSON Schema form.",
        )


def process_id() -> str | None:
    value = request.form.get("process_id") or None
    if value is not None and len(value) > 64:
        raise ValidationFailed.one(
            "process_id",
            "รหัสกระบวนงานยาวได้ไม่เกิน 64 ตัวอักษร",
            "A process id has at most 64 characters.",
        )
    return value
