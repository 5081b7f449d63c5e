"""Benchmark: one sweep process fires 10,000 due timers, on SQLite and on PostgreSQL.

Every case is a resolved complaint whose reopen window has just run out (cloned from one real
case, so the workflows are identical); the sweep is the scheduler's own job function with a
clock that follows real time, so each case's audit entry shows how late it fired. The baseline
is raw SpiffWorkflow refreshing the same workflows (load, refresh timers, run, save) in the
same run.

Prints one JSON object per database:
{"database", "timers", "timers_per_s", "max_lateness_s", "p50_lateness_s",
 "raw_refresh_ms_per_timer", "damrong_ms_per_timer", "ratio"}
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import psycopg  # noqa: E402
from engine_vs_raw import intake, setup  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from engine.cases import tasks  # noqa: E402
from engine.cases.intake import open_case  # noqa: E402
from engine.clock import MovableClock  # noqa: E402
from engine.models import AuditEvent, Case, Timer, WorkflowInstance  # noqa: E402
from engine.workflow import spiff  # noqa: E402
from engine.workflow.runner import _parsed_of  # noqa: E402
from engine.workflow.scripting import make_script_engine  # noqa: E402
from engine.workflow.timers import fire_due_timers  # noqa: E402


def template_case(factory, actors, resolved_at: datetime) -> int:  # type: ignore[no-untyped-def]
    """One real case resolved at `resolved_at`: it waits on the reopen-window timer."""
    clock = MovableClock(resolved_at)
    with factory.begin() as session:
        case_id = open_case(session, clock, actors["intake"], intake()).case.id
    with factory.begin() as session:
        task_id = session.scalar(select(tasks.Task.id).where(tasks.Task.case_id == case_id))
        tasks.complete_task(
            session, clock, actors["screener"], task_id, {"decision": "resolve", "reason": "แล้ว"}
        )
    return case_id


def clone(factory, case_id: int, n: int) -> list[int]:  # type: ignore[no-untyped-def]
    """n copies of a case with its workflow state and timer, inserted in bulk."""
    with factory.begin() as session:
        case_row = dict(
            session.execute(select(Case.__table__).where(Case.id == case_id)).one()._mapping
        )
        instance = dict(
            session.execute(
                select(WorkflowInstance.__table__).where(WorkflowInstance.case_id == case_id)
            )
            .one()
            ._mapping
        )
        timer = dict(
            session.execute(select(Timer.__table__).where(Timer.case_id == case_id)).one()._mapping
        )
        start = session.scalar(select(func.max(Case.id))) + 1
        ids = list(range(start, start + n))
        for chunk in range(0, n, 1000):
            part = ids[chunk : chunk + 1000]
            session.execute(
                insert(Case.__table__),
                [
                    {
                        **case_row,
                        "id": i,
                        "tracking_code": uuid.uuid4().hex[:16].upper(),
                        "registration_number": f"bench-{i}",
                    }
                    for i in part
                ],
            )
            session.execute(
                insert(WorkflowInstance.__table__), [{**instance, "case_id": i} for i in part]
            )
            timer.pop("id", None)
            session.execute(insert(Timer.__table__), [{**timer, "case_id": i} for i in part])
    return ids


def bench_sweep(factory, ids: list[int], due: datetime) -> dict:  # type: ignore[no-untyped-def]
    """The scheduler's sweep job until no timer is left; lateness from the audit entries."""
    t0 = time.perf_counter()

    def clock() -> datetime:  # real time, starting the moment the timers fell due
        return due + timedelta(seconds=time.perf_counter() - t0)

    fired = 0
    while True:
        result = fire_due_timers(factory, clock, limit=1000)
        fired += result.fired
        if result.fired == 0 and result.failed == 0:
            break
    elapsed = time.perf_counter() - t0
    with factory() as session:
        ats = sorted(
            session.scalars(
                select(AuditEvent.at).where(
                    AuditEvent.case_id.in_(ids[:1] + ids[-1:]) | (AuditEvent.case_id >= ids[0]),
                    AuditEvent.action == "status_changed",
                    AuditEvent.status_after == "closed",
                )
            )
        )
        left = session.scalar(
            select(func.count()).select_from(Timer).where(Timer.case_id >= ids[0])
        )
    lateness = [(a - due).total_seconds() for a in ats]
    return {
        "fired": fired,
        "left": left,
        "elapsed_s": elapsed,
        "max_lateness_s": max(lateness) if lateness else None,
        "p50_lateness_s": lateness[len(lateness) // 2] if lateness else None,
    }


def bench_raw(factory, case_id: int, n: int, due: datetime) -> float:
    """Raw SpiffWorkflow on the same state: load, refresh timers, run, dump; ms per timer."""
    with factory() as session:
        instance = session.get(WorkflowInstance, case_id)
        parsed = _parsed_of(session, instance)
        state = instance.state
    helpers = {
        "category_default_agency": lambda c: None,
        "refer_case": lambda *a: None,
        "notify": lambda e: None,
        "policy_duration": lambda n: "P30D",
        "province_of": lambda a: a[:2],
    }
    engine = make_script_engine(helpers)
    clock = MovableClock(due + timedelta(seconds=1))
    start = time.perf_counter()
    for _ in range(n):
        wf = spiff.load_state(parsed, state, engine)
        with spiff.running_at(clock):
            wf.refresh_timers()
            wf.do_engine_steps()
        spiff.dump_state(wf)
    assert wf.is_completed()
    return (time.perf_counter() - start) * 1000 / n


def run(url: str, label: str, n: int) -> dict:
    _engine, factory, actors, _token = setup(url)
    resolved_at = datetime.now(UTC).replace(microsecond=0) - timedelta(days=40)
    template = template_case(factory, actors, resolved_at)
    with factory() as session:
        due = session.scalar(select(Timer.fire_at).where(Timer.case_id == template))
    ids = [template, *clone(factory, template, n - 1)]
    raw_ms = bench_raw(factory, template, min(n, 2000), due)
    sweep = bench_sweep(factory, ids, due)
    assert sweep["fired"] == n and sweep["left"] == 0, sweep
    damrong_ms = sweep["elapsed_s"] * 1000 / n
    _engine.dispose()
    return {
        "database": label,
        "timers": n,
        "timers_per_s": round(n / sweep["elapsed_s"], 1),
        "max_lateness_s": round(sweep["max_lateness_s"], 2),
        "p50_lateness_s": round(sweep["p50_lateness_s"], 2),
        "raw_refresh_ms_per_timer": round(raw_ms, 3),
        "damrong_ms_per_timer": round(damrong_ms, 3),
        "ratio": round(damrong_ms / raw_ms, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--timers", type=int, default=10_000)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(json.dumps(run(f"sqlite:///{tmp}/timers.db", "sqlite", args.timers)), flush=True)
    if args.no_postgres:
        return
    name = f"damrong_bench_timers_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{args.postgres}/postgres", autocommit=True) as admin:
        admin.execute(
            f"CREATE DATABASE {name} ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' "
            "LC_CTYPE 'C.UTF-8' TEMPLATE template0"
        )
    try:
        print(json.dumps(run(f"{args.postgres}/{name}", "postgresql", args.timers)), flush=True)
    finally:
        with psycopg.connect(f"{args.postgres}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    main()
