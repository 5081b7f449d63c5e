"""Benchmark: `damrong import` rows per second, with an interrupted run resumed.

Writes N synthetic Thai complaints (BE dates, Thai titles, several categories and areas) to a
temporary CSV, imports them into a temporary SQLite file (a fresh `damrong init` database), the
first time stopping halfway (as an interruption would), then resumes the same file. Prints
{"rows", "rows_per_s", "resumed_rows_per_s", "interrupted_after", "resumed_skipped",
"resumed_imported", "cases"}: `rows_per_s` is the first leg's rate, `resumed_rows_per_s` the
resumed leg's (it skips the imported half and imports the rest); `cases` must equal `rows`.

    .venv/bin/python bench/import_cases.py --rows 5000
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from engine import definitions, importer, reference  # noqa: E402
from engine.clock import system_clock  # noqa: E402
from engine.db import make_engine, make_sessionmaker  # noqa: E402
from engine.migrate import upgrade  # noqa: E402
from engine.models import Case  # noqa: E402

CATEGORIES = ["labour", "land", "police", "consumer", "online_fraud", "local_nuisance", "debt"]
AREAS = ["500101", "500102", "500103", "100101", "100102", "300101", "900101", "102901"]
SUBJECTS = ["นายจ้างค้างจ่ายค่าจ้าง", "ถนนชำรุดเป็นหลุมบ่อ", "ถูกหลอกโอนเงินออนไลน์",
            "เสียงดังรบกวนยามวิกาล", "ที่ดินทับซ้อนกับเพื่อนบ้าน", "เจ้าหนี้นอกระบบทวงหนี้"]  # fmt: skip
NAMES = ["สมชาย ใจดี", "สมหญิง รักงาน", "ประเสริฐ มั่นคง", "วันเพ็ญ ศรีสุข", ""]
HEADER = ["เลขที่", "เรื่อง", "รายละเอียด", "ประเภท", "รหัสพื้นที่", "วันที่", "ชื่อ", "โทร"]
MAPPING = ["external_id=เลขที่", "title=เรื่อง", "description=รายละเอียด", "category=ประเภท",
           "area_code=รหัสพื้นที่", "occurred_on=วันที่", "complainant.name=ชื่อ",
           "complainant.phone=โทร"]  # fmt: skip


def write_rows(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n in range(rows):
            subject = rng.choice(SUBJECTS)
            writer.writerow(
                [
                    f"OLD-{n:07d}",
                    f"{subject} (เรื่องที่ {n:,})",
                    f"{subject} ผู้ร้องขอให้หน่วยงานตรวจสอบและแก้ไขโดยเร็ว รายการที่ {n}",
                    rng.choice(CATEGORIES),
                    rng.choice(AREAS),
                    f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/{rng.choice([2567, 2568, 2569])}",
                    rng.choice(NAMES),
                    f"08{rng.randint(0, 99_999_999):08d}",
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--progress", action="store_true", help="show the progress bar")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "export.csv"
        write_rows(csv_path, args.rows)
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade(engine)
        factory = make_sessionmaker(engine)
        with factory.begin() as session:
            reference.load_all(session)
            definitions.deploy(session, system_clock())
        mapping = importer.load_mapping(pairs=MAPPING)
        progress = sys.stderr if args.progress else None
        first = importer.import_file(
            factory,
            system_clock,
            csv_path,
            "bench",
            mapping,
            stop_after=args.rows // 2,
            progress=progress,
        )
        resumed = importer.import_file(
            factory, system_clock, csv_path, "bench", mapping, progress=progress
        )
        with factory() as session:
            cases = session.scalar(select(func.count()).select_from(Case))
        engine.dispose()
    print(
        json.dumps(
            {
                "rows": args.rows,
                "rows_per_s": round(first.rows / first.seconds, 1),
                "resumed_rows_per_s": round(resumed.rows / resumed.seconds, 1),
                "interrupted_after": first.rows,
                "resumed_skipped": resumed.skipped,
                "resumed_imported": resumed.imported,
                "rejected": first.rejected + resumed.rejected,
                "cases": cases,
            }
        )
    )


if __name__ == "__main__":
    main()
