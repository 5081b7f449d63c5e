"""Benchmark: engine cost per case against raw SpiffWorkflow on the same model, plus API rate.

Prints one JSON object:
{"cases", "damrong_ms_per_case", "raw_ms_per_case", "ratio", "state_bytes_per_case",
 "api_cases_per_s"}
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from SpiffWorkflow.bpmn import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402
from sqlalchemy import select  # noqa: E402

from damrong.app import create_app  # noqa: E402
from damrong.config import Config  # noqa: E402
from damrong.migrate import upgrade  # noqa: E402
from damrong.wiring import make_sessionmaker  # noqa: E402
from engine.access.rules import Actor  # noqa: E402
from engine.access.tokens import issue_token  # noqa: E402
from engine.cases import tasks  # noqa: E402
from engine.cases.intake import open_case  # noqa: E402
from engine.clock import system_clock  # noqa: E402
from engine.db import make_engine  # noqa: E402
from engine.models import OrgUnit, Task, User, WorkflowInstance  # noqa: E402
from engine.reference import loader  # noqa: E402
from engine.workflow import definitions, spiff, versions
from engine.workflow.scripting import make_script_engine  # noqa: E402

DESCRIPTION = (
    "ผู้ร้องแจ้งว่านายจ้างค้างจ่ายค่าจ้างเป็นเวลาสองเดือน ไม่ยอมออกหนังสือรับรองการทำงาน "
    "และขู่ว่าจะเลิกจ้างหากร้องเรียนต่อหน่วยงานราชการ "
) * 9
DESCRIPTION = DESCRIPTION[:1000]


def intake() -> dict:
    return {
        "title": "นายจ้างค้างจ่ายค่าจ้าง",
        "description": DESCRIPTION,
        "category": "labour",
        "area_code": "500101",
        "channel": "walk_in",
        "consent": True,
        "complainant": {"name": "สมหญิง รักงาน", "phone": "0812345678"},
    }


def setup(url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    upgrade(engine)
    factory = make_sessionmaker(engine)
    with factory.begin() as session:
        loader.load_all(session)
        versions.install_shipped(session, system_clock())
        users = {}
        for name, unit, roles in (
            ("intake", "c5001", ["intake"]),
            ("screener", "c5001", ["screener"]),
        ):
            unit_id = session.scalar(select(OrgUnit.id).where(OrgUnit.code == unit))
            user = User(
                username=name,
                display_name=name,
                password_hash="!",
                org_unit_id=unit_id,
                roles=roles,
                active=True,
                language="th",
                created_at=system_clock(),
            )
            session.add(user)
            session.flush()
            users[name] = user
        token = issue_token(session, system_clock(), users["intake"])
        actors = {k: Actor.for_user(u) for k, u in users.items()}
    return engine, factory, actors, token


def bench_damrong(factory, actors, n: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    sizes: list[int] = []
    start = time.perf_counter()
    for _ in range(n):
        with factory.begin() as session:
            case = open_case(session, system_clock, actors["intake"], intake()).case
            case_id = case.id
            sizes.append(len(session.get(WorkflowInstance, case_id).state))
        with factory.begin() as session:
            task_id = session.scalar(select(Task.id).where(Task.case_id == case_id))
            tasks.complete_task(
                session,
                system_clock,
                actors["screener"],
                task_id,
                {"decision": "reject", "reason": "ทดสอบ"},
            )
    elapsed = (time.perf_counter() - start) * 1000 / n
    return elapsed, sum(sizes) / len(sizes)


def bench_raw(n: int) -> float:
    parsed = spiff.parse(definitions.read_process_files(), "complaint")
    helpers = {
        "category_default_agency": lambda c: None,
        "refer_case": lambda *a: None,
        "notify": lambda e: None,
        "policy_duration": lambda n: "P30D",
        "province_of": lambda a: a[:2],
    }
    engine = make_script_engine(helpers)
    serializer = spiff.SERIALIZER
    start = time.perf_counter()
    for _ in range(n):
        wf = BpmnWorkflow(parsed.spec, parsed.subprocess_specs, script_engine=engine)
        wf.data.update(
            {"category": "labour", "area_code": "500101", "province": "50", "channel": "walk_in"}
        )
        wf.do_engine_steps()
        text = serializer.serialize_json(wf)
        wf = serializer.deserialize_json(text)
        wf.script_engine = engine
        [task] = wf.get_tasks(state=TaskState.READY, manual=True)
        task.set_data(decision="reject")
        task.run()
        wf.do_engine_steps()
        serializer.serialize_json(wf)
    return (time.perf_counter() - start) * 1000 / n


def bench_api(url: str, token: str, n: int) -> float:
    app = create_app(Config(database_url=url))
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    start = time.perf_counter()
    for _ in range(n):
        response = client.post("/api/v1/cases", json=intake(), headers=headers)
        assert response.status_code == 201, response.get_json()
    return n / (time.perf_counter() - start)


def main() -> None:
    """Run all three measurements on one SQLite file and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        _engine, factory, actors, token = setup(url)
        bench_damrong(factory, actors, 10)  # warm-up: caches, first-use imports
        damrong_ms, state_bytes = bench_damrong(factory, actors, args.cases)
        bench_raw(10)
        raw_ms = bench_raw(args.cases)
        api_rate = bench_api(url, token, args.cases)
    print(
        json.dumps(
            {
                "cases": args.cases,
                "damrong_ms_per_case": round(damrong_ms, 3),
                "raw_ms_per_case": round(raw_ms, 3),
                "ratio": round(damrong_ms / raw_ms, 2),
                "state_bytes_per_case": round(state_bytes),
                "api_cases_per_s": round(api_rate, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
