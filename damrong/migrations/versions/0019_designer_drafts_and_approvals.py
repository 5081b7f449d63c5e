"""designer: drafts saved on the server, activation requests decided by a second person

A draft holds a designer's files and forms between saves (an optimistic lock refuses a stale
save); an activation request makes a stored version live once another designer or an
administrator approves it, at once or at a scheduled time.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-08 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from engine.models.base import JSONType, UTCDateTime

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "process_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("process_id", sa.String(length=64), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("files", JSONType, nullable=False),
        sa.Column("forms", JSONType, nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("lock", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_process_drafts")),
    )
    op.create_index(
        op.f("ix_process_drafts_process_id"), "process_drafts", ["process_id"], unique=False
    )
    op.create_table(
        "activation_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("process_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("definition_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
        sa.Column("activate_at", UTCDateTime(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("activated_at", UTCDateTime(), nullable=True),
        sa.Column("lock", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["definition_id"],
            ["process_definitions.id"],
            name=op.f("fk_activation_requests_definition_id_process_definitions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_activation_requests_requested_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_activation_requests_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activation_requests")),
    )
    op.create_index(
        op.f("ix_activation_requests_process_id"),
        "activation_requests",
        ["process_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_activation_requests_state"), "activation_requests", ["state"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_activation_requests_state"), table_name="activation_requests")
    op.drop_index(op.f("ix_activation_requests_process_id"), table_name="activation_requests")
    op.drop_table("activation_requests")
    op.drop_index(op.f("ix_process_drafts_process_id"), table_name="process_drafts")
    op.drop_table("process_drafts")
