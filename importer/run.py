"""`damrong import`: open cases from another complaint system's CSV or JSON export.

Every row goes through the same intake validation and `open_case` service as any complaint, in
its own savepoint, so a bad row is reported (Thai and English) and the others still go in; rows
commit in batches (at most BATCH_ROWS rows or BATCH_SECONDS). Each imported row leaves an
`imported_records(source, external_id)` row written in the same transaction as its case:
re-running the same file after an interruption skips what is already in and never opens a case
twice. Rows without an external id are known by a hash of their content (importer/read.py).
Columns map to intake fields as importer/mapping.py describes.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
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
from engine.models import OutboxMessage
from importer.mapping import ColumnMap, to_intake
from importer.models import ImportedRecord
from importer.read import read_rows, row_key

# A batch commits after this many imported rows or this many seconds, whichever comes first:
# few COMMITs, and an interruption loses (to the resumed run) at most a second of work.
BATCH_ROWS = 200
BATCH_SECONDS = 1.0
# SQLite has one write lock: a short pause after each batch lets a waiting writer (the web, the
# scheduler) in before the next batch. Damrong's writers wait at engine/writegate.py's queue,
# which polls every millisecond; 20 ms leaves room for a busy machine's scheduling delays.
SQLITE_PAUSE_SECONDS = 0.02


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
