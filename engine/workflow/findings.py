"""A finding about a process diagram: where it is, how bad, and what it says in Thai and English.

Validation, interchange (Camunda rewrites), the task table and deploy all report in this one
shape, so the CLI prints `file:line:element: message` and the API returns the same as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem (error) or doubt (warning) about one element of one file."""

    file: str
    line: int | None
    element: str | None  # the element id as written in the file
    name: str | None  # the element's name, when it has one
    severity: str  # ERROR or WARNING
    code: str  # a stable rule id, e.g. "reserved-id", "juel", "unknown-form"
    message_th: str
    message_en: str
    rewrite: str | None = None  # a suggested replacement of the offending expression

    def message(self, lang: str = "en") -> str:
        """The message in a language ("th" or "en")."""
        return self.message_th if lang == "th" else self.message_en

    def as_json(self, lang: str = "en") -> dict[str, object]:
        """The API's shape of a finding."""
        out: dict[str, object] = {
            "file": self.file,
            "line": self.line,
            "element": self.element,
            "name": self.name,
            "severity": self.severity,
            "code": self.code,
            "message": self.message(lang),
            "message_th": self.message_th,
            "message_en": self.message_en,
        }
        if self.rewrite is not None:
            out["rewrite"] = self.rewrite
        return out

    def as_line(self, lang: str = "en") -> str:
        """`file:line:element: severity: message`, as compilers print."""
        where = ":".join(
            [self.file, str(self.line or 0), self.element or "-"],
        )
        return f"{where}: {self.severity}: {self.message(lang)}"


def errors(findings: list[Finding]) -> list[Finding]:
    """The findings that stop a deploy."""
    return [f for f in findings if f.severity == ERROR]
