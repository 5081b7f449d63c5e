"""staff web: failed sign-ins for the lock-out, tasks by area and deadline

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-29 11:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import engine.models.base

revision: str = "0005"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_throttles",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", engine.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("locked_until", engine.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_sign_in_throttles")),
    )
    op.create_index("ix_tasks_area_due", "tasks", ["area_code", "due_at"], unique=False)
    op.create_index("ix_tasks_due_area", "tasks", ["due_at", "area_code"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_tasks_due_area", table_name="tasks")
    op.drop_index("ix_tasks_area_due", table_name="tasks")
    op.drop_table("sign_in_throttles")
