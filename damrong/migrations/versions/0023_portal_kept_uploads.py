"""portal: files kept while a complaint form is corrected

A complaint form that comes back with an error keeps the files already attached (cleaned),
under a random token bound to the form's session, so the complainant need not choose them
again; swept after a few hours.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from engine.models.base import UTCDateTime

revision: str = "0023"
down_revision: str | Sequence[str] | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "portal_kept_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("session_hash", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_kept_uploads")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_portal_kept_uploads_token_hash")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_portal_kept_uploads_expires_at"),
        "portal_kept_uploads",
        ["expires_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_portal_kept_uploads_expires_at"), table_name="portal_kept_uploads")
    op.drop_table("portal_kept_uploads")
