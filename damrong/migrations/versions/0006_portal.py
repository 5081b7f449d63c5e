"""portal: LINE link codes

Revision ID: 0006
Revises: 0002
Create Date: 2026-11-29 11:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import engine.models.base

revision: str = "0006"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "line_link_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", engine.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", engine.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", engine.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_line_link_codes_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_line_link_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_line_link_codes_code_hash")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_line_link_codes_case_id"), "line_link_codes", ["case_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_line_link_codes_case_id"), table_name="line_link_codes")
    op.drop_table("line_link_codes")
