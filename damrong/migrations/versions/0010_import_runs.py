"""imported records (damrong import: resume without duplicates)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 12:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import engine.models.base

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "imported_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("imported_at", engine.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_imported_records_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imported_records")),
        sa.UniqueConstraint("source", "external_id", name=op.f("uq_imported_records_source")),
    )
    op.create_index(
        op.f("ix_imported_records_case_id"), "imported_records", ["case_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_imported_records_case_id"), table_name="imported_records")
    op.drop_table("imported_records")
