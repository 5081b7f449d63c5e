"""test-run scenarios kept with each version and draft

A scenario (engine/workflow/scenarios.py) is a small JSON document a designer runs a version
against: start data, steps, the expected path and final status. It is stored beside the version,
outside its content hash.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 08:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from engine.models.base import JSONType

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("process_definitions", "process_drafts"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("scenarios", JSONType, nullable=False, server_default="{}"))


def downgrade() -> None:
    for table in ("process_definitions", "process_drafts"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("scenarios")
