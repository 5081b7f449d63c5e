"""The citizen portal's own rows: one-time codes that link a LINE account to a case, and the
files of a complaint form kept while the complainant corrects it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, UTCDateTime


class LineLinkCode(Base):
    """A code the complainant sends to Damrong's LINE account, so pushes reach their userId.

    A LINE ID typed into a form cannot receive pushes; the userId arrives only with a message
    the citizen sends the official account. Only the code's hash is kept.
    """

    __tablename__ = "line_link_codes"
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class KeptUpload(Base):
    """A file attached to a complaint form that came back with an error, kept (cleaned) under a
    random token so the complainant need not choose it again; bound to the form's session and
    swept after a few hours. Only the token's hash is stored."""

    __tablename__ = "portal_kept_uploads"
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    session_hash: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
