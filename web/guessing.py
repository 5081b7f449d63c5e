"""One guess limiter for every route that takes a secret: tracking code + secret, the tracking
link's token, Open311's tokens and api_key, LINE's signature and one-time codes.

Each attempt is claimed before the secret is checked (engine.access.throttle.check_guessing, one
atomic upsert), so concurrent guesses cannot slip through together; a right one is given back.
All of them share one counter per client address: guessing is guessing, whatever the route.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from engine.access import throttle
from engine.errors import CaseNotFound, NotFound, PermissionDenied
from web.edge import client_address, services, writing

# What a wrong secret raises: an unknown case, request or token, or a refused key.
WRONG_SECRET: tuple[type[Exception], ...] = (CaseNotFound, NotFound, PermissionDenied)


def guess_key(who: str | None = None) -> str:
    """The counter of this client's guesses (or of `who`, e.g. a LINE user)."""
    return f"guess:{who or client_address()}"[:120]


def claim(who: str | None = None) -> throttle.Guess:
    """Claim one guess in its own committed transaction; RateLimited while blocked."""
    with writing() as session:
        return throttle.check_guessing(session, guess_key(who), services().clock())


def forgive(guess: throttle.Guess) -> None:
    """The secret was right: the claimed guess does not count."""
    with writing() as session:
        throttle.forgive_guess(session, guess)


@contextmanager
def guessing(
    who: str | None = None, wrong: tuple[type[Exception], ...] = WRONG_SECRET
) -> Iterator[None]:
    """Run a lookup by secret as one claimed guess; only a wrong secret keeps its count."""
    guess = claim(who)
    try:
        yield
    except wrong:
        raise
    except BaseException:
        forgive(guess)  # the secret was right; what failed after it was something else
        raise
    forgive(guess)
