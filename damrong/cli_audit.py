"""`damrong audit verify` and `damrong audit anchor`: the audit log's hash chains, checked."""

from __future__ import annotations

import argparse
import json
import sys

from damrong.config import Config
from damrong.wiring import make_sessionmaker
from engine import audit
from engine.clock import system_clock
from engine.db import make_engine

TAMPERED, BAD_ANCHOR = 1, 2  # exit codes besides 0 (every chain verified)


def _reader(config: Config):  # type: ignore[no-untyped-def]
    return make_sessionmaker(make_engine(config.database_url), write=False)


def _read_anchor(path: str) -> dict | None:
    """The anchor file's JSON, or None (with a message) if it cannot be read."""
    try:
        with open(path, encoding="utf-8") as file:
            return json.load(file)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        print(f"error: cannot read anchor {path}: {exc}", file=sys.stderr)
        print(f"ข้อผิดพลาด: อ่านไฟล์ยึดสายโซ่ {path} ไม่ได้", file=sys.stderr)
        return None


def cmd_verify(args: argparse.Namespace, config: Config) -> int:
    """Check every chain; exit 1 naming each bad chain's first bad event."""
    anchor = _read_anchor(args.anchor) if args.anchor else None
    if args.anchor and anchor is None:
        return BAD_ANCHOR
    with _reader(config)() as session:
        try:
            report = audit.verify(session, anchor)
        except ValueError as exc:
            print(f"error: {args.anchor}: {exc} / ไม่ใช่ไฟล์ยึดสายโซ่ของดำรง", file=sys.stderr)
            return BAD_ANCHOR
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        _print_report(report)
    return 0 if report.ok else TAMPERED


def _print_report(report: audit.Report) -> None:
    """The report as lines an operator reads: one per bad chain."""
    counts = f"{report.chains} chains, {report.events} events, {report.erased} erased details"
    if report.ok:
        print(f"OK: audit log intact / บันทึกการตรวจสอบครบถ้วน ({counts})")
        return
    print(f"TAMPERED: audit log changed / บันทึกการตรวจสอบถูกแก้ไข ({counts})")
    for finding in report.findings:
        where = f"event #{finding.event_id}" if finding.event_id is not None else "head"
        found = finding.as_dict()
        print(
            f"  chain {finding.chain}, {where}, position {finding.seq}: "
            f"{finding.problem}: {found['message_en']} / {found['message_th']}"
        )


def cmd_anchor(args: argparse.Namespace, config: Config) -> int:
    """Print every chain's current head as JSON, to keep outside the database."""
    with _reader(config)() as session:
        print(json.dumps(audit.anchor(session, system_clock()), indent=2))
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    """The `audit` subcommand and its two actions."""
    parser = sub.add_parser("audit", help="verify the audit log's hash chains, or anchor them")
    actions = parser.add_subparsers(dest="audit_command", required=True)
    verify = actions.add_parser("verify", help="check every chain (exit 1 if tampered)")
    verify.add_argument("--anchor", metavar="FILE", help="also check heads saved by `anchor`")
    verify.add_argument("--json", action="store_true", help="print the report as JSON")
    verify.set_defaults(fn=cmd_verify)
    actions.add_parser("anchor", help="print the current heads (JSON)").set_defaults(fn=cmd_anchor)
