"""escalation ladder, reminder plans, SLA records

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 11:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import engine.models.base

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC = engine.models.base.UTCDateTime(timezone=True)
KEEP_IDS = {"sqlite_autoincrement": True}  # a recreated SQLite table never reuses ids


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None, table_kwargs=KEEP_IDS) as batch_op:
        batch_op.add_column(
            sa.Column("escalation_level", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("tasks", schema=None, table_kwargs=KEEP_IDS) as batch_op:
        batch_op.add_column(
            sa.Column("reminder_plan", JSON, server_default=sa.text("'[]'"), nullable=False)
        )
        batch_op.add_column(sa.Column("next_reminder_at", UTC, nullable=True))
        batch_op.add_column(
            sa.Column("breach_count", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.drop_index("ix_tasks_reminder_sweep")
        batch_op.create_index("ix_tasks_reminder_sweep", ["next_reminder_at"], unique=False)
    op.create_table(
        "sla_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("org_unit_id", sa.Integer(), nullable=False),
        sa.Column("center_id", sa.Integer(), nullable=False),
        sa.Column("category_code", sa.String(length=32), nullable=False),
        sa.Column("area_code", sa.String(length=6), nullable=False),
        sa.Column("due_at", UTC, nullable=False),
        sa.Column("finished_at", UTC, nullable=False),
        sa.Column("met", sa.Boolean(), nullable=False),
        sa.Column("breach_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_sla_records_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["center_id"], ["org_units.id"], name=op.f("fk_sla_records_center_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["org_unit_id"], ["org_units.id"], name=op.f("fk_sla_records_org_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_records")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("sla_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sla_records_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_sla_records_finished", ["finished_at", "step"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sla_records", schema=None) as batch_op:
        batch_op.drop_index("ix_sla_records_finished")
        batch_op.drop_index(batch_op.f("ix_sla_records_case_id"))
    op.drop_table("sla_records")
    with op.batch_alter_table("tasks", schema=None, table_kwargs=KEEP_IDS) as batch_op:
        batch_op.drop_index("ix_tasks_reminder_sweep")
        batch_op.create_index(
            "ix_tasks_reminder_sweep", ["reminded_at", "at_risk_at"], unique=False
        )
        batch_op.drop_column("breach_count")
        batch_op.drop_column("next_reminder_at")
        batch_op.drop_column("reminder_plan")
    with op.batch_alter_table("cases", schema=None, table_kwargs=KEEP_IDS) as batch_op:
        batch_op.drop_column("escalation_level")
