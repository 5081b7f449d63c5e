"""Phone numbers and national IDs in free text, however they are written.

People write numbers with every separator a keyboard has (`089/765/4321`, `(089) 765 4321`,
`3/1017/00203/45/6`, `1.5099.00123.45.3`, `1_5099_…`), with full-width or Thai digits, or none
at all. The text is normalised character by character (same length, so positions still point
into the original), runs of digit groups are found, and consecutive groups are joined into
candidates: a 13-digit national ID (its check digit must match when the groups are not the
plain or 1-4-5-2-1 form), a Thai mobile or landline number, or a number given to look for.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# Between digit groups: spaces of every width, dashes of every kind, / . _ brackets, and the
# invisible joiners a copy-paste can leave behind (NFKC has already made full-width ones ASCII).
SEPARATOR = r"[\s\-‐‑‒–—―−/._()\[\]{}\u200b\u200c\u200d\u2060\ufeff]"
_RUN = re.compile(rf"(?<!\d)\+?\d+(?:{SEPARATOR}{{1,3}}\d+)*(?!\d)")
_GROUP = re.compile(r"\d+")
_ID_GROUPING = (1, 4, 5, 2, 1)
MAX_DIGITS = 13


def normalize(text: str) -> str:
    """The text with full-width and Thai digits and separators made ASCII, same length."""
    if text.isascii():  # nothing to make ASCII (the common case for numbers and e-mails)
        return text
    return "".join(map(_plain, text))


@lru_cache(maxsize=4096)  # Thai text repeats a few dozen letters: look each up once
def _plain(ch: str) -> str:
    plain = unicodedata.normalize("NFKC", ch).translate(_THAI_DIGITS)
    return plain if len(plain) == 1 else ch


def digits_only(text: str) -> str:
    """Only the digits of a text (any script), ASCII."""
    return re.sub(r"\D", "", normalize(text or ""))


def home_phone(digits: str) -> str:
    """A +66 number as it is dialled at home: 66812345678 (or +66 (0)8…) becomes 0812345678."""
    if digits.startswith("660") and len(digits) in (11, 12):
        return digits[2:]
    if digits.startswith("66") and len(digits) in (10, 11):
        return "0" + digits[2:]
    return digits


def id_check_digit_ok(digits: str) -> bool:
    """Whether 13 digits carry a matching Thai national ID check digit."""
    total = sum(int(d) * (13 - i) for i, d in enumerate(digits[:12]))
    return (11 - total % 11) % 10 == int(digits[12])


def is_phone(digits: str, international: bool = False) -> bool:
    """A Thai mobile (06/08/09 + 8 digits) or landline (02–07 + 7 digits) number."""
    if international:
        digits = home_phone(digits) if digits.startswith("66") else ""
    if len(digits) == 10:
        return digits[0] == "0" and digits[1] in "689"
    return len(digits) == 9 and digits[0] == "0" and digits[1] in "234567"


@dataclass(frozen=True)
class Number:
    """A phone number or national ID found in a text: where it is and its digits."""

    start: int
    end: int
    kind: str  # national_id | phone | term
    digits: str


def _kind(groups: list[tuple[int, int, str]], plus: bool, terms: frozenset[str]) -> str | None:
    digits = "".join(g[2] for g in groups)
    if digits in terms or home_phone(digits) in terms:
        return "term"
    if len(digits) == MAX_DIGITS:
        plain = len(groups) == 1 or tuple(len(g[2]) for g in groups) == _ID_GROUPING
        if plain or id_check_digit_ok(digits):
            return "national_id"
    if is_phone(digits, international=plus):
        return "phone"
    return None


def _in_run(plain: str, run: re.Match[str], terms: frozenset[str]) -> Iterable[Number]:
    groups = [(m.start(), m.end(), m.group()) for m in _GROUP.finditer(plain, *run.span())]
    plus = run.group().startswith("+")
    i = 0
    while i < len(groups):
        best: tuple[int, str] | None = None
        length = 0
        for j in range(i, len(groups)):
            length += len(groups[j][2])
            if length > MAX_DIGITS:
                break
            kind = _kind(groups[i : j + 1], plus and i == 0, terms)
            best = (j, kind) if kind else best
        if best is None:
            i += 1
            continue
        j, kind = best
        first = run.start() if i == 0 else groups[i][0]
        # "(089) 765 4321": the opening bracket goes with the number it opens.
        if (
            first > 0
            and plain[first - 1] in "(["
            and re.search(r"[)\]]", plain[first : groups[j][1]])
        ):
            first -= 1
        yield Number(first, groups[j][1], kind, "".join(g[2] for g in groups[i : j + 1]))
        i = j + 1


def find(text: str, terms: Iterable[str] = ()) -> list[Number]:
    """Every national ID, phone number and given number (digits) in a text, in order."""
    wanted = frozenset(home_phone(t) for t in terms if t)
    plain = normalize(text or "")
    found: list[Number] = []
    for run in _RUN.finditer(plain):
        found.extend(_in_run(plain, run, wanted))
    return found
