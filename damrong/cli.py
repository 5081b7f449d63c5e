"""The `damrong` command line: thin shells over engine services."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import sys

from damrong import cli_audit, cli_check, cli_processes
from damrong.config import Config, served_address
from damrong.migrate import upgrade
from damrong.wiring import make_sessionmaker
from engine.clock import system_clock
from engine.db import make_engine
from engine.errors import DamrongError
from engine.reference import loader
from engine.workflow import versions


def _factory(config: Config):  # type: ignore[no-untyped-def]
    engine = make_engine(config.database_url)
    return engine, make_sessionmaker(engine)


def cmd_init(args: argparse.Namespace, config: Config) -> int:
    """Migrate, load reference data, deploy the processes, and optionally build the demo."""
    if config.database_url.startswith("sqlite:///"):
        from pathlib import Path

        Path(config.database_url.removeprefix("sqlite:///")).parent.mkdir(
            parents=True, exist_ok=True
        )
    engine, factory = _factory(config)
    upgrade(engine)
    with factory.begin() as session:
        counts = loader.load_all(session)
        shipped = versions.install_shipped(session, system_clock())
    world = None
    if args.demo:
        from damrong import demo

        world = demo.build(factory, system_clock)
    if args.json:
        print(json.dumps(world or {"loaded": counts}, ensure_ascii=False, indent=2))
    else:
        added = {name: n for name, n in counts.items() if n}
        print(
            "database ready: "
            + ", ".join(f"{name} {n:,}" for name, n in _present(factory).items())
            + (f" (added now: {added})" if added else " (reference data already loaded)")
        )
        for process_id, version, state in shipped:
            if state != "unchanged":
                print(f"process {process_id} v{version}: {state}")
        if world:
            print(demo.describe(world))
    return 0


def _present(factory) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """How many rows each kind of reference data has (what an operator wants to see on a restart:
    the database is not empty, it was loaded before)."""
    from sqlalchemy import func, select

    from engine.models import Area, Category, DirectoryEntry, OrgUnit, SlaPolicy, WorkflowRole

    kinds = {
        "areas": Area,
        "org_units": OrgUnit,
        "categories": Category,
        "sla_policies": SlaPolicy,
        "workflow_roles": WorkflowRole,
        "directory": DirectoryEntry,
    }
    with factory() as session:
        return {
            name: session.scalar(select(func.count()).select_from(model)) or 0
            for name, model in kinds.items()
        }


def cmd_users(args: argparse.Namespace, config: Config) -> int:
    """Create a user or issue an API token."""
    from engine.access import accounts, tokens

    _engine, factory = _factory(config)
    with factory.begin() as session:
        if args.action == "create":
            user = accounts.create_user(
                session,
                system_clock(),
                args.username,
                args.password,
                args.org_unit,
                args.roles.split(","),
            )
            print(f"created {user.username}")
        else:
            from sqlalchemy import select

            from engine.models import User

            user = session.scalar(select(User).where(User.username == args.username))
            if user is None:
                print(f"no user {args.username}", file=sys.stderr)
                return 1
            print(tokens.issue_token(session, system_clock(), user, "cli"))
    return 0


def cmd_open311_key(args: argparse.Namespace, config: Config) -> int:
    """Issue an Open311 client key (printed once) or revoke one by its id."""
    from open311 import keys

    _engine, factory = _factory(config)
    with factory.begin() as session:
        if args.action == "revoke":
            keys.revoke_key(session, system_clock(), int(args.target))
            print(f"revoked {args.target}")
        else:
            print(keys.issue_key(session, system_clock(), args.target, args.per_minute))
    return 0


def _served_at(config: Config, host: str, port: int) -> Config:
    """The config with the address served: links' fallback, and (through the environment, for
    the scheduler here and in a child process) the address messages carry when no
    DAMRONG_BASE_URL is set."""
    served = served_address(host, port)
    os.environ["DAMRONG_SERVED_URL"] = served
    return dataclasses.replace(config, served_url=served)


def cmd_serve(args: argparse.Namespace, config: Config) -> int:
    """Serve the web app with waitress, with the scheduler embedded unless told otherwise."""
    from waitress import serve

    from damrong import jobs
    from damrong.app import create_app

    if args.workers < 1 or args.threads < 1:
        print("error: --workers and --threads must be at least 1", file=sys.stderr)
        return 2
    config = _served_at(config, args.host, args.port)
    banner = (
        f"Damrong is running at http://{args.host}:{args.port}/ "
        f"(API: http://{args.host}:{args.port}/api/v1/openapi.json)"
    )
    if args.workers > 1:
        from damrong import workers

        workers.serve(
            config,
            args.host,
            args.port,
            args.workers,
            threads=args.threads,
            scheduler=not args.no_scheduler,
            on_ready=lambda: print(f"{banner}, {args.workers} worker processes", flush=True),
        )
        return 0
    app = create_app(config)
    scheduler = None
    if not args.no_scheduler:
        factory = app.extensions["damrong"].writer
        scheduler = jobs.build_scheduler(
            factory, system_clock, jobs.job_list(config.timer_sweep_seconds), background=True
        )
        scheduler.start()
    print(banner, flush=True)
    try:
        serve(app, host=args.host, port=args.port, threads=8, ident="damrong")
    finally:
        if scheduler:
            scheduler.shutdown(wait=False)
    return 0


def cmd_scheduler(args: argparse.Namespace, config: Config) -> int:
    """Run the job list in its own process, or every job once with --once."""
    from damrong import jobs

    _engine, factory = _factory(config)
    job_list = jobs.job_list(config.timer_sweep_seconds)
    if args.job:
        unknown = set(args.job) - {job.name for job in job_list}
        if unknown:
            print(f"error: unknown job(s): {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        job_list = [job for job in job_list if job.name in args.job]
    if args.once:
        print(
            json.dumps(
                {k: str(v) for k, v in jobs.run_once(factory, system_clock, job_list).items()}
            )
        )
        return 0
    jobs.build_scheduler(factory, system_clock, job_list, background=False).start()
    return 0


def cmd_import(args: argparse.Namespace, config: Config) -> int:
    """Open cases from another system's CSV/JSON export; rejects to a CSV, resumable."""
    from pathlib import Path

    from importer.mapping import load_mapping
    from importer.run import import_file

    _engine, factory = _factory(config)
    mapping = load_mapping(args.mapping, args.map or ())
    source = args.source or Path(args.file).stem
    rejects_path = args.rejects or f"{args.file}.rejects.csv"
    with open(rejects_path, "w", encoding="utf-8-sig", newline="") as rejects:
        summary = import_file(
            factory,
            system_clock,
            args.file,
            source,
            mapping,
            rejects=rejects,
            stop_after=args.stop_after,
            progress=None if args.quiet else sys.stderr,
            notify=args.notify,
        )
    out = summary.as_dict() | {"source": source, "rejects_file": rejects_path}
    print(json.dumps(out, ensure_ascii=False))
    return 130 if summary.stopped and args.stop_after is None else 0


def cmd_reindex(args: argparse.Namespace, config: Config) -> int:
    """Rebuild the agencies' filtered search copy: stale cases, or every case with --all."""
    from engine.cases import searchindex

    engine, factory = _factory(config)
    if args.all:
        with factory.begin() as session:
            done = searchindex.rebuild(session, searchindex.all_case_ids(session))
    else:
        done = searchindex.reindex_stale(factory, system_clock)
    print(json.dumps({"reindexed": done}))
    engine.dispose()
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    p = argparse.ArgumentParser(prog="damrong", description="Damrong complaint case engine")
    sub = p.add_subparsers(dest="command", required=True)
    init = sub.add_parser("init", help="migrate and load reference data")
    init.add_argument("--demo", action="store_true", help="also build the demo world")
    init.add_argument("--json", action="store_true", help="print users and keys as JSON")
    init.set_defaults(fn=cmd_init)
    cli_processes.add_parsers(sub)
    users = sub.add_parser("users", help="manage staff users")
    users.add_argument("action", choices=["create", "token"])
    users.add_argument("username")
    users.add_argument("--password", default="")
    users.add_argument("--org-unit", default="central")
    users.add_argument("--roles", default="screener")
    users.set_defaults(fn=cmd_users)
    keys = sub.add_parser("open311-key", help="issue (NAME) or revoke (ID) an Open311 api_key")
    keys.add_argument("action", choices=["create", "revoke"])
    keys.add_argument("target", help="the partner app's name, or the id of the key to revoke")
    keys.add_argument("--per-minute", type=int, default=30, help="requests allowed per minute")
    keys.set_defaults(fn=cmd_open311_key)
    serve = sub.add_parser("serve", help="serve the web app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--no-scheduler", action="store_true")
    serve.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("DAMRONG_WORKERS", "1")),
        help="worker processes (more than 1: gunicorn, one per core; default 1: waitress)",
    )
    serve.add_argument(
        "--threads",
        type=int,
        default=int(os.environ.get("DAMRONG_THREADS", "1")),
        help="threads per worker process with --workers (default 1; see damrong/workers.py)",
    )
    serve.set_defaults(fn=cmd_serve)
    sched = sub.add_parser("scheduler", help="run background jobs")
    sched.add_argument("--once", action="store_true", help="run each job one time and exit")
    sched.add_argument("--job", action="append", help="only this job (repeatable)")
    sched.set_defaults(fn=cmd_scheduler)
    imp = sub.add_parser("import", help="import cases from another system's CSV/JSON export")
    imp.add_argument("file", help="a .csv (UTF-8), .json (array) or .jsonl file")
    imp.add_argument("--source", help="the source system's name (default: the file's name)")
    imp.add_argument("--mapping", help="a JSON or TOML file: intake field -> source column")
    imp.add_argument("--map", action="append", metavar="FIELD=COLUMN", help="repeatable")
    imp.add_argument("--rejects", help="CSV of refused rows (default: FILE.rejects.csv)")
    imp.add_argument("--stop-after", type=int, help="stop after N rows (resume later)")
    imp.add_argument("--quiet", action="store_true", help="no progress bar")
    imp.add_argument("--notify", action="store_true", help="send complainants Damrong's receipt")
    imp.set_defaults(fn=cmd_import)
    reindex = sub.add_parser("reindex", help="rebuild the agencies' filtered search copy")
    reindex.add_argument("--all", action="store_true", help="every case, not only stale ones")
    reindex.set_defaults(fn=cmd_reindex)
    cli_audit.add_parser(sub)
    cli_check.add_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `damrong` console script."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # SpiffWorkflow logs every task state change at INFO, APScheduler every job run (every ten
    # seconds) and Alembic every migration step: far too much for an operator's console.
    for noisy in ("spiff", "apscheduler", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    args = parser().parse_args(argv)
    try:
        return args.fn(args, Config.from_env())
    except DamrongError as exc:
        print(f"error: {exc.message_en}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
