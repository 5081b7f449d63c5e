"""letters by position: org units' head positions, officials' positions, letterhead images

The referral letter is addressed to the receiving unit's head (เรียน ปลัดกระทรวงแรงงาน), signed
with the official's name and position, under the center's letterhead image (or the national
default), kept in the database so every web process serves the same one.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 11:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from engine.models.base import UTCDateTime

revision: str = "0022"
down_revision: str | Sequence[str] | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("org_units", sa.Column("head_position_th", sa.String(length=200), nullable=True))
    op.add_column("org_units", sa.Column("head_position_en", sa.String(length=200), nullable=True))
    op.add_column("users", sa.Column("position", sa.String(length=200), nullable=True))
    op.create_table(
        "letterheads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_unit_id", sa.Integer(), nullable=True),
        sa.Column("content_type", sa.String(length=20), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.String(length=200), nullable=False),
        sa.Column("uploaded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_unit_id"], ["org_units.id"], name=op.f("fk_letterheads_org_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letterheads")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_letterheads_org_unit_id"), "letterheads", ["org_unit_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_letterheads_org_unit_id"), table_name="letterheads")
    op.drop_table("letterheads")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("position")
    with op.batch_alter_table("org_units") as batch:
        batch.drop_column("head_position_en")
        batch.drop_column("head_position_th")
