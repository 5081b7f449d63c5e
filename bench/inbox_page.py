"""Benchmark: the staff inbox page with many open tasks in the database.

Fills a database with N open tasks (default 100,000; a busy district center holds a tenth of
them, its province a fifth) and times whole page requests through the app, signed in:
the screener's group tab, the same with an SLA filter and a deep page, and a provincial
supervisor's "all open in my area" tab. Prints one JSON object with p50/p95 per page (ms).

    .venv/bin/python bench/inbox_page.py --database-url postgresql://postgres@127.0.0.1/bench
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import delete, func, insert, select  # noqa: E402

from damrong.app import create_app  # noqa: E402
from damrong.config import Config  # noqa: E402
from damrong.migrate import upgrade  # noqa: E402
from damrong.wiring import make_sessionmaker  # noqa: E402
from engine.access import accounts  # noqa: E402
from engine.clock import MovableClock  # noqa: E402
from engine.db import make_engine  # noqa: E402
from engine.models import Case, OrgUnit, Task, User  # noqa: E402
from engine.reference import loader

PASSWORD = "bench-password-1567"
BATCH = 5_000


def fill(factory, clock, count: int) -> None:  # type: ignore[no-untyped-def]
    """N cases with one open task each, inserted in batches (no workflows: the inbox reads none)."""
    rng = random.Random(1567)
    with factory.begin() as session:
        session.execute(delete(Task))
        units = session.execute(
            select(OrgUnit.id, OrgUnit.code, OrgUnit.kind, OrgUnit.area_code)
        ).all()
    busy = next(u for u in units if u.code == "c5001")
    province = [u for u in units if u.kind == "district_center" and u.code.startswith("c50")]
    centers = [u for u in units if u.kind == "district_center"]
    agencies = [u for u in units if u.kind == "agency"]
    steps = [("screen", "กลั่นกรองเรื่อง", "screener"), ("agency_handle", "ดำเนินการ", None)]
    now = clock()
    for start in range(0, count, BATCH):
        cases, tasks = [], []
        with factory.begin() as session:
            first_id = (session.scalar(select(func.max(Case.id))) or 0) + 1
            for i in range(start, min(start + BATCH, count)):
                roll = rng.random()
                center = busy if roll < 0.10 else rng.choice(province if roll < 0.2 else centers)
                area = (center.area_code or "10") + "01"
                step, name, role = steps[0] if rng.random() < 0.6 else steps[1]
                holder = center if role else rng.choice(agencies)
                opened = now - timedelta(days=rng.randint(0, 30), minutes=rng.randint(0, 600))
                due = opened + timedelta(days=rng.randint(3, 20))
                case_id = first_id + (i - start)
                cases.append(
                    dict(
                        id=case_id,
                        version=1,
                        tracking_code=f"B{i:011d}",
                        secret_hash="!",
                        registration_number=f"bench-{i}",
                        center_id=center.id,
                        area_code=area,
                        category_code=rng.choice(["labour", "local_nuisance", "land", "health"]),
                        channel="web",
                        status="screening" if role else "in_progress",
                        title=f"เรื่องทดสอบหมายเลข {i} นายจ้างค้างจ่ายค่าจ้าง",
                        description="ทดสอบ",
                        created_at=opened,
                        updated_at=opened,
                    )
                )
                tasks.append(
                    dict(
                        case_id=case_id,
                        spiff_task_id=str(uuid.UUID(int=rng.getrandbits(128))),
                        step=step,
                        name_th=name,
                        name_en=step,
                        role=role or "agency_officer",
                        form=step,
                        org_unit_id=holder.id,
                        area_code=area,
                        category_code=cases[-1]["category_code"],
                        case_status=cases[-1]["status"],
                        created_at=opened,
                        due_at=due,
                        at_risk_at=due - timedelta(days=1),
                    )
                )
            session.execute(insert(Case), cases)
            session.execute(insert(Task), tasks)


def timed(client, url: str, rounds: int) -> dict:  # type: ignore[no-untyped-def]
    samples = []
    client.get(url)  # warm caches (templates, areas, calendar)
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/inbox-bench.db"
    engine = make_engine(url)
    upgrade(engine)
    factory = make_sessionmaker(engine)
    clock = MovableClock()
    with factory.begin() as session:
        loader.load_all(session)
        for name, unit, roles in (
            ("bench_screener", "c5001", ["screener"]),
            ("bench_supervisor", "c50", ["supervisor", "screener"]),
        ):
            if session.scalar(select(User.id).where(User.username == name)) is None:
                accounts.create_user(session, clock(), name, PASSWORD, unit, roles)
    with factory() as session:
        existing = session.scalar(select(func.count()).select_from(Task))
    filled = 0.0
    if existing < args.tasks:
        started = time.perf_counter()
        fill(factory, clock, args.tasks)
        filled = time.perf_counter() - started
    if not url.startswith("sqlite"):
        # What autovacuum does on a live server: statistics and the visibility map.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE tasks")
            connection.exec_driver_sql("VACUUM ANALYZE cases")
    app = create_app(Config(database_url=url, secret_key="bench"), clock=clock)
    figures: dict = {"database": engine.dialect.name, "open_tasks": args.tasks}
    figures["fill_s"] = round(filled, 1)
    for name, pages in (
        (
            "bench_screener",
            {
                "screener_group_tab": "/staff/inbox?tab=unclaimed",
                "screener_breached_filter": "/staff/inbox?tab=unclaimed&sla_state=breached",
                "screener_page_40": "/staff/inbox?tab=unclaimed&page=40",
            },
        ),
        ("bench_supervisor", {"supervisor_all_in_province": "/staff/inbox?tab=all"}),
    ):
        client = app.test_client()
        token = client.get("/staff/signin").text.split('name="csrf_token" value="')[1]
        client.post(
            "/staff/signin",
            data={"username": name, "password": PASSWORD, "csrf_token": token.split('"')[0]},
        )
        for label, page_url in pages.items():
            figures[label] = timed(client, page_url, args.rounds)
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
