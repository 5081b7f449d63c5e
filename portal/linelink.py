"""Linking a complainant's LINE account to their case with a one-time code.

The citizen asks for a code on their case page, adds Damrong's official account and sends the
code in the chat; LINE's webhook then carries their userId, the only address pushes can reach.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine import journal
from engine.access.checks import check_can_see, check_may_link_line
from engine.access.rules import Actor
from engine.access.secrets import ALPHABET, compact, hash_token
from engine.clock import Clock
from engine.db import require_transaction
from engine.models import Case
from engine.workflow import runner
from portal.models import LineLinkCode

CODE_CHARS = 8  # 40 bits: with a 30-minute life nobody guesses one through a chat window
CODE_LIFETIME = timedelta(minutes=30)
LINE_USER_ID = re.compile(r"^U[0-9a-f]{32}$")
_CODE_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z])([0-9A-Za-z]{4})[\s\-]?([0-9A-Za-z]{4})(?![0-9A-Za-z])"
)


def issue_code(session: Session, clock: Clock, actor: Actor, case_id: int) -> str:
    """A fresh one-time code for the complainant's own case (earlier unused codes lapse)."""
    require_transaction(session)
    check_may_link_line(actor)
    check_can_see(session, actor, case_id)
    now = clock()
    session.execute(
        update(LineLinkCode)
        .where(LineLinkCode.case_id == case_id, LineLinkCode.used_at.is_(None))
        .values(expires_at=now)
    )
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_CHARS))
    session.add(
        LineLinkCode(
            case_id=case_id,
            code_hash=hash_token(code),
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
    )
    return f"{code[:4]}-{code[4:]}"


def redeem_code(session: Session, clock: Clock, line_user_id: str, text: str) -> Case | None:
    """The case whose live code the chat message carries, now linked to this LINE user."""
    require_transaction(session)
    if not LINE_USER_ID.fullmatch(line_user_id or ""):
        return None
    now = clock()
    for candidate in _candidates(text):
        row = session.scalar(
            select(LineLinkCode).where(
                LineLinkCode.code_hash == hash_token(candidate),
                LineLinkCode.used_at.is_(None),
                LineLinkCode.expires_at > now,
            )
        )
        if row is None:
            continue
        row.used_at = now
        case = runner.lock_case(session, row.case_id)
        case.complainant_line_user_id, case.updated_at = line_user_id, now
        actor = Actor.citizen(case.id)
        journal.record(session, case, actor, "line_linked", now)
        return case
    return None


def holds_code(text: str) -> bool:
    """Whether a chat message holds anything shaped like a code (only those count as guesses)."""
    return bool(_candidates(text))


def _candidates(text: str) -> list[str]:
    """Codes a chat message may hold, read the way tracking codes are (O as 0, I as 1 ...)."""
    found = []
    for first, second in _CODE_IN_TEXT.findall(text or "")[:5]:
        code = compact(first + second)
        if len(code) == CODE_CHARS and all(c in ALPHABET for c in code):
            found.append(code)
    return found
