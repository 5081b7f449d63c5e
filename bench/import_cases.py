"""Benchmark: `damrong import` rows per second, killed part-way and resumed, against baselines.

Writes N synthetic Thai complaints (BE dates, Thai titles, several categories and areas) to a
temporary CSV and a fresh database (SQLite file, or --database-url for PostgreSQL), then:

1. runs `damrong import` as its own process and kills it (SIGKILL: no chance to tidy up) once
   about half the rows are in;
2. runs the same command again: it skips what is in and imports the rest;
3. checks there are exactly N cases, N import records and N distinct titles (no duplicate);
4. baselines on fresh databases: `open_case` called directly, one transaction per case, on a
   sample (what the importer adds on top of the engine), and a raw SQL `executemany` of the
   same N rows into a plain table (the floor no importer can beat).

Prints JSON: `rows_per_s` is the whole import (rows imported by both legs / their wall time),
`cpu_rows_per_s` the same per CPU second of the import processes (steadier on a shared
machine), and each leg's figures.

    .venv/bin/python bench/import_cases.py --rows 100000
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select, text  # noqa: E402

from damrong.migrate import upgrade  # noqa: E402
from damrong.wiring import make_sessionmaker  # noqa: E402
from engine.cases.intake import open_case  # noqa: E402
from engine.clock import system_clock  # noqa: E402
from engine.db import make_engine  # noqa: E402
from engine.models import Case
from engine.reference import loader  # noqa: E402
from engine.workflow import versions
from importer.mapping import load_mapping, to_intake
from importer.models import ImportedRecord  # noqa: E402
from importer.read import read_rows
from importer.run import importer_actor

ROOT = Path(__file__).resolve().parent.parent
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


def fresh_database(url: str):  # type: ignore[no-untyped-def]
    """A migrated database with reference data and the processes deployed."""
    engine = make_engine(url)
    upgrade(engine)
    factory = make_sessionmaker(engine)
    with factory.begin() as session:
        loader.load_all(session)
        versions.install_shipped(session, system_clock())
    return engine, factory


def child_cpu() -> float:
    """CPU seconds used so far by finished child processes."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def count_cases(engine) -> int:  # type: ignore[no-untyped-def]
    with make_sessionmaker(engine, write=False)() as session:
        return session.scalar(select(func.count()).select_from(Case)) or 0


def run_import(csv_path: Path, url: str, engine, kill_at: int | None) -> dict:  # type: ignore[no-untyped-def]
    """One `damrong import` process; killed once `kill_at` cases exist. Wall and CPU time."""
    command = [sys.executable, "-m", "damrong.cli", "import", str(csv_path), "--source", "bench",
               "--quiet", *[a for pair in MAPPING for a in ("--map", pair)]]  # fmt: skip
    env = {**os.environ, "DAMRONG_DATABASE_URL": url}
    before, started = count_cases(engine), time.monotonic()
    cpu = child_cpu()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    if kill_at is not None:
        while process.poll() is None and count_cases(engine) < kill_at:
            time.sleep(0.5)  # a benchmark may wait; the import runs in its own process
        process.send_signal(signal.SIGKILL)
    out, _ = process.communicate()
    seconds = time.monotonic() - started
    imported = count_cases(engine) - before
    summary = json.loads(out.strip().splitlines()[-1]) if out.strip() else None
    return {
        "imported": imported,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(child_cpu() - cpu, 1),
        "rows_per_s": round(imported / seconds, 1),
        "killed": kill_at is not None,
        "summary": summary,
    }


def engine_baseline(csv_path: Path, url: str, sample: int) -> float:
    """Rows per second of `open_case` alone, one transaction per case (no import records)."""
    engine, factory = fresh_database(url)
    mapping = load_mapping(pairs=MAPPING)
    actor = importer_actor("baseline")
    rows = [to_intake(r, mapping)[0] for r in read_rows(csv_path)][:sample]
    started = time.monotonic()
    for data in rows:
        with factory.begin() as session:
            open_case(session, system_clock, actor, data)
    rate = len(rows) / (time.monotonic() - started)
    engine.dispose()
    return round(rate, 1)


def raw_sql_baseline(csv_path: Path, url: str) -> float:
    """Rows per second of a plain `executemany` INSERT of the same rows into a bare table."""
    engine = make_engine(url)
    rows = [dict(zip(("a", "b", "c", "d", "e", "f", "g", "h"), r.values(), strict=True))
            for r in read_rows(csv_path)]  # fmt: skip
    started = time.monotonic()
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS raw_import"))
        columns = ", ".join(f"{c} TEXT" for c in "abcdefgh")
        connection.execute(text(f"CREATE TABLE raw_import ({columns})"))
        connection.execute(
            text("INSERT INTO raw_import VALUES (:a, :b, :c, :d, :e, :f, :g, :h)"), rows
        )
    rate = len(rows) / (time.monotonic() - started)
    engine.dispose()
    return round(rate, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--baseline-sample", type=int, default=1000)
    parser.add_argument("--database-url", help="PostgreSQL (emptied first); default: SQLite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "export.csv"
        write_rows(csv_path, args.rows)
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine, factory = fresh_database(url)
        first = run_import(csv_path, url, engine, kill_at=args.rows // 2)
        resumed = run_import(csv_path, url, engine, kill_at=None)
        with factory() as session:
            cases = session.scalar(select(func.count()).select_from(Case))
            titles = session.scalar(select(func.count(func.distinct(Case.title))))
            records = session.scalar(select(func.count()).select_from(ImportedRecord))
            keys = session.scalar(select(func.count(func.distinct(ImportedRecord.external_id))))
        engine.dispose()
        base_url = None if args.database_url else f"sqlite:///{Path(tmp) / 'base.db'}"
        engine_rate = engine_baseline(csv_path, base_url or url, args.baseline_sample)
        raw_url = args.database_url or f"sqlite:///{Path(tmp) / 'raw.db'}"
        raw_rate = raw_sql_baseline(csv_path, raw_url)
    seconds = first["seconds"] + resumed["seconds"]
    cpu = first["cpu_seconds"] + resumed["cpu_seconds"]
    print(
        json.dumps(
            {
                "rows": args.rows,
                "rows_per_s": round(args.rows / seconds, 1),
                "cpu_rows_per_s": round(args.rows / cpu, 1) if cpu else None,
                "import_seconds": round(seconds, 1),
                "killed_leg": {k: v for k, v in first.items() if k != "summary"},
                "resumed_leg": resumed,
                "cases": cases,
                "distinct_titles": titles,
                "import_records": records,
                "distinct_external_ids": keys,
                "no_duplicates": cases == titles == records == keys == args.rows,
                "baseline_open_case_rows_per_s": engine_rate,
                "baseline_raw_sql_rows_per_s": raw_rate,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
