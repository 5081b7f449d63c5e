"""notifications: template overrides, agency endpoints, preferences, outbox deliveries

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-29 11:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import engine.models.base

revision: str = "0004"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC = engine.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "notification_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_short", sa.Text(), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_templates")),
        sa.UniqueConstraint("name", "language", name=op.f("uq_notification_templates_name")),
    )
    op.create_table(
        "agency_endpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_unit_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["org_unit_id"],
            ["org_units.id"],
            name=op.f("fk_agency_endpoints_org_unit_id_org_units"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_endpoints")),
        sa.UniqueConstraint("org_unit_id", name=op.f("uq_agency_endpoints_org_unit_id")),
    )
    op.create_table(
        "complainant_preferences",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("channels", JSON, nullable=False),
        sa.Column("opted_out", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_complainant_preferences_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_complainant_preferences")),
    )
    op.create_table(
        "staff_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_staff_preferences_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_staff_preferences")),
    )
    # A recreated SQLite table must keep AUTOINCREMENT: outbox ids are never reused.
    with op.batch_alter_table(
        "outbox", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("channel", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("address", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("language", sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column("rendered", JSON, nullable=True))
        batch_op.add_column(sa.Column("dead_at", UTC, nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_parent_id"), ["parent_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_parent_id_outbox"), "outbox", ["parent_id"], ["id"]
        )


def downgrade() -> None:
    # A recreated SQLite table must keep AUTOINCREMENT: outbox ids are never reused.
    with op.batch_alter_table(
        "outbox", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_outbox_parent_id_outbox"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_outbox_parent_id"))
        for column in ("dead_at", "rendered", "language", "address", "channel", "parent_id"):
            batch_op.drop_column(column)
    op.drop_table("staff_preferences")
    op.drop_table("complainant_preferences")
    op.drop_table("agency_endpoints")
    op.drop_table("notification_templates")
