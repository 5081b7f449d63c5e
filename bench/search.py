"""Benchmark: finding cases by words, trigram index against the old LIKE scan.

Fills a database with N cases (default 100,000) whose descriptions are unspaced Thai made of
everyday complaint phrases, then times `search_cases` (the page of 50 rows and its count) for a
national screener (every case) and a district screener (a tenth of them): a rare word, a common
one, two words, an English word, a word found nowhere, and a two-character word (below a
trigram, so both runs use LIKE). The baseline runs the same service with the words matched as
before migration 0011 (LIKE on the table; on PostgreSQL with the GIN indexes switched off).
Prints one JSON object with p50/p95 per query (ms).

    .venv/bin/python bench/search.py --database-url postgresql://postgres@127.0.0.1/bench
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import and_, func, insert, or_, select, text  # noqa: E402

from damrong.migrate import upgrade  # noqa: E402
from damrong.wiring import make_sessionmaker  # noqa: E402
from engine.access.rules import Actor  # noqa: E402
from engine.cases import search  # noqa: E402
from engine.clock import MovableClock  # noqa: E402
from engine.db import make_engine  # noqa: E402
from engine.models import Case, OrgUnit  # noqa: E402
from engine.reference import loader  # noqa: E402

BATCH = 5_000
PHRASES = [
    "นายจ้างค้างจ่ายค่าจ้าง",
    "ถนนหน้าบ้านเป็นหลุมเป็นบ่อ",
    "ไฟฟ้าส่องสว่างดับทั้งซอย",
    "น้ำประปาไม่ไหลมาสามวัน",
    "เสียงดังจากร้านอาหารกลางคืน",
    "ขยะไม่มีคนมาเก็บ",
    "น้ำท่วมขังหน้าตลาดสด",
    "ถูกหลอกให้โอนเงินทางโทรศัพท์",
    "เพื่อนบ้านรุกล้ำที่ดิน",
    "ควันจากโรงงานเหม็นมาก",
    "สุนัขจรจัดกัดเด็กนักเรียน",
    "รถจอดขวางทางเข้าออกบ้าน",
    "ขอให้ตรวจสอบด้วย",
    "เรื่องนี้เป็นมานานแล้ว",
    "แจ้งเจ้าหน้าที่แล้วแต่ยังไม่มีการแก้ไข",
    "ได้รับความเดือดร้อนมาก",
]
RARE = "หม้อแปลงระเบิด"  # about one case in two thousand
ENGLISH = "Transformer"  # about one case in a hundred
QUERIES = {
    "rare_word": "หม้อแปลง",
    "common_word": "ค่าจ้าง",
    "two_words": "หลุม ตลาด",
    "english_word": "transformer",
    "word_found_nowhere": "ไดโนเสาร์",
    "two_characters": "บ่",
}


def fill(factory, clock, count: int) -> None:  # type: ignore[no-untyped-def]
    """N cases inserted in batches (the triggers keep the SQLite index as they go)."""
    rng = random.Random(1567)
    with factory() as session:
        units = session.execute(select(OrgUnit.id, OrgUnit.code, OrgUnit.area_code)).all()
    centers = [u for u in units if u.code.startswith("c") and len(u.code) == 5]
    busy = next(u for u in units if u.code == "c5001")
    now = clock()
    with factory() as session:
        start = session.scalar(select(func.count()).select_from(Case)) or 0
    for first in range(start, count, BATCH):
        rows = []
        for i in range(first, min(first + BATCH, count)):
            center = busy if rng.random() < 0.10 else rng.choice(centers)
            words = rng.sample(PHRASES, rng.randint(3, 6))
            if rng.random() < 0.0005:
                words.insert(rng.randint(0, len(words)), RARE)
            if rng.random() < 0.01:
                words.append(f" {ENGLISH} broken")
            opened = now - timedelta(days=rng.randint(0, 365), minutes=rng.randint(0, 600))
            rows.append(
                dict(
                    version=1,
                    tracking_code=f"S{i:011d}",
                    secret_hash="!",
                    registration_number=f"search-bench-{i}",
                    center_id=center.id,
                    area_code=(center.area_code or "10") + "01",
                    category_code=rng.choice(["labour", "local_nuisance", "land", "health"]),
                    channel="web",
                    status="screening",
                    title=f"{words[0][:20]} ({i})",
                    description="".join(words),
                    created_at=opened,
                    updated_at=opened,
                )
            )
        with factory.begin() as session:
            session.execute(insert(Case), rows)


def old_like_words(session, words: list[str]):  # type: ignore[no-untyped-def]
    """The matching before migration 0011: a LIKE substring test of every row."""
    return and_(
        *[
            or_(
                Case.title.contains(word, autoescape=True),
                Case.description.contains(word, autoescape=True),
            )
            for word in words
        ]
    )


def timed(reader, actor: Actor, query: str, rounds: int, before: Callable) -> dict:  # type: ignore[no-untyped-def, type-arg]
    samples, found = [], 0
    for round_ in range(rounds + 1):
        with reader() as session, session.begin():
            before(session)
            started = time.perf_counter()
            _rows, found = search.search_cases(session, actor, query)
            if round_:  # the first round warms the caches
                samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "found": found,
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/search-bench.db"
    engine = make_engine(url)
    upgrade(engine)
    factory = make_sessionmaker(engine)
    reader = make_sessionmaker(engine, write=False)
    clock = MovableClock()
    with factory.begin() as session:
        loader.load_all(session)
    started = time.perf_counter()
    fill(factory, clock, args.cases)
    filled = time.perf_counter() - started
    postgresql = engine.dialect.name == "postgresql"
    if postgresql:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE cases")
    with factory() as session:
        units = {u.code: u for u in session.scalars(select(OrgUnit))}
        total = session.scalar(select(func.count()).select_from(Case))
    actors = {
        "national_screener": units["central"],
        "district_screener": units["c5001"],
    }
    figures: dict = {"database": engine.dialect.name, "cases": total, "fill_s": round(filled, 1)}

    def indexed(session) -> None:  # type: ignore[no-untyped-def]
        pass

    def scan(session) -> None:  # type: ignore[no-untyped-def]
        if postgresql:  # GIN indexes are read only through bitmap scans
            session.execute(text("SET LOCAL enable_bitmapscan = off"))

    for actor_name, unit in actors.items():
        actor = Actor(
            kind="staff",
            label=actor_name,
            roles=frozenset({"screener"}),
            org_unit_id=unit.id,
            org_unit_kind=unit.kind,
            area_code=unit.area_code,
        )
        for label, query in QUERIES.items():
            trigram = timed(reader, actor, query, args.rounds, indexed)
            with mock.patch.object(search, "_all_words", old_like_words):
                like = timed(reader, actor, query, args.rounds, scan)
            figures[f"{actor_name}/{label}"] = {"trigram": trigram, "like_scan": like}
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
