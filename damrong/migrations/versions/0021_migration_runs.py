"""migration runs: moving running cases between versions in batches, with progress

A run plans its cases when it starts and is carried on in batches (by the request, then the
scheduler); each case's outcome is a row, so a large report pages and a move can be undone.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 08:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from engine.models.base import JSONType, UTCDateTime

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "migration_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("process_id", sa.String(length=64), nullable=False),
        sa.Column("from_version", sa.Integer(), nullable=False),
        sa.Column("to_version", sa.Integer(), nullable=False),
        sa.Column("from_definition_id", sa.Integer(), nullable=False),
        sa.Column("to_definition_id", sa.Integer(), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("filters", JSONType, nullable=False),
        sa.Column("case_ids", JSONType, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("migratable", sa.Integer(), nullable=False),
        sa.Column("blocked", sa.Integer(), nullable=False),
        sa.Column("migrated", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("undo_of", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("lock", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_definition_id"],
            ["process_definitions.id"],
            name=op.f("fk_migration_runs_from_definition_id_process_definitions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["to_definition_id"],
            ["process_definitions.id"],
            name=op.f("fk_migration_runs_to_definition_id_process_definitions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["undo_of"],
            ["migration_runs.id"],
            name=op.f("fk_migration_runs_undo_of_migration_runs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_migration_runs")),
    )
    op.create_index(
        op.f("ix_migration_runs_process_id"), "migration_runs", ["process_id"], unique=False
    )
    op.create_index(op.f("ix_migration_runs_state"), "migration_runs", ["state"], unique=False)
    op.create_table(
        "migration_run_cases",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("migratable", sa.Boolean(), nullable=False),
        sa.Column("migrated", sa.Boolean(), nullable=False),
        sa.Column("elements", JSONType, nullable=False),
        sa.Column("reasons", JSONType, nullable=False),
        sa.Column("reasons_th", JSONType, nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["migration_runs.id"],
            name=op.f("fk_migration_run_cases_run_id_migration_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", "case_id", name=op.f("pk_migration_run_cases")),
    )


def downgrade() -> None:
    op.drop_table("migration_run_cases")
    op.drop_index(op.f("ix_migration_runs_state"), table_name="migration_runs")
    op.drop_index(op.f("ix_migration_runs_process_id"), table_name="migration_runs")
    op.drop_table("migration_runs")
