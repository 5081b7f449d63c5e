"""`damrong deploy` and `damrong processes …`: process versions from the command line.

Exit codes: 0 deployed or unchanged (or the command did what it said), 3 refused (findings are
printed as `file:line:element: severity: message`, or as JSON with --json), 1 another error.

Four eyes: a deploy or an activation asks for a second person's approval (a designer or an
administrator, in the staff web or the API) like the web does. This is the operator's console on
the server, so `--without-approval` makes a version live at once: it says so, and the audit log
records it as a direct activation by the operator. `damrong init` installs the shipped processes
directly.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

from damrong import cli_scenarios
from damrong.cli_files import read_paths
from damrong.config import Config
from damrong.wiring import make_sessionmaker
from engine.access.rules import Actor
from engine.clock import system_clock
from engine.db import make_engine
from engine.errors import DamrongError, DefinitionInvalid, ValidationFailed
from engine.models import Process
from engine.workflow import approvals, archive, catalog, safezip, versions

REFUSED = 3
CLI = Actor.system("cli")


def _factory(config: Config):  # type: ignore[no-untyped-def]
    return make_sessionmaker(make_engine(config.database_url))


def operator() -> str:
    """Who runs the command on the server (their login name), for the audit log."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        return f"uid {os.getuid()}"


def _print_findings(findings: list, as_json: bool, out=None) -> None:  # type: ignore[no-untyped-def]
    if as_json:
        return
    for finding in findings:
        print(finding.as_line("en"), file=out or sys.stdout)


def cmd_deploy(args: argparse.Namespace, config: Config) -> int:
    """Validate and deploy files (default: the shipped processes/) as a new version."""
    try:
        files = read_paths(args.paths) if args.paths else None
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: cannot read the files: {exc}", file=sys.stderr)
        return 1
    except ValidationFailed as exc:
        print(f"error: cannot read the files: {_reason(exc)}", file=sys.stderr)
        return 1
    factory = _factory(config)
    now = system_clock()
    try:
        with factory.begin() as session:
            if files is None:
                done = versions.install_shipped(session, now)
                for pid, version, state in done:
                    print(f"{pid} v{version} {state}")
                return 0
            if args.check:
                result, _resolved, _pins, _files = versions.check(
                    session, files, args.process, apply_rewrites=args.apply_rewrites
                )
                bad = [f for f in result.findings if f.severity == "error"]
                if args.json:
                    print(
                        json.dumps(
                            {"findings": [f.as_json() for f in result.findings]},
                            ensure_ascii=False,
                            indent=1,
                        )
                    )
                else:
                    _print_findings(result.findings, False)
                    print("refused" if bad else "ok")
                return REFUSED if bad else 0
            deployed, asked = _store(session, now, args, files)
            pid = deployed.definition.process_id if deployed.definition else ""
            stale = versions.stale_callers(session, pid) if deployed.live else []
    except DefinitionInvalid as exc:
        if args.json:
            print(
                json.dumps(
                    {"findings": [f.as_json() for f in exc.findings]}, ensure_ascii=False, indent=1
                )
            )
        else:
            _print_findings(exc.findings or [], False, sys.stderr)
            if not exc.findings:
                print(exc.message_en, file=sys.stderr)
            print("refused: nothing was deployed", file=sys.stderr)
        return REFUSED
    except DamrongError as exc:
        print(f"error: {_reason(exc)}", file=sys.stderr)
        return 1
    definition = deployed.definition
    assert definition is not None
    state = "deployed" if deployed.created else "unchanged"
    if asked is not None and not args.json:
        print(_asked_line(asked), file=sys.stderr)
    if args.without_approval and deployed.live and not args.json:
        print(_direct_line(definition.process_id, definition.version), file=sys.stderr)
    if args.json:
        body = {
            "process_id": definition.process_id,
            "version": definition.version,
            "live": deployed.live,
            "created": deployed.created,
            "findings": [f.as_json() for f in deployed.findings],
            "stale_callers": stale,
            "activation_request": approvals.request_json(asked) if asked else None,
            "without_approval": bool(args.without_approval and deployed.live),
        }
        print(json.dumps(body, ensure_ascii=False, indent=1))
    else:
        _print_findings(deployed.findings, False)
        live = "live" if deployed.live else ("awaiting approval" if asked else "draft")
        print(f"{definition.process_id} v{definition.version} {state} ({live})")
        for caller in stale:
            print(
                f"note: {caller['process_id']} v{caller['version']} still calls an older version "
                f"of {definition.process_id}; deploy it again to call this one"
            )
    return 0


def _store(session, now, args, files):  # type: ignore[no-untyped-def]
    """Store the files: a draft, a version whose activation is asked for (four eyes), or with
    --without-approval a version made live at once by the operator (audited as such)."""
    common = {"process_id": args.process, "note": args.note or ""}
    rewrites = args.apply_rewrites
    if args.draft:
        stored = catalog.deploy(
            session, now, CLI, files, draft=True, apply_rewrites=rewrites, **common
        )
        return stored, None
    if not args.without_approval:
        stored, asked = approvals.deploy_for_approval(
            session, now, CLI, files, apply_rewrites=rewrites, **common
        )
        _bind(session, now, stored, args.category or [])
        return stored, asked
    stored = catalog.deploy(session, now, CLI, files, draft=True, apply_rewrites=rewrites, **common)
    definition = stored.definition
    assert definition is not None
    if not stored.live:
        approvals.activate_without_approval(
            session, now, CLI, definition.process_id, definition.version, operator()
        )
        stored = versions.Deployed(definition, stored.created, True, stored.findings)
    _bind(session, now, stored, args.category or [])
    return stored, None


def _bind(session, now, stored, categories: list[str]) -> None:  # type: ignore[no-untyped-def]
    definition = stored.definition
    if categories and session.get(Process, definition.process_id).live_definition_id is None:
        raise ValidationFailed.one(
            "category",
            "ผูกประเภทเรื่องได้เมื่อกระบวนงานมีรุ่นที่ใช้งานอยู่แล้ว",
            f"--category needs a live version of {definition.process_id}: bind the category "
            "after the activation is approved, or deploy with --without-approval.",
        )
    for code in categories:
        catalog.bind_category(session, now, CLI, code, definition.process_id)


def _asked_line(asked) -> str:  # type: ignore[no-untyped-def]
    return (
        f"activation request {asked.id}: {asked.process_id} v{asked.version} goes live when "
        "another designer or an administrator approves it (staff web: /staff/designer/, or "
        f"POST /api/v1/processes/activation-requests/{asked.id}/approve)"
    )


def _direct_line(process_id: str, version: int) -> str:
    return (
        f"warning: {process_id} v{version} is live now WITHOUT a second person's approval; "
        f"the audit log records it as a direct activation by {operator()}"
    )


def _reason(exc: DamrongError) -> str:
    fields = getattr(exc, "fields", None) or {}
    return "; ".join(en for _th, en in fields.values()) or exc.message_en


def cmd_processes(args: argparse.Namespace, config: Config) -> int:
    """list | versions | activate | retire | diff | migrate | export | import."""
    factory = _factory(config)
    now = system_clock()
    try:
        if args.action == "migrate":
            out = catalog.migrate(
                factory,
                system_clock,
                CLI,
                args.process_id,
                args.from_version,
                args.to_version,
                case_ids=args.case or None,
                statuses=args.status or None,
                elements=args.element or None,
                dry_run=args.dry_run,
            )
            if not args.json:
                for row in out["cases"]:
                    state = (
                        "migrated"
                        if row.get("migrated")
                        else ("migratable" if row.get("migratable") else "blocked")
                    )
                    reasons = "; ".join(row.get("reasons") or [])
                    print(f"case {row['case_id']}: {state}{': ' + reasons if reasons else ''}")
                print(
                    f"{out['migratable']} migratable, {out['blocked']} blocked, "
                    f"{out['migrated']} migrated"
                )
                return 0
        else:
            with factory.begin() as session:
                out = _run(args, session, now)
    except DamrongError as exc:
        print(f"error: {_reason(exc)}", file=sys.stderr)
        return 1
    if out is not None:
        print(json.dumps(out, ensure_ascii=False, indent=1) if args.json else _text(out))
    return 0


def _run(args, session, now):  # type: ignore[no-untyped-def]
    action = args.action
    if action == "list":
        return catalog.list_processes(session, CLI)
    if action == "versions":
        return catalog.list_versions(session, CLI, args.process_id)
    if action == "activate":
        return _activate(args, session, now)
    if action == "import":
        return _import(args, session, now)
    if action == "retire":
        return catalog.retire(session, now, CLI, args.process_id, args.version)
    if action == "diff":
        from engine.workflow import diff

        old = versions.find(session, args.process_id, args.v1)
        new = versions.find(session, args.process_id, args.v2)
        return diff.diff_versions(old.files, old.forms, new.files, new.forms)
    if action == "export":
        return _export(args, session, now)
    return None


def _activate(args, session, now) -> dict:  # type: ignore[no-untyped-def]
    """Ask for a version to go live; with --without-approval make it live at once."""
    if args.without_approval:
        done = approvals.activate_without_approval(
            session, now, CLI, args.process_id, args.version, operator()
        )
        print(_direct_line(args.process_id, args.version), file=sys.stderr)
        return done
    asked = approvals.request_activation(
        session, now, CLI, args.process_id, args.version, args.note or ""
    )
    print(_asked_line(asked), file=sys.stderr)
    return approvals.request_json(asked)


def _export(args, session, now) -> dict:  # type: ignore[no-untyped-def]
    """The version in the archive's layout: a .zip file, or unpacked into a folder."""
    name, data = archive.export_version(session, now, CLI, args.process_id, args.version)
    target = Path(args.target or name)
    if target.suffix == ".zip":
        target.write_bytes(data)
        return {"exported": str(target), "bytes": len(data)}
    entries = safezip.read_zip(data)
    for entry, content in entries.items():
        path = target / entry
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return {"exported": str(target), "files": sorted(entries)}


def _import(args, session, now) -> dict:  # type: ignore[no-untyped-def]
    """A new draft from an exported zip (open it in the staff web's designer)."""
    raw = Path(args.file).read_bytes()
    draft = archive.import_archive(session, now, CLI, raw, args.process)
    return {
        "draft_id": draft.id,
        "process_id": draft.process_id,
        "files": sorted(draft.files or {}),
        "forms": sorted(draft.forms or {}),
        "scenarios": sorted(draft.scenarios or {}),
        "open": f"/staff/designer/drafts/{draft.id}",
    }


def _text(out) -> str:  # type: ignore[no-untyped-def]
    """A table for people; --json gives everything."""
    if isinstance(out, list) and out and "state" in out[0]:
        return "\n".join(
            f"v{v['version']:<4} {v['state']:<9} {v['deployed_at'][:16].replace('T', ' ')}  "
            f"{v['deployed_by']:<12} running {v['running_cases']:<6} {v['note']}"
            for v in out
        )
    if isinstance(out, list):
        return "\n".join(
            f"{p['process_id']:<24} live v{p['live_version'] or '-':<4} "
            f"versions {p['versions']:<4} running {p['running_cases']:<6} "
            f"categories: {', '.join(p['categories']) or '-'}"
            for p in out
        )
    if isinstance(out, dict) and "state" in out:
        return f"{out['process_id']} v{out['version']}: {out['state']}"
    return json.dumps(out, ensure_ascii=False, indent=1)


def add_parsers(sub) -> None:  # type: ignore[no-untyped-def]
    """The deploy and processes subcommands."""
    deploy = sub.add_parser(
        "deploy", help="validate and deploy BPMN/DMN/form files (default: processes/)"
    )
    deploy.add_argument("paths", nargs="*", help="files, folders or a zip")
    deploy.add_argument("--process", help="the process id to deploy (when the files hold several)")
    deploy.add_argument("--category", action="append", help="bind a category to the process")
    deploy.add_argument("--note", help="what changed, kept with the version")
    deploy.add_argument("--draft", action="store_true", help="store without asking to go live")
    deploy.add_argument(
        "--without-approval",
        action="store_true",
        help="make it live at once, without a second person (audited as a direct activation)",
    )
    deploy.add_argument(
        "--apply-rewrites", action="store_true", help="rewrite JUEL and timer literals"
    )
    deploy.add_argument("--check", action="store_true", help="validate only; store nothing")
    deploy.add_argument("--json", action="store_true")
    deploy.set_defaults(fn=cmd_deploy)
    procs = sub.add_parser(
        "processes", help="list, activate, retire, diff, migrate, export, import"
    )
    procs.add_argument("--json", action="store_true")
    acts = procs.add_subparsers(dest="action", required=True)
    both = argparse.ArgumentParser(add_help=False)  # --json after the action works too
    both.add_argument("--json", action="store_true", default=argparse.SUPPRESS)
    acts.add_parser("list", parents=[both])
    acts.add_parser("versions", parents=[both]).add_argument("process_id")
    for name in ("activate", "retire", "export"):
        p = acts.add_parser(name, parents=[both])
        p.add_argument("process_id")
        p.add_argument("version", type=int)
        if name == "export":
            p.add_argument("target", nargs="?", help="a .zip file, or a folder to unpack into")
        if name == "activate":
            p.add_argument("--note", help="why, kept with the request")
            p.add_argument(
                "--without-approval",
                action="store_true",
                help="make it live at once, without a second person (audited as such)",
            )
    imp = acts.add_parser("import", parents=[both], help="a new draft from an exported zip")
    imp.add_argument("file")
    imp.add_argument("--process", help="refuse an archive of another process")
    d = acts.add_parser("diff", parents=[both])
    d.add_argument("process_id")
    d.add_argument("v1", type=int)
    d.add_argument("v2", type=int)
    m = acts.add_parser("migrate", parents=[both])
    m.add_argument("process_id")
    m.add_argument("--from", dest="from_version", type=int, required=True)
    m.add_argument("--to", dest="to_version", type=int, required=True)
    m.add_argument("--case", type=int, action="append", help="only these cases")
    m.add_argument("--status", action="append", help="only cases in this status")
    m.add_argument("--element", action="append", help="only cases waiting at this element")
    m.add_argument("--dry-run", action="store_true")
    cli_scenarios.add_parser(acts, both)  # damrong/cli_scenarios.py
    procs.set_defaults(fn=cmd_processes)
