"""Small hand-written diagrams, each breaking one rule, and helpers to validate them."""

from __future__ import annotations

from pathlib import Path

from engine.workflow.findings import Finding
from engine.workflow.validation import Context, Validation, validate

DIAGRAMS = Path(__file__).parent / "diagrams"


def read(*names: str) -> dict[str, str]:
    """Diagram files by name, as a deploy receives them."""
    return {name: (DIAGRAMS / name).read_text(encoding="utf-8") for name in names}


def check(*names: str, process_id: str | None = None, context: Context = Context()) -> Validation:
    """Validate these diagram files."""
    return validate(read(*names), process_id, context)


def seen(validation: Validation, code: str) -> list[tuple[str | None, int | None, str]]:
    """What a designer sees of each finding with this code: (element, line, severity)."""
    return [(f.element, f.line, f.severity) for f in validation.findings if f.code == code]


def codes(findings: list[Finding]) -> set[str]:
    """The rule codes among these findings."""
    return {f.code for f in findings}
