"""Finding a case: by tracking code, by the complainant's phone, or by words of its text.

Thai is written without spaces, so words are found as substrings of the title and description,
through trigram indexes (migration 0011): on SQLite the FTS5 table `case_search` for words of
three characters or more (FTS5 trigrams cannot find shorter ones; those fall back to LIKE), on
PostgreSQL `ILIKE '%word%'`, which pg_trgm's GIN indexes serve (shorter words there too are
matched in a form the index does not claim). Only cases the actor may see are searched, and a
phone number only finds cases whose complainant the actor may see. An agency's words are matched
against the copy of the text the identity filter shows agencies (engine/cases/searchindex.py,
FTS5 table `agency_case_search`), so nothing the filter hides can be found; other staff search
the full text.
"""

from __future__ import annotations

import re

from sqlalchemy import Integer, and_, column, false, func, or_, select, text
from sqlalchemy.orm import Session

from engine.access import redaction
from engine.access.rules import Actor, case_visibility
from engine.cases import codes
from engine.db import is_sqlite
from engine.errors import ValidationFailed
from engine.models import AgencyCaseText, Case

MAX_QUERY = 100
FTS_TABLE = "case_search"  # SQLite FTS5, tokenize='trigram', rowid = cases.id
AGENCY_FTS_TABLE = "agency_case_search"  # the same over agency_case_texts, rowid = case id
TRIGRAM = 3  # FTS5 trigrams find substrings of this many characters or more
_PHONE = re.compile(r"^\+?[0-9][0-9 -]{7,14}$")


def _phone_digits(text: str) -> str | None:
    if not _PHONE.fullmatch(text):
        return None
    digits = re.sub(r"\D", "", text)
    if digits.startswith("66") and len(digits) in (10, 11):
        digits = "0" + digits[2:]
    return digits if 9 <= len(digits) <= 10 else None


def _phone_condition(actor: Actor, digits: str):  # type: ignore[no-untyped-def]
    """A phone number reveals who complained: only where the actor may see the complainant."""
    if actor.kind == "system":
        return Case.complainant_phone == digits
    if actor.is_agency_staff:
        return (
            (Case.complainant_phone == digits)
            & Case.confidential.is_(False)
            & Case.anonymous.is_(False)
        )
    if actor.is_center_staff:
        return (Case.complainant_phone == digits) & Case.anonymous.is_(False)
    return false()


def search_cases(
    session: Session, actor: Actor, text: str, limit: int = 50, offset: int = 0
) -> tuple[list[Case], int]:
    """Visible cases matching a tracking code, a phone number or words, newest first."""
    query_text = " ".join((text or "").split())
    if not query_text or len(query_text) > MAX_QUERY or "\x00" in query_text:
        raise ValidationFailed.one(
            "q",
            f"กรุณาพิมพ์คำค้น (ไม่เกิน {MAX_QUERY} ตัวอักษร)",
            f"Type what to look for ({MAX_QUERY} characters at most).",
        )
    conditions = []
    if codes.is_valid_tracking_code(query_text):
        conditions.append(Case.tracking_code == codes.normalize_tracking_code(query_text))
    digits = _phone_digits(query_text)
    if digits:
        conditions.append(_phone_condition(actor, digits))
    if actor.is_agency_staff:
        # An agency reads filtered text: its words search only the filtered copy.
        conditions.append(Case.id.in_(_agency_word_matches(session, query_text.split(" "))))
    else:
        conditions.append(_all_words(session, query_text.split(" ")))
    query = select(Case).where(case_visibility(actor), or_(*conditions))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Case.created_at.desc(), Case.id.desc()).limit(limit).offset(offset)
    ).all()
    return list(rows), int(total)


def _all_words(session: Session, words: list[str]):  # type: ignore[no-untyped-def]
    """Every word occurs in the title or the description (as a substring: Thai has no spaces)."""
    return _words_in(session, words, (Case.title, Case.description), Case.id, FTS_TABLE)


def _agency_word_matches(session: Session, words: list[str]):  # type: ignore[no-untyped-def]
    """Ids of cases whose filtered copy (made under the current rules) holds every word."""
    copy = AgencyCaseText
    found = _words_in(
        session, words, (copy.title, copy.description), copy.case_id, AGENCY_FTS_TABLE
    )
    return select(copy.case_id).where(copy.rules_version == redaction.RULES_VERSION, found)


def _words_in(session: Session, words: list[str], columns, key, fts: str):  # type: ignore[no-untyped-def]
    long_words = [word for word in words if len(word) >= TRIGRAM]
    short_words = [word for word in words if len(word) < TRIGRAM]
    if not is_sqlite(session):
        return and_(
            *[_either_column_ilike(columns, word) for word in long_words],
            *[_either_column_holds(columns, word) for word in short_words],
        )
    conditions = [_either_column_like(columns, word) for word in short_words]
    if long_words:
        conditions.append(key.in_(_fts_rowids(fts, long_words)))
    return and_(*conditions)


def _fts_rowids(table: str, words: list[str]):  # type: ignore[no-untyped-def]
    """Ids of cases whose text holds every word, from an FTS5 trigram index."""
    # Each word is one quoted phrase, so FTS5 syntax typed by a user (*, NEAR, OR, parentheses,
    # a lone quote) is only text to look for.
    phrases = " AND ".join('"' + word.replace('"', '""') + '"' for word in words)
    return (
        text(f"SELECT rowid FROM {table} WHERE {table} MATCH :phrases")
        .bindparams(phrases=phrases)
        .columns(column("rowid", Integer))
    )


def _either_column_like(columns, word: str):  # type: ignore[no-untyped-def]
    return or_(*[c.contains(word, autoescape=True) for c in columns])


def _either_column_ilike(columns, word: str):  # type: ignore[no-untyped-def]
    """`ILIKE '%word%'` on the bare columns, the form the GIN trigram indexes serve."""
    pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(*[c.ilike(pattern) for c in columns])


def _either_column_holds(columns, word: str):  # type: ignore[no-untyped-def]
    """A word too short for a trigram, in a form no trigram index claims to serve.

    Without trigrams GIN would read its whole index and recheck every row, many times slower
    than reading the table (bench/search.py).
    """
    needle = word.lower()
    return or_(*[func.strpos(func.lower(c), needle) > 0 for c in columns])
