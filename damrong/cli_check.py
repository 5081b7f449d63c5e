"""`damrong check`: every case's stored workflow agrees with its task, timer and deadline rows
and its status (run it after moving running cases to another process version)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterator

from damrong.config import Config
from damrong.wiring import make_sessionmaker
from engine.db import make_engine
from engine.errors import DamrongError
from engine.workflow.invariants import Disagreement, check_cases

AGREE, DISAGREE = 0, 1  # exit codes


def cmd_check(args: argparse.Namespace, config: Config) -> int:
    """Check the cases (all, or those named by --case); exit 1 listing what disagrees."""
    if args.batch_size < 1:
        print("error: --batch-size must be at least 1", file=sys.stderr)
        return 2
    engine = make_engine(config.database_url)
    reader = make_sessionmaker(engine, write=False)  # one read-only session per batch
    counted = {"cases": 0}

    def count(cases: int) -> None:
        counted["cases"] += cases

    found = check_cases(reader, case_ids=args.case, batch_size=args.batch_size, on_batch=count)
    try:
        if args.json:
            bad = _print_json(found, counted)
        else:
            bad = _print_text(found, counted)
    finally:
        engine.dispose()
    return DISAGREE if bad else AGREE


def _print_text(found: Iterator[Disagreement], counted: dict[str, int]) -> int:
    """One line per disagreement as it is found, then a summary; how many were found."""
    findings, cases = 0, set()
    for disagreement in found:
        findings += 1
        cases.add(disagreement.case_id)
        print(f"case {disagreement.case_id}: {disagreement.what}")
    checked = counted["cases"]
    if not findings:
        print(
            f"OK: {checked} cases agree with their workflows / "
            f"ทุกเรื่องตรงกับกระบวนงานของเรื่อง ({checked} เรื่อง)"
        )
    else:
        print(
            f"DISAGREE: {findings} findings in {len(cases)} of {checked} cases / "
            f"พบความไม่ตรงกัน {findings} รายการ ใน {len(cases)} เรื่อง (จาก {checked} เรื่อง)"
        )
    return findings


def _print_json(found: Iterator[Disagreement], counted: dict[str, int]) -> int:
    """One JSON object, written as the findings come (millions of cases, flat memory)."""
    findings = 0
    sys.stdout.write('{"disagreements": [')
    for disagreement in found:
        sys.stdout.write(",\n  " if findings else "\n  ")
        sys.stdout.write(json.dumps(disagreement.as_dict(), ensure_ascii=False))
        findings += 1
    tail = {"cases": counted["cases"], "findings": findings, "ok": findings == 0}
    sys.stdout.write("\n], " + json.dumps(tail)[1:] + "\n")
    return findings


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--case", type=int, action="append", metavar="N", help="only case N (repeatable)"
    )
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    parser.add_argument(
        "--batch-size", type=int, default=500, help="cases read per batch (default 500)"
    )


def add_parser(sub: argparse._SubParsersAction) -> None:
    """The `check` subcommand."""
    parser = sub.add_parser(
        "check", help="check that every case's rows and status agree with its workflow"
    )
    _arguments(parser)
    parser.set_defaults(fn=cmd_check)


def main(argv: list[str] | None = None) -> int:
    """Run `check` on its own: python -m damrong.cli_check [--case N] [--json]."""
    logging.basicConfig(level=logging.WARNING)
    parser = argparse.ArgumentParser(prog="damrong check", description=__doc__)
    _arguments(parser)
    args = parser.parse_args(argv)
    try:
        return cmd_check(args, Config.from_env())
    except DamrongError as exc:
        print(f"error: {exc.message_en}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
