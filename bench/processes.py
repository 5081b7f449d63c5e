"""Benchmark: process versions. Validating and deploying the shipped complaint process, moving
N running cases to a new version (dry run and real), and `damrong check` after the move.

Cases are spread over screening, waiting at the agency (to acknowledge, or handling), review
and the reopen window. A few hundred are opened and moved through the services; the rest are
their clones (rows copied with new ids, task ids and tracking codes: "cases_cloned"), which
`damrong check` confirms agree with their workflows before anything is timed.

Baselines in the same run, on the same stored states: raw SpiffWorkflow loading each workflow
and migrating it with `diff_workflow` / `migrate_workflow` (as its docs show, a spec diff per
workflow, and with one spec diff shared by all), and our in-memory `migration.migrate`.

Prints one JSON object. SQLite in a temporary folder unless `--postgres URL` names a server:
then a database damrong_bench_proc is made there and dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
import uuid
import zlib
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from SpiffWorkflow.bpmn.util.diff import (  # noqa: E402
    SpecDiff,
    WorkflowDiff,
    diff_workflow,
    migrate_workflow,
)
from sqlalchemy import create_engine, func, insert, make_url, select, text  # noqa: E402

from damrong.migrate import upgrade  # noqa: E402
from damrong.wiring import make_sessionmaker  # noqa: E402
from engine.access.rules import Actor  # noqa: E402
from engine.cases import intake, tasks  # noqa: E402
from engine.clock import MovableClock  # noqa: E402
from engine.db import make_engine  # noqa: E402
from engine.models import (  # noqa: E402
    Case,
    OrgUnit,
    ProcessDefinition,
    Referral,
    Task,
    Timer,
    User,
    WorkflowInstance,
)
from engine.reference import loader  # noqa: E402
from engine.workflow import catalog, definitions, migration, spiff, versions  # noqa: E402
from engine.workflow.invariants import check_cases  # noqa: E402
from engine.workflow.scripting import make_script_engine  # noqa: E402

DATABASE = "damrong_bench_proc"
ADMIN = Actor.system("bench")
POSITIONS = ("screening", "agency", "review", "reopen_window")
UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# v2: screening renamed, review's English name changed, a new task after review; no case blocks.
V2_EDITS = (
    ('name="กลั่นกรองเรื่อง"', 'name="กลั่นกรองเรื่องร้องเรียน"'),
    ('value="Review the agency\'s result"', 'value="Check the agency\'s result"'),
    (
        '<bpmn:sequenceFlow id="flow_review__review_result" sourceRef="review" '
        'targetRef="review_result"/>',
        '<bpmn:sequenceFlow id="flow_review__double_check" sourceRef="review" '
        'targetRef="double_check"/>\n'
        '    <bpmn:userTask id="double_check" name="ตรวจซ้ำ">\n'
        "      <bpmn:extensionElements><spiffworkflow:properties>\n"
        '        <spiffworkflow:property name="status" value="under_review"/>\n'
        '        <spiffworkflow:property name="form" value="review"/>\n'
        '        <spiffworkflow:property name="name_en" value="Check again"/>\n'
        "      </spiffworkflow:properties></bpmn:extensionElements>\n"
        "    </bpmn:userTask>\n"
        '    <bpmn:sequenceFlow id="flow_double_check__review_result" '
        'sourceRef="double_check" targetRef="review_result"/>',
    ),
    (
        "<bpmn:flowNodeRef>review</bpmn:flowNodeRef>",
        "<bpmn:flowNodeRef>review</bpmn:flowNodeRef>\n"
        "        <bpmn:flowNodeRef>double_check</bpmn:flowNodeRef>",
    ),
)
HELPERS = {  # the runner's helpers, inert: nothing here runs a script
    "category_default_agency": lambda c: None,
    "refer_case": lambda *a: None,
    "notify": lambda e: None,
    "policy_duration": lambda n: "P30D",
    "province_of": lambda a: a[:2],
}


def shipped() -> dict[str, str]:
    """The shipped complaint process as `damrong init` deploys it (BPMN and its DMN)."""
    return dict(dict(definitions.shipped_bundles())["complaint"])


def edited(files: dict[str, str], *edits: tuple[str, str]) -> dict[str, str]:
    """A copy of the files with each edit made once in complaint.bpmn."""
    bpmn = files["complaint.bpmn"]
    for old, new in edits:
        assert bpmn.count(old) == 1, old
        bpmn = bpmn.replace(old, new)
    return {**files, "complaint.bpmn": bpmn}


def setup(url: str):  # type: ignore[no-untyped-def]
    """A fresh schema with the reference data, the shipped processes and three officials."""
    engine = make_engine(url)
    upgrade(engine)
    factory = make_sessionmaker(engine)
    clock = MovableClock(datetime.now(UTC).replace(microsecond=0))
    with factory.begin() as session:
        loader.load_all(session)
        versions.install_shipped(session, clock())
        actors = {}
        for name, unit, roles in (
            ("intake", "c5001", ["intake"]),
            ("screener", "c5001", ["screener"]),
            ("labour", "mol", ["agency_officer"]),
        ):
            user = User(
                username=name,
                display_name=name,
                password_hash="!",
                org_unit_id=session.scalar(select(OrgUnit.id).where(OrgUnit.code == unit)),
                roles=roles,
                active=True,
                language="th",
                created_at=clock(),
            )
            session.add(user)
            session.flush()
            actors[name] = Actor.for_user(user)
    return engine, factory, clock, actors


def bench_deploy(factory, clock, runs: int) -> dict:  # type: ignore[no-untyped-def]
    """versions.check, and versions.deploy (which checks again), of the shipped process with a
    new marker each run so it is a new version; each deploy is rolled back. Medians in ms."""
    checks, deploys = [], []
    for run in range(runs + 1):  # the first is a warm-up
        marker = f"<!-- bench {run} {uuid.uuid4().hex} -->\n</bpmn:definitions>"
        files = edited(shipped(), ("</bpmn:definitions>", marker))
        with factory() as session:
            start = time.perf_counter()
            result = versions.check(session, files, "complaint")[0]
            checked = time.perf_counter()
            deployed = versions.deploy(session, clock(), files, "complaint", "bench", draft=True)
            done = time.perf_counter()
            assert result.parsed is not None and deployed.created
            session.rollback()
        if run:
            checks.append((checked - start) * 1000)
            deploys.append((done - checked) * 1000)
    definitions.forget_all()  # a rolled-back version's id may be used again
    return {
        "validate_ms_median": round(statistics.median(checks), 1),
        "deploy_ms_median": round(statistics.median(deploys), 1),
        "deploy_runs": runs,
    }


def _complete(factory, clock, actor, case_id: int, step: str, data: dict) -> None:  # type: ignore[no-untyped-def]
    with factory.begin() as session:
        task_id = session.scalar(select(Task.id).where(Task.case_id == case_id, Task.step == step))
        assert task_id is not None, (case_id, step)
        tasks.complete_task(session, clock, actor, task_id, data)


def open_cases(factory, clock, actors, n: int) -> list[int]:  # type: ignore[no-untyped-def]
    """n cases through the services, in turn at each of POSITIONS."""
    data = {
        "title": "นายจ้างค้างจ่ายค่าจ้าง",
        "description": "นายจ้างไม่จ่ายค่าจ้างเดือนที่แล้ว ขอให้ตรวจสอบด้วย",
        "category": "labour",
        "area_code": "500101",
        "channel": "walk_in",
        "consent": True,
        "complainant": {"name": "สมหญิง รักงาน", "phone": "0812345678"},
    }
    result = {"action": "result", "result_text": "นายจ้างจ่ายค่าจ้างครบแล้ว"}
    screener, labour, ids = actors["screener"], actors["labour"], []
    for i in range(n):
        with factory.begin() as session:
            case_id = intake.open_case(session, clock, actors["intake"], data).case.id
        ids.append(case_id)
        position = POSITIONS[i % len(POSITIONS)]
        if position == "screening":
            continue
        _complete(factory, clock, screener, case_id, "screen", {"decision": "refer"})
        if position == "agency" and i % 8 < 4:
            continue  # waiting for the agency to acknowledge
        _complete(factory, clock, labour, case_id, "agency_acknowledge", {})
        if position == "agency":
            continue  # the agency is handling it
        _complete(factory, clock, labour, case_id, "agency_handle", result)
        if position == "review":
            continue
        _complete(factory, clock, screener, case_id, "review", {"review_decision": "accept"})
    return ids


def _rows_of(session, table, case_id: int) -> list[dict]:  # type: ignore[no-untyped-def]
    query = select(table).where(table.c.case_id == case_id)
    return [dict(row._mapping) for row in session.execute(query)]


def clone_cases(factory, templates: list[int], n: int) -> list[int]:  # type: ignore[no-untyped-def]
    """n copies of the template cases in turn: case, workflow, task, timer and referral rows,
    each copy with its own case id, tracking code, registration number and task ids."""
    with factory() as session:
        source = {}
        for case_id in templates:
            case_row = dict(
                session.execute(select(Case.__table__).where(Case.id == case_id)).one()._mapping
            )
            tables = (WorkflowInstance.__table__, Task.__table__, Timer.__table__)
            (instance,), task_rows, timer_rows = (_rows_of(session, t, case_id) for t in tables)
            referrals = _rows_of(session, Referral.__table__, case_id)
            state = zlib.decompress(instance["state"]).decode()
            source[case_id] = (case_row, instance, task_rows, timer_rows, referrals, state)
        first = session.scalar(select(func.max(Case.id))) + 1
    ids = list(range(first, first + n))
    for chunk in range(0, n, 500):
        rows: dict[str, list[dict]] = {"cases": [], "wf": [], "tasks": [], "timers": [], "ref": []}
        for new_id in ids[chunk : chunk + 500]:
            template = templates[(new_id - first) % len(templates)]
            _clone_one(source[template], template, new_id, rows)
        with factory.begin() as session:
            session.execute(insert(Case.__table__), rows["cases"])
            session.execute(insert(WorkflowInstance.__table__), rows["wf"])
            for table, key in ((Task, "tasks"), (Timer, "timers"), (Referral, "ref")):
                if rows[key]:
                    session.execute(insert(table.__table__), rows[key])
    return ids


def _clone_one(source: tuple, template: int, new_id: int, rows: dict[str, list[dict]]) -> None:
    case_row, instance, task_rows, timer_rows, referrals, state = source
    fresh: dict[str, str] = {}
    state = UUID_TEXT.sub(lambda m: fresh.setdefault(m[0], str(uuid.uuid4())), state)
    state = re.sub(rf'"case_id":{template}(?=[,}}])', f'"case_id":{new_id}', state)
    rows["cases"].append(
        {
            **case_row,
            "id": new_id,
            "tracking_code": uuid.uuid4().hex[:16].upper(),
            "registration_number": f"BENCH-{new_id}",
        }
    )
    rows["wf"].append({**instance, "case_id": new_id, "state": zlib.compress(state.encode(), 1)})
    for key, found in (("tasks", task_rows), ("timers", timer_rows), ("ref", referrals)):
        for row in found:
            copy = {k: v for k, v in row.items() if k != "id"}  # a new id from the database
            copy["case_id"] = new_id
            if "spiff_task_id" in copy:
                copy["spiff_task_id"] = fresh[copy["spiff_task_id"]]
            rows[key].append(copy)


def _states(factory, definition_id: int) -> list[bytes]:  # type: ignore[no-untyped-def]
    with factory() as session:
        query = (
            select(WorkflowInstance.state)
            .where(WorkflowInstance.definition_id == definition_id)
            .order_by(WorkflowInstance.case_id)
        )
        return list(session.scalars(query))


def bench_in_memory(states: list[bytes], old, new, clock) -> dict:  # type: ignore[no-untyped-def]
    """Cases/s of load alone, raw SpiffWorkflow's migration and ours, on the same states."""
    engine = make_script_engine(HELPERS)
    registry = spiff.SERIALIZER.registry
    shared = {"top": SpecDiff(registry, old.spec, new.spec)}
    for name, spec in old.subprocess_specs.items():
        shared[name] = SpecDiff(registry, spec, new.subprocess_specs[name])

    def raw(wf, per_workflow: bool) -> None:  # type: ignore[no-untyped-def]
        if per_workflow:  # as SpiffWorkflow's docs show
            top, subs = diff_workflow(registry, wf, new.spec, new.subprocess_specs)
        else:
            top = WorkflowDiff(wf, shared["top"])
            subs = {k: WorkflowDiff(sp, shared[sp.spec.name]) for k, sp in wf.subprocesses.items()}
        migrate_workflow(top, wf, new.spec)
        for sp_id, sp in wf.subprocesses.items():
            migrate_workflow(subs[sp_id], sp, new.subprocess_specs[sp.spec.name])
        wf.subprocess_specs = new.subprocess_specs
        assert wf.spec is new.spec

    def ours(wf) -> None:  # type: ignore[no-untyped-def]
        with spiff.running_at(clock):
            assert migration.migrate(wf, old, new).spec is new.spec

    for blob in states[:50]:  # warm-up: first-use imports and caches
        spiff.load_state(old, blob, engine)
    rates = {}
    for label, move in (
        ("load_only", lambda wf: None),
        ("raw_spiff_diff_per_workflow", lambda wf: raw(wf, True)),
        ("raw_spiff_shared_spec_diff", lambda wf: raw(wf, False)),
        ("damrong_in_memory", ours),
    ):
        start = time.perf_counter()
        for blob in states:
            move(spiff.load_state(old, blob, engine))
        rates[f"{label}_cases_per_s"] = round(len(states) / (time.perf_counter() - start), 1)
    return rates


def run(url: str, label: str, n: int, through_services: int, deploy_runs: int) -> dict:
    engine, factory, clock, actors = setup(url)
    figures: dict[str, object] = {"database": label, "cases": n}
    figures.update(bench_deploy(factory, clock, deploy_runs))

    start = time.perf_counter()
    opened = open_cases(factory, clock, actors, min(n, through_services))
    figures["opened_through_services"] = len(opened)
    figures["services_cases_per_s"] = round(len(opened) / (time.perf_counter() - start), 1)
    clones = clone_cases(factory, opened, n - len(opened)) if n > len(opened) else []
    figures["cases_cloned"] = bool(clones)
    figures["build_s"] = round(time.perf_counter() - start, 1)
    reader = make_sessionmaker(engine, write=False)
    sample = opened + clones[: 4 * len(opened)]
    assert list(check_cases(reader, case_ids=sample)) == [], "the clones disagree"

    with factory.begin() as session:
        v1 = definitions.live(session, "complaint")
        deployed = versions.deploy(session, clock(), edited(shipped(), *V2_EDITS), "complaint")
        v2 = deployed.definition.id
        v2_version = deployed.definition.version
        old, new = (definitions.parsed_for(session, i) for i in (v1, v2))
        v1_version = session.get(ProcessDefinition, v1).version
    states = _states(factory, v1)
    assert len(states) == n, (len(states), n)
    clock.advance(days=1)
    for dry_run in (True, False):
        start = time.perf_counter()
        report = catalog.migrate(
            factory, clock, ADMIN, "complaint", v1_version, v2_version, dry_run=dry_run
        )
        rate = round(n / (time.perf_counter() - start), 1)
        figures["dry_run_cases_per_s" if dry_run else "migrate_cases_per_s"] = rate
        assert report["migratable"] == n and report["migrated"] == (0 if dry_run else n), {
            k: v for k, v in report.items() if k != "cases"
        }
    figures.update(bench_in_memory(states, old, new, clock))

    start = time.perf_counter()
    found = list(check_cases(reader))
    figures["check_cases_per_s"] = round(n / (time.perf_counter() - start), 1)
    figures["check_disagreements"] = len(found)
    raw = figures["raw_spiff_diff_per_workflow_cases_per_s"]
    figures["migrate_vs_raw_spiff"] = round(figures["migrate_cases_per_s"] / raw, 2)  # type: ignore[operator]
    engine.dispose()
    return figures


def main() -> None:
    """Run every measurement on one database and print the figures as one JSON object."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--through-services", type=int, default=400)
    parser.add_argument("--deploy-runs", type=int, default=7)
    parser.add_argument("--postgres", metavar="URL", help="e.g. postgresql://127.0.0.1:5432")
    args = parser.parse_args()
    sizes = (args.cases, args.through_services, args.deploy_runs)
    if not args.postgres:
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(run(f"sqlite:///{tmp}/processes.db", "sqlite", *sizes)))
        return
    server = make_url(args.postgres).set(drivername="postgresql+psycopg")
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        connection.execute(
            text(
                f"CREATE DATABASE {DATABASE} ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' "
                "LC_CTYPE 'C.UTF-8' TEMPLATE template0"
            )
        )
    try:
        url = server.set(database=DATABASE).render_as_string(hide_password=False)
        print(json.dumps(run(url, "postgresql", *sizes)))
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        admin.dispose()


if __name__ == "__main__":
    main()
