"""Files attached to a complaint form that came back with an error: kept server-side (already
cleaned) under a random token, shown as "แนบแล้ว: photo.jpg" with a thumbnail and a remove
button, and filed with the complaint once it is sent. A token opens its file only in the
form session that made it, and rows are swept after KEEP_FOR.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal.models import KeptUpload
from portal.uploads import CleanFile, thumbnail

KEEP_FOR = timedelta(hours=3)


@dataclass(frozen=True)
class Kept:
    """A kept file as the form shows it."""

    token: str
    filename: str
    thumbnail: str | None


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def keep(db: Session, now: datetime, form_session: str, files: list[CleanFile]) -> list[Kept]:
    """Store cleaned files for this form session; the tokens the page carries back."""
    db.execute(delete(KeptUpload).where(KeptUpload.expires_at < now))
    kept = []
    for f in files:
        token = secrets.token_urlsafe(24)
        db.add(
            KeptUpload(
                token_hash=_hash(token),
                session_hash=_hash(form_session),
                filename=f.filename,
                content_type=f.content_type,
                content=f.content,
                created_at=now,
                expires_at=now + KEEP_FOR,
            )
        )
        kept.append(Kept(token, f.filename, thumbnail(f.content_type, f.content)))
    return kept


def _rows(db: Session, now: datetime, form_session: str, tokens: list[str]) -> list[KeptUpload]:
    wanted = [_hash(t) for t in dict.fromkeys(tokens) if isinstance(t, str) and 0 < len(t) < 100]
    if not wanted:
        return []
    rows = db.scalars(
        select(KeptUpload)
        .where(
            KeptUpload.token_hash.in_(wanted),
            KeptUpload.session_hash == _hash(form_session),
            KeptUpload.expires_at >= now,
        )
        .order_by(KeptUpload.id)
    )
    return list(rows)


def shown(db: Session, now: datetime, form_session: str, tokens: list[str]) -> list[Kept]:
    """The kept files these tokens still open (a forged, expired or foreign token opens none)."""
    by_hash = {_hash(t): t for t in tokens if isinstance(t, str)}
    return [
        Kept(by_hash[r.token_hash], r.filename, thumbnail(r.content_type, r.content))
        for r in _rows(db, now, form_session, tokens)
    ]


def take(db: Session, now: datetime, form_session: str, tokens: list[str]) -> list[CleanFile]:
    """The kept files, to file with the complaint; their rows go (the case keeps the files)."""
    rows = _rows(db, now, form_session, tokens)
    files = [CleanFile(r.filename, r.content_type, r.content) for r in rows]
    for row in rows:
        db.delete(row)
    return files


def drop(db: Session, now: datetime, form_session: str, token: str) -> None:
    """The complainant removed a kept file."""
    for row in _rows(db, now, form_session, [token]):
        db.delete(row)
