"""open311 keys and requests, rate limits

Revision ID: 0007
Revises: 0002
Create Date: 2026-11-29 11:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import engine.models.base

revision: str = "0007"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "open311_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("requests_per_minute", sa.Integer(), nullable=False),
        sa.Column("created_at", engine.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", engine.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", engine.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open311_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_open311_keys_key_hash")),
    )
    op.create_table(
        "open311_requests",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=40), nullable=False),
        sa.Column("media_url", sa.String(length=1000), nullable=True),
        sa.Column("created_at", engine.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_open311_requests_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["key_id"], ["open311_keys.id"], name=op.f("fk_open311_requests_key_id_open311_keys")
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_open311_requests")),
        sa.UniqueConstraint("token", name=op.f("uq_open311_requests_token")),
    )
    op.create_index(
        op.f("ix_open311_requests_key_id"), "open311_requests", ["key_id"], unique=False
    )
    op.create_table(
        "rate_limits",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column(
            "window_started_at", engine.models.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("blocked_until", engine.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_limits")),
    )
    op.create_index(
        op.f("ix_rate_limits_blocked_until"), "rate_limits", ["blocked_until"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_rate_limits_blocked_until"), table_name="rate_limits")
    op.drop_table("rate_limits")
    op.drop_index(op.f("ix_open311_requests_key_id"), table_name="open311_requests")
    op.drop_table("open311_requests")
    op.drop_table("open311_keys")
