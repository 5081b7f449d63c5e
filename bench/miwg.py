"""Benchmark: what Damrong makes of the BPMN MIWG reference models (bpmn-miwg-test-suite).

The suite's Reference/*.bpmn files (A.x descriptive, B.x with data, C.x executable-style) are
taken from a git directory of the suite (a bare mirror; nothing of the suite is kept in this
repository), written to a temporary folder, and each is given to a check: by default Damrong's
deploy-time validation (engine.workflow.validation.validate) when it exists, else SpiffWorkflow's
own parse. Prints a JSON table, one row per file:
[{"file", "accepted", "errors", "warnings", "first_finding", "ms"}, ...]

    python bench/miwg.py [--git-dir DIR] [--check validation|spiff] [--ref HEAD]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_GIT_DIR = Path("/work/.mirror/bpmn-miwg+bpmn-miwg-test-suite")
REFERENCE = re.compile(r"(?:^|/)Reference/[^/]+\.bpmn$", re.IGNORECASE)


@dataclass
class Outcome:
    """What a check made of one file: accepted or not, and its findings as text."""

    accepted: bool
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


Check = Callable[[str, str], Outcome]  # (file name, XML text) -> outcome


def git_dir_of(path: Path) -> Path:
    """The git directory itself: the mirror tool puts a bare repository in `<path>/repo`."""
    for candidate in (path, path / "repo", path / ".git"):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    raise SystemExit(f"no git directory at {path} (nor in its repo/ or .git/)")


def _git(git_dir: Path, *args: str) -> bytes:
    return subprocess.run(
        ["git", f"--git-dir={git_dir}", *args], check=True, capture_output=True
    ).stdout


def reference_paths(git_dir: Path, ref: str = "HEAD") -> list[str]:
    """The reference models' paths in the suite (Reference/*.bpmn), in name order."""
    names = _git(git_dir, "ls-tree", "-r", "--name-only", "-z", ref).decode().split("\0")
    return sorted(name for name in names if REFERENCE.search(name))


def extract(git_dir: Path, into: Path, ref: str = "HEAD") -> dict[str, Path | None]:
    """Write each reference model into `into`; None for one the mirror lists but lacks."""
    written: dict[str, Path | None] = {}
    for path in reference_paths(git_dir, ref):
        try:
            blob = _git(git_dir, "cat-file", "blob", f"{ref}:{path}")
        except subprocess.CalledProcessError:
            written[path] = None
            continue
        target = into / Path(path).name
        target.write_bytes(blob)
        written[path] = target
    return written


def spiff_check(name: str, text: str) -> Outcome:
    """SpiffWorkflow's parse alone, of every process in the file (most here are not executable)."""
    from lxml import etree
    from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

    try:
        parser = SpiffBpmnParser()
        parser.add_bpmn_xml(etree.fromstring(text.encode()), filename=name)
        for process_id in parser.process_parsers:
            parser.get_spec(process_id)
    except Exception as exc:  # the parser raises many types; each is a refusal
        where = " ".join(
            f"{label} {value}"
            for label, value in (
                ("line", getattr(exc, "line_number", None)),
                ("id", getattr(exc, "id", None)),
            )
            if value
        )
        message = " ".join(str(exc).split())
        return Outcome(False, [f"{type(exc).__name__}{f' ({where})' if where else ''}: {message}"])
    if not parser.process_parsers:
        return Outcome(False, ["no process in the file"])
    executable = parser.get_process_ids()
    return Outcome(True, [], [] if executable else ["no executable process (isExecutable)"])


def validation_check(name: str, text: str) -> Outcome:
    """Damrong's deploy-time validation, as `damrong deploy` would run it."""
    from engine.workflow.validation import validate

    result = validate({name: text})
    errors = [f.as_line() for f in result.errors]
    warnings = [f.as_line() for f in result.findings if f.severity != "error"]
    return Outcome(not errors, errors, warnings)


def deploy_check(apply_rewrites: bool) -> Check:
    """What `damrong deploy [--apply-rewrites]` decides: validation, the role table, the forms
    and the SLA policies, against a fresh database (nothing is stored)."""
    from damrong.migrate import upgrade
    from damrong.wiring import make_sessionmaker
    from engine.clock import system_clock
    from engine.db import make_engine
    from engine.reference import loader
    from engine.workflow import versions

    folder = tempfile.mkdtemp(prefix="miwg-db-")
    engine = make_engine(f"sqlite:///{folder}/miwg.db")
    upgrade(engine)
    factory = make_sessionmaker(engine)
    with factory.begin() as session:
        loader.load_all(session)
        versions.install_shipped(session, system_clock())

    def check(name: str, text: str) -> Outcome:
        with factory() as session:
            result, *_ = versions.check(session, {name: text}, apply_rewrites=apply_rewrites)
        errors = [f.as_line() for f in result.findings if f.severity == "error"]
        warnings = [f.as_line() for f in result.findings if f.severity != "error"]
        return Outcome(not errors, errors, warnings)

    return check


def default_check() -> tuple[str, Check]:
    """Damrong's validation when this checkout has it, else SpiffWorkflow's parse."""
    try:
        from engine.workflow.validation import validate  # noqa: F401
    except ImportError:
        return "spiff", spiff_check
    return "validation", validation_check


def run(
    git_dir: Path = DEFAULT_GIT_DIR, check: Check | None = None, ref: str = "HEAD"
) -> list[dict[str, object]]:
    """One row per reference model: accepted, how many errors and warnings, the first finding."""
    check = check or default_check()[1]
    rows = []
    with tempfile.TemporaryDirectory(prefix="miwg-") as folder:
        for path, file in extract(git_dir_of(git_dir), Path(folder), ref).items():
            if file is None:
                rows.append(_row(path, None, ["the mirror lists this file but lacks it"], 0))
                continue
            started = time.perf_counter()
            try:
                outcome = check(file.name, file.read_text(encoding="utf-8-sig"))
            except Exception as exc:  # a crash of the check is a result too
                outcome = Outcome(False, [f"the check crashed: {type(exc).__name__}: {exc}"])
            elapsed = (time.perf_counter() - started) * 1000
            rows.append(_row(path, outcome.accepted, outcome.errors, elapsed, outcome.warnings))
    return rows


def _row(
    path: str, accepted: bool | None, errors: list[str], ms: float, warnings: Sequence[str] = ()
) -> dict[str, object]:
    first = (errors or list(warnings) or [None])[0]
    return {
        "file": Path(path).name,
        "accepted": accepted,
        "errors": len(errors),
        "warnings": len(warnings),
        "first_finding": first,
        "ms": round(ms, 1),
    }


def main(argv: list[str] | None = None) -> int:
    """Print the table as JSON (and a one-line count on stderr)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--git-dir", type=Path, default=DEFAULT_GIT_DIR)
    parser.add_argument(
        "--check",
        choices=["validation", "spiff", "deploy", "deploy-rewrites"],
        help="default: validation; deploy = what damrong deploy decides (roles, forms, policies)",
    )
    parser.add_argument("--ref", default="HEAD", help="the suite's commit or branch")
    args = parser.parse_args(argv)
    name, check = default_check()
    if args.check:
        checks = {
            "validation": lambda: validation_check,
            "spiff": lambda: spiff_check,
            "deploy": lambda: deploy_check(False),
            "deploy-rewrites": lambda: deploy_check(True),
        }
        name, check = args.check, checks[args.check]()
    rows = run(args.git_dir, check, args.ref)
    print(json.dumps(rows, ensure_ascii=False, indent=1))
    accepted = sum(1 for row in rows if row["accepted"])
    print(f"{name}: {accepted} of {len(rows)} reference models accepted", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
