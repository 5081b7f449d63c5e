"""agency exchange: change feed and its counter, attachments, redactions, contact directory

Revision ID: 0008
Revises: 0002
Create Date: 2026-11-29 11:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import engine.models.base

revision: str = "0008"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC = engine.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "agency_feed",
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("audit_event_id", sa.Integer(), nullable=True),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["org_units.id"], name=op.f("fk_agency_feed_agency_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_agency_feed_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("position", name=op.f("pk_agency_feed")),
    )
    with op.batch_alter_table("agency_feed", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agency_feed_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            "ix_agency_feed_agency_position", ["agency_id", "position"], unique=False
        )

    counter = op.create_table(
        "agency_feed_counter",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_position", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_feed_counter")),
    )
    op.bulk_insert(counter, [{"id": 1, "last_position": 0}])

    op.create_table(
        "case_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("step", sa.String(length=64), nullable=True),
        sa.Column("org_unit_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("withheld", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_attachments_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["org_unit_id"],
            ["org_units.id"],
            name=op.f("fk_case_attachments_org_unit_id_org_units"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_attachments")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("case_attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_attachments_case_id"), ["case_id"], unique=False)

    op.create_table(
        "case_redactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_redactions_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_redactions")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("case_redactions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_redactions_case_id"), ["case_id"], unique=False)

    op.create_table(
        "directory_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("org_unit_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name_th", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("address_th", sa.Text(), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("hotline", sa.String(length=20), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("website", sa.String(length=200), nullable=True),
        sa.Column("office_hours_th", sa.String(length=200), nullable=True),
        sa.Column("office_hours_en", sa.String(length=200), nullable=True),
        sa.Column("area_code", sa.String(length=6), nullable=True),
        sa.Column("area_name_th", sa.String(length=200), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_unit_id"],
            ["org_units.id"],
            name=op.f("fk_directory_entries_org_unit_id_org_units"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_entries")),
        sa.UniqueConstraint("key", name=op.f("uq_directory_entries_key")),
    )
    with op.batch_alter_table("directory_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_directory_entries_area_code"), ["area_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_directory_entries_kind"), ["kind"], unique=False)


def downgrade() -> None:
    op.drop_table("directory_entries")
    op.drop_table("case_redactions")
    op.drop_table("case_attachments")
    op.drop_table("agency_feed_counter")
    op.drop_table("agency_feed")
