"""`damrong import`: open cases from another complaint system's CSV or JSON export.

Every row goes through the same intake validation and `open_case` service as any complaint, in
its own savepoint, so a bad row is reported (Thai and English) and the others still go in; rows
commit in batches (at most BATCH_ROWS rows or BATCH_SECONDS). Each imported row leaves an
`imported_records(source, external_id)` row written in the same transaction as its case:
re-running the same file after an interruption skips what is already in and never opens a case
twice. Rows without an external id are known by a hash of their content.

Mapping (a JSON or TOML file, and/or `field=column` pairs): Damrong's intake field on the left,
the source's column on the right. A file may be flat (`{"title": "เรื่อง"}`) or have sections:
`columns` (the same), `values` (per field, source value -> Damrong value, e.g. categories or
channels) and `defaults` (per field, a value for rows that leave it empty).
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import time
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import IO

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from engine import journal
from engine.access.rules import Actor
from engine.cases.intake import open_case
from engine.clock import Clock
from engine.db import is_sqlite
from engine.errors import DamrongError, ValidationFailed
from engine.formcheck import check_form
from engine.models import OutboxMessage
from engine.reference import areas
from importer.models import ImportedRecord

FIELDS = (
    "external_id",
    "title",
    "description",
    "category",
    "area_code",
    "address_text",
    "channel",
    "occurred_on",
    "complainant.name",
    "complainant.phone",
    "complainant.email",
    "complainant.national_id",
    "anonymous",
    "confidential",
    "consent",
)
# The intake schema has no "import" channel: rows that name none were most often letters
# forwarded between offices; the source system is recorded in the "imported" audit event.
DEFAULT_CHANNEL = "letter"
# A batch commits after this many imported rows or this many seconds, whichever comes first:
# few COMMITs, and an interruption loses (to the resumed run) at most a second of work.
BATCH_ROWS = 200
BATCH_SECONDS = 1.0
# SQLite has one write lock: a short pause after each batch lets a waiting writer (the web, the
# scheduler) in before the next batch. Damrong's writers wait at engine/writegate.py's queue,
# which polls every millisecond; 20 ms leaves room for a busy machine's scheduling delays.
SQLITE_PAUSE_SECONDS = 0.02
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_TRUE = {"1", "true", "t", "yes", "y", "x", "ใช่", "จริง", "ปกปิด", "ไม่ประสงค์ออกนาม"}
_FALSE = {"0", "false", "f", "no", "n", "ไม่", "ไม่ใช่", "เปิดเผย"}
_THAI_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("มกราคม", "ม.ค."),
            ("กุมภาพันธ์", "ก.พ."),
            ("มีนาคม", "มี.ค."),
            ("เมษายน", "เม.ย."),
            ("พฤษภาคม", "พ.ค."),
            ("มิถุนายน", "มิ.ย."),
            ("กรกฎาคม", "ก.ค."),
            ("สิงหาคม", "ส.ค."),
            ("กันยายน", "ก.ย."),
            ("ตุลาคม", "ต.ค."),
            ("พฤศจิกายน", "พ.ย."),
            ("ธันวาคม", "ธ.ค."),
        ],
        start=1,
    )
    for name in names
}
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_THAI_TEXT_DATE = re.compile(r"^(\d{1,2})\s*(\S+?)\s*(?:พ\.ศ\.\s*)?(\d{4})$")


@dataclass(frozen=True)
class ColumnMap:
    """Which source column feeds each intake field, value translations and defaults."""

    columns: dict[str, str]
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)


def load_mapping(path: str | Path | None = None, pairs: Iterable[str] = ()) -> ColumnMap:
    """The mapping from a JSON/TOML file and `field=column` pairs (pairs win); unmapped fields
    are read from a column of the same name."""
    raw: dict = {}
    if path is not None:
        text = Path(path).read_text(encoding="utf-8-sig")
        raw = tomllib.loads(text) if str(path).endswith(".toml") else json.loads(text)
        if not isinstance(raw, dict):
            raise ValidationFailed.one(
                "mapping", "ไฟล์จับคู่คอลัมน์ต้องเป็นออบเจ็กต์", "The mapping file must be an object."
            )
    sections = {"columns", "values", "defaults"}
    columns = dict(raw.get("columns", {}) if sections & raw.keys() else raw)
    for pair in pairs:
        name, sep, column = pair.partition("=")
        if not sep:
            raise ValidationFailed.one(
                "mapping",
                f"การจับคู่ «{pair}» ต้องอยู่ในรูป ฟิลด์=คอลัมน์",
                f"The mapping «{pair}» must read field=column.",
            )
        columns[name.strip()] = column.strip()
    unknown = sorted(set(columns) - set(FIELDS))
    if unknown:
        raise ValidationFailed.one(
            "mapping",
            f"ไม่รู้จักฟิลด์ {', '.join(unknown)} (ใช้ได้: {', '.join(FIELDS)})",
            f"Unknown field(s) {', '.join(unknown)} (known: {', '.join(FIELDS)}).",
        )
    for name in FIELDS:
        columns.setdefault(name, name)
    values = {k: {str(a): str(b) for a, b in v.items()} for k, v in raw.get("values", {}).items()}
    defaults = {k: str(v) for k, v in raw.get("defaults", {}).items()}
    return ColumnMap(columns, values, defaults)


def read_rows(path: str | Path) -> Iterator[dict[str, str]]:
    """The rows of a CSV (UTF-8, BOM tolerated), JSON array or JSON-lines file, as flat dicts
    (nested JSON objects become dotted keys: complainant.name)."""
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        if path.suffix.lower() == ".csv":
            yield from csv.DictReader(handle)
            return
        text = handle.read()
    stripped = text.lstrip()
    if stripped.startswith("["):
        items = json.loads(stripped)
    else:
        items = [json.loads(line) for line in text.splitlines() if line.strip()]
    for item in items:
        yield _flatten(item) if isinstance(item, dict) else {"": json.dumps(item)}


def _flatten(item: Mapping, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in item.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, f"{name}."))
        elif value is not None:
            out[name] = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return out


def row_key(row: Mapping[str, str], mapping: ColumnMap) -> str:
    """The row's external id, or a hash of its content when the source gave none."""
    external = (row.get(mapping.columns["external_id"]) or "").strip()
    if external:
        return external[:200]
    content = json.dumps(row, ensure_ascii=False, sort_keys=True)
    return "sha256:" + hashlib.sha256(content.encode()).hexdigest()


def parse_date(text: str) -> str:
    """An ISO date from 15/11/2569, 2569-11-15, 2026-11-15 or 15 พ.ย. 2569 (BE years convert)."""
    value = text.strip().translate(_THAI_DIGITS)
    day = month = year = None
    if m := _DMY.match(value):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    elif m := _YMD.match(value):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif (m := _THAI_TEXT_DATE.match(value)) and m[2] in _THAI_MONTHS:
        day, month, year = int(m[1]), _THAI_MONTHS[m[2]], int(m[3])
    try:
        if year is None:
            raise ValueError(value)
        # Buddhist Era years are 543 ahead; no complaint dates from before 1900 CE (2443 BE).
        return date(year - 543 if year > 2400 else year, month, day).isoformat()
    except ValueError:
        raise ValidationFailed.one(
            "occurred_on",
            f"วันที่ «{text}» ไม่ถูกต้อง (ใช้ วว/ดด/ปปปป พ.ศ. หรือ ปปปป-ดด-วว)",
            f"The date «{text}» is not valid (use dd/mm/yyyy BE or yyyy-mm-dd).",
        ) from None


def _parse_bool(name: str, text: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValidationFailed.one(
        name, f"ค่า «{text}» ต้องเป็น ใช่ หรือ ไม่", f"The value «{text}» must be yes or no."
    )


def _area(text: str) -> tuple[str, str | None]:
    """The current code, and the abolished one it replaced (if any)."""
    try:
        return areas.check_area_code(text), None
    except areas.UnknownArea as exc:
        if len(exc.successors) == 1:
            return exc.successors[0], exc.code
        raise ValidationFailed.one("area_code", exc.message_th, exc.message_en) from exc


def to_intake(row: Mapping[str, str], mapping: ColumnMap) -> tuple[dict, str | None]:
    """The intake data of one source row, and the abolished area code it replaced (if any)."""
    plain: dict[str, str] = {}
    for name in FIELDS:
        raw = row.get(mapping.columns[name])
        value = raw.strip() if isinstance(raw, str) else ""
        if not value:
            value = mapping.defaults.get(name, "")
        value = mapping.values.get(name, {}).get(value, value)
        if value:
            plain[name] = value
    data: dict = {
        "channel": plain.get("channel", DEFAULT_CHANNEL),
        # The source system took the complainant's consent when the complaint was filed.
        "consent": _parse_bool("consent", plain["consent"]) if "consent" in plain else True,
    }
    for name in ("title", "description", "category", "address_text"):
        if name in plain:
            data[name] = plain[name]
    errors: dict[str, tuple[str, str]] = {}
    replaced = None
    if "area_code" in plain:
        try:
            data["area_code"], replaced = _area(plain["area_code"])
        except ValidationFailed as exc:
            errors.update(exc.fields)
    if "occurred_on" in plain:
        try:
            data["occurred_on"] = parse_date(plain["occurred_on"])
        except ValidationFailed as exc:
            errors.update(exc.fields)
    for name in ("anonymous", "confidential"):
        if name in plain:
            try:
                data[name] = _parse_bool(name, plain[name])
            except ValidationFailed as exc:
                errors.update(exc.fields)
    person = {
        name.removeprefix("complainant."): value
        for name, value in plain.items()
        if name.startswith("complainant.")
    }
    if "national_id" in person:
        person["national_id"] = re.sub(r"[\s-]", "", person["national_id"].translate(_THAI_DIGITS))
    if person:
        data["complainant"] = person
    if errors:
        # Report every fault of the row at once: the intake form's own checks on the rest.
        try:
            check_form("intake", data, {"channel": data["channel"]})
        except ValidationFailed as exc:
            errors = {**exc.fields, **errors}
        raise ValidationFailed(errors)
    return data, replaced


@dataclass
class ImportSummary:
    """What one run did."""

    rows: int = 0
    imported: int = 0
    rejected: int = 0
    skipped: int = 0
    seconds: float = 0.0
    stopped: bool = False

    def as_dict(self) -> dict:
        """For JSON output."""
        out = asdict(self)
        out["seconds"] = round(self.seconds, 3)
        return out


def importer_actor(source: str) -> Actor:
    """The actor that opens imported cases: it stands in for the source system's intake
    officers (so letters, phone and walk-in complaints keep their channel), has no user
    account and no center (cases go to their area's nearest center)."""
    return Actor(kind="staff", label=f"import:{source}"[:200], roles=frozenset({"intake"}))


def _already_imported(factory: sessionmaker[Session], source: str) -> set[str]:
    with factory() as session:
        return set(
            session.scalars(
                select(ImportedRecord.external_id).where(ImportedRecord.source == source)
            )
        )


class _Batch:
    """Rows opened in one transaction, each inside its own savepoint; committed together.

    One COMMIT (and one feed numbering, one outbox clean-up) per batch instead of per row, and
    the session's identity map keeps the categories, areas and centers the rows look up. A bad
    row rolls back only its savepoint. An interruption loses at most the open batch, whose
    cases and `imported_records` rows vanish together: a resumed run imports them again."""

    def __init__(self, factory: sessionmaker[Session], notify: bool) -> None:
        self.factory, self.notify = factory, notify
        self.session: Session | None = None
        self.keys: list[str] = []
        self.case_ids: list[int] = []
        self.started = 0.0

    def open(self) -> Session:
        """The batch's session, beginning its transaction on first use."""
        if self.session is None:
            self.session = self.factory()
            self.session.begin()
            self.started = time.monotonic()
        return self.session

    def due(self) -> bool:
        """Whether the batch is big or old enough to commit."""
        return self.session is not None and (
            len(self.keys) >= BATCH_ROWS or time.monotonic() - self.started >= BATCH_SECONDS
        )

    def commit(self) -> list[str]:
        """Commit the batch; returns the keys it imported."""
        if self.session is None:
            return []
        try:
            if not self.notify and self.case_ids:
                # The source system already acknowledged these complaints: no messages now.
                self.session.execute(
                    delete(OutboxMessage).where(OutboxMessage.case_id.in_(self.case_ids))
                )
            self.session.commit()
            keys, sqlite = self.keys, is_sqlite(self.session)
        finally:
            self.close()
        if sqlite:
            time.sleep(SQLITE_PAUSE_SECONDS)
        return keys

    def close(self) -> None:
        """Roll back whatever was not committed and start afresh."""
        if self.session is not None:
            self.session.close()
        self.session, self.keys, self.case_ids = None, [], []


def import_file(
    factory: sessionmaker[Session],
    clock: Clock,
    path: str | Path,
    source: str,
    mapping: ColumnMap,
    *,
    rejects: IO[str] | None = None,
    stop_after: int | None = None,
    progress: IO[str] | None = None,
    notify: bool = False,
) -> ImportSummary:
    """Import every row of `path` in batches of savepointed rows; see the module docstring.

    Unless `notify`, the notifications opening a case queues are dropped: the source system
    already acknowledged these complaints, and a migration must not message thousands at once.
    """
    actor = importer_actor(source)
    done = _already_imported(factory, source)
    rows = list(read_rows(path))
    writer = csv.writer(rejects) if rejects is not None else None
    if writer is not None:
        writer.writerow(["row", "external_id", "field", "reason_th", "reason_en"])
    summary = ImportSummary()
    batch = _Batch(factory, notify)
    started = last_shown = time.monotonic()
    try:
        for number, row in enumerate(rows, start=1):
            if stop_after is not None and summary.rows >= stop_after:
                summary.stopped = True
                break
            summary.rows += 1
            key = row_key(row, mapping)
            if key in done:
                summary.skipped += 1
            else:
                outcome = _import_row(batch, clock, actor, source, number, key, row, mapping)
                if outcome is None:
                    done.add(key)
                elif outcome == "skipped":
                    summary.skipped += 1
                    done.add(key)
                else:
                    summary.rejected += 1
                    if writer is not None:
                        for name, (th, en) in outcome.items():
                            writer.writerow([number, key, name, th, en])
            if batch.due():
                summary.imported += len(batch.commit())
            now = time.monotonic()
            if progress is not None and now - last_shown >= 0.5:
                _show(progress, summary.rows, len(rows), summary.rows / (now - started))
                last_shown = now
        summary.imported += len(batch.commit())
    except KeyboardInterrupt:
        # The open batch rolls back: its rows were not imported, and a resumed run takes them.
        summary.rows -= len(batch.keys)
        for key in batch.keys:
            done.discard(key)
        batch.close()
        summary.stopped = True
    summary.seconds = time.monotonic() - started
    if progress is not None:
        _show(progress, summary.rows, len(rows), summary.rows / max(summary.seconds, 1e-9))
        progress.write("\n")
        progress.flush()
    return summary


def _show(stream: IO[str], count: int, total: int, rate: float) -> None:
    stream.write(f"\r{count:,}/{total:,} rows  {rate:,.0f} rows/s")
    stream.flush()


def _import_row(
    batch: _Batch,
    clock: Clock,
    actor: Actor,
    source: str,
    number: int,
    key: str,
    row: Mapping[str, str],
    mapping: ColumnMap,
) -> dict[str, tuple[str, str]] | str | None:
    """None when imported, "skipped" when another run got there first, else the reasons."""
    try:
        data, replaced = to_intake(row, mapping)
        session = batch.open()
        with session.begin_nested():
            opened = open_case(session, clock, actor, data)
            detail: dict[str, object] = {"source": source, "external_id": key, "row": number}
            if replaced:
                detail["abolished_area_code"] = replaced
            journal.record(session, opened.case, actor, "imported", clock(), detail=detail)
            session.add(
                ImportedRecord(
                    source=source,
                    external_id=key,
                    case_id=opened.case.id,
                    row_number=number,
                    imported_at=clock(),
                )
            )
            session.flush()
    except ValidationFailed as exc:
        return exc.fields or {"": (exc.message_th, exc.message_en)}
    except DamrongError as exc:
        return {"": (exc.message_th, exc.message_en)}
    except IntegrityError:
        taken = session.scalar(
            select(ImportedRecord.id).where(
                ImportedRecord.source == source, ImportedRecord.external_id == key
            )
        )
        if taken is not None:
            return "skipped"  # another run imported this row meanwhile
        return {"": ("บันทึกไม่สำเร็จ (ข้อมูลซ้ำ) ลองนำเข้าอีกครั้ง", "Not stored (a clash); retry.")}
    batch.keys.append(key)
    batch.case_ids.append(opened.case.id)
    return None
