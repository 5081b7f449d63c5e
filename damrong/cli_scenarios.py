"""`damrong processes test-run`: run a version's stored scenarios (or a scenario file) through
the real services in a transaction rolled back at the end; nothing is kept.

Exit codes: 0 every scenario passed, 4 one failed or missed its expectation, 1 another error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from damrong.config import Config
from damrong.wiring import make_sessionmaker
from engine.access.rules import Actor
from engine.cases import trial
from engine.db import make_engine
from engine.errors import DamrongError
from engine.models import ProcessDefinition
from engine.workflow import definitions, scenarios, versions

FAILED = 4
CLI = Actor.system("cli")


def add_parser(acts, both) -> None:  # type: ignore[no-untyped-def]
    """The `test-run` action under `damrong processes`."""
    run = acts.add_parser("test-run", parents=[both], help="run test-run scenarios on a version")
    run.add_argument("process_id")
    run.add_argument("--version", type=int, help="the version (default: the live one)")
    run.add_argument("--scenario", action="append", help="a scenario file (default: stored ones)")
    run.set_defaults(fn=cmd_test_run)


def cmd_test_run(args: argparse.Namespace, config: Config) -> int:
    """Run the scenarios and print each result; the exit code says whether all passed."""
    factory = make_sessionmaker(make_engine(config.database_url))
    try:
        with factory() as session:
            if args.version is None:
                found = session.get(ProcessDefinition, definitions.live(session, args.process_id))
            else:
                found = versions.find(session, args.process_id, args.version)
            version, kept = found.version, dict(found.scenarios or {})
        if args.scenario:
            kept = {}
            for name in args.scenario:
                document = scenarios.parse(Path(name).read_text(encoding="utf-8"))
                kept[document["name"]] = document
        results = trial.run_all(factory, CLI, kept, process_id=args.process_id, version=version)
    except (DamrongError, OSError) as exc:
        print(f"error: {getattr(exc, 'message_en', exc)}", file=sys.stderr)
        return 1
    if getattr(args, "json", False):
        body = {
            "process_id": args.process_id,
            "version": version,
            "results": [r.as_json() for r in results],
        }
        print(json.dumps(body, ensure_ascii=False, indent=1))
    else:
        print(f"{args.process_id} v{version}: {len(results)} scenario(s)")
        for result in results:
            print(_text(result))
    return 0 if all(r.passed for r in results) else FAILED


def _text(result: trial.RunResult) -> str:
    """One scenario for people: the verdict, each step, where it ended."""
    verdict = "PASS" if result.passed else "FAIL"
    lines = [f"{verdict}  {result.scenario['name']}  {result.scenario.get('title_en') or ''}"]
    for step in result.steps:
        mark = "ok " if step.ok else "ERR"
        lines.append(
            f"  {mark} {step.label:<32} {step.status or '-':<22} {' '.join(step.completed)}"
        )
        if not step.ok:
            lines.append(f"      {step.message_en}")
    lines.append(
        f"  status {result.status}; open tasks: {', '.join(t['step'] for t in result.tasks) or '-'}"
    )
    lines.append(f"  notifications queued (not sent): {len(result.outbox)}")
    lines += [f"  {en}" for _th, en in result.problems]
    return "\n".join(lines)
