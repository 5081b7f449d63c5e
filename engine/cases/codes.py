"""A case's codes: the citizen's tracking code and the center's registration number.

Tracking codes are 10 random Crockford base32 characters (50 bits) and one check character
(the Damm algorithm over GF(32), see engine/access/secrets.py), which catches every
single-character substitution and every adjacent transposition, the check character included.
"""

from __future__ import annotations

import secrets
from datetime import date

from engine.access.secrets import (
    ALPHABET,
    TRACKING_CODE_CHARS,
    check_character,
    compact,
    group_tracking_code,
    is_checked_code,
)

TRACKING_DATA_CHARS = TRACKING_CODE_CHARS - 1


def new_tracking_code() -> str:
    """A fresh tracking code for a citizen, displayed as XXXX-XXXX-XXX."""
    data = "".join(secrets.choice(ALPHABET) for _ in range(TRACKING_DATA_CHARS))
    return group_tracking_code(data + check_character(data))


def normalize_tracking_code(text: str) -> str:
    """The canonical XXXX-XXXX-XXX form of what a citizen typed (left ungrouped if mis-sized)."""
    code = compact(text)
    return group_tracking_code(code) if len(code) == TRACKING_CODE_CHARS else code


def is_valid_tracking_code(text: str) -> bool:
    """Whether the text (typed any way) is a well-formed tracking code with a matching check."""
    return is_checked_code(text, TRACKING_CODE_CHARS)


def buddhist_year(d: date) -> int:
    """The Buddhist Era year of a date (Gregorian + 543)."""
    return d.year + 543


def format_registration_number(center_code: str, running: int, buddhist_year: int) -> str:
    """A center's registration number for a case, e.g. `1001-00042/2569` (ASCII only)."""
    if not center_code or running < 1:
        raise ValueError("a registration number needs a center code and a running number >= 1")
    return f"{center_code}-{running:05d}/{buddhist_year}"
