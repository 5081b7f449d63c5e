"""Access rules have one home: only engine/access raises PermissionDenied; everyone else calls
its named checks, so a rule is read, changed and tested in one place."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SKIPPED = ("tests", "bench")
HOME = ("engine", "access")


def _sources() -> list[Path]:
    found = []
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if any(part.startswith(".") for part in parts) or parts[0] in SKIPPED:
            continue  # .venv*, .git and the like; tests and benchmarks may raise what they like
        if parts[:2] == HOME:
            continue
        found.append(path)
    return found


def _raises_permission_denied(node: ast.Raise) -> bool:
    exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
    if isinstance(exc, ast.Name):
        return exc.id == "PermissionDenied"
    return isinstance(exc, ast.Attribute) and exc.attr == "PermissionDenied"


def test_only_engine_access_raises_permission_denied() -> None:
    sources = _sources()
    assert any(path.parts[-2:] == ("cases", "intake.py") for path in sources)  # the walk works
    offenders = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in sources
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        if isinstance(node, ast.Raise) and _raises_permission_denied(node)
    ]
    assert offenders == [], "call a check from engine/access instead: " + ", ".join(offenders)
