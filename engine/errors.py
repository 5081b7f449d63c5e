"""Every domain error, in one place. The web edge maps `code` to an HTTP status."""

from __future__ import annotations

from collections.abc import Mapping


class DamrongError(Exception):
    """Base of all domain errors: a stable code, a Thai and an English message."""

    code = "error"
    retryable = False

    def __init__(self, message_en: str, message_th: str | None = None, **detail: object) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_th = message_th or message_en
        self.detail = detail

    def message(self, lang: str = "th") -> str:
        """The message in the requested language."""
        return self.message_th if lang == "th" else self.message_en


class NotFound(DamrongError):
    code = "not_found"


class CaseNotFound(NotFound):
    code = "case_not_found"


class TaskNotFound(NotFound):
    code = "task_not_found"


class PermissionDenied(DamrongError):
    code = "permission_denied"


class Unauthenticated(DamrongError):
    code = "unauthenticated"


class SignInLocked(Unauthenticated):
    """Too many wrong passwords from here: wait `detail["retry_after"]` seconds (HTTP 429)."""

    code = "sign_in_locked"


class ValidationFailed(DamrongError):
    """Submitted data is wrong; `fields` maps a field path to (thai, english) messages."""

    code = "validation_failed"

    def __init__(
        self,
        fields: Mapping[str, tuple[str, str]],
        message_en: str = "The submitted data is not valid.",
        message_th: str = "ข้อมูลที่ส่งมาไม่ถูกต้อง",
    ) -> None:
        super().__init__(message_en, message_th)
        self.fields = dict(fields)

    @classmethod
    def one(cls, field: str, message_th: str, message_en: str) -> ValidationFailed:
        """A validation error on a single field."""
        return cls({field: (message_th, message_en)}, message_en, message_th)


class Conflict(DamrongError):
    """The case is not in a state where this can happen (HTTP 409)."""

    code = "conflict"


class TaskNotReady(Conflict):
    code = "task_not_ready"


class NotWaiting(Conflict):
    code = "not_waiting"


class ConcurrentChange(Conflict):
    """Someone else changed the case first; reload and try again."""

    code = "concurrent_change"
    retryable = True


class Busy(Conflict):
    """The database was busy; try again in a moment."""

    code = "busy"
    retryable = True


class TooLarge(DamrongError):
    code = "too_large"


class UnreadableInput(DamrongError):
    """Input refused before any service reads it: control characters, JSON too deep (400)."""

    code = "unreadable_input"


class RateLimited(DamrongError):
    """Too many requests (or wrong guesses) from one address or key: wait `retry_after` s."""

    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Too many attempts; try again in {retry_after} seconds.",
            f"ลองหลายครั้งเกินไป กรุณารออีก {retry_after} วินาทีแล้วลองใหม่",
        )
        self.retry_after = retry_after


class WorkflowFailed(DamrongError):
    """A BPMN element failed while running (a script or expression error)."""

    code = "workflow_failed"


class DefinitionInvalid(DamrongError):
    """A process definition cannot be deployed; `problems` says why, `findings` where."""

    code = "definition_invalid"

    def __init__(
        self,
        problems: list[str],
        th: list[str] | None = None,
        findings: list | None = None,  # engine.workflow.findings.Finding, when known
    ) -> None:
        super().__init__(
            "; ".join(problems),
            "ไม่สามารถติดตั้งกระบวนงานได้: " + "; ".join(th or problems),
        )
        self.problems = problems
        self.findings = list(findings or [])
