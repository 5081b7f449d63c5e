"""One mapping of the engine's domain errors to HTTP status, for the API, staff web and portal."""

from __future__ import annotations

from engine import errors

# The first class an error is an instance of decides; an error none of them names is a 400.
STATUS_BY_ERROR: list[tuple[type[errors.DamrongError], int]] = [
    (errors.NotFound, 404),
    (errors.PermissionDenied, 403),
    (errors.Unauthenticated, 401),
    (errors.ValidationFailed, 422),
    (errors.TooLarge, 413),
    (errors.RateLimited, 429),
    (errors.Conflict, 409),
    (errors.WorkflowFailed, 409),
    (errors.DefinitionInvalid, 422),
]


def status_for(exc: errors.DamrongError) -> int:
    """The HTTP status of a domain error (400 for one the mapping does not name)."""
    return next((status for cls, status in STATUS_BY_ERROR if isinstance(exc, cls)), 400)
