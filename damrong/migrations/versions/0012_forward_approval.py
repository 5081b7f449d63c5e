"""forward approval: a center setting, and agencies' forward requests waiting for a decision

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 14:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import engine.models.base

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = engine.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.add_column(
        "org_units",
        sa.Column(
            "forward_needs_approval", sa.Boolean(), server_default=sa.false(), nullable=False
        ),
    )
    op.create_table(
        "forward_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("from_agency_id", sa.Integer(), nullable=False),
        sa.Column("to_agency_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", UTC, nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", UTC, nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_forward_requests_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["from_agency_id"],
            ["org_units.id"],
            name=op.f("fk_forward_requests_from_agency_id_org_units"),
        ),
        sa.ForeignKeyConstraint(
            ["to_agency_id"],
            ["org_units.id"],
            name=op.f("fk_forward_requests_to_agency_id_org_units"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_forward_requests_requested_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forward_requests")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_forward_requests_case_id"), "forward_requests", ["case_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_forward_requests_case_id"), table_name="forward_requests")
    op.drop_table("forward_requests")
    with op.batch_alter_table("org_units", schema=None) as batch_op:
        batch_op.drop_column("forward_needs_approval")
