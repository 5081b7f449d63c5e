"""processes as a product: live pointer per process, versions with forms, roles, bindings

Each category is bound to a process; each process has a live version (the pointer moves on
activate and rollback); a version keeps its forms, its resolved task settings, the versions of
the processes it calls, a note, and when it was activated or retired. Lanes resolve to staff
roles through `workflow_roles`. SLA policies may belong to one process.

Existing versions: each process's newest version becomes live, as it was.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from engine.models.base import JSONType, UTCDateTime

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("process_definitions") as batch:
        batch.drop_constraint("uq_process_definitions_content_hash", type_="unique")
        batch.add_column(sa.Column("forms", JSONType, server_default="{}", nullable=False))
        batch.add_column(sa.Column("tasks", JSONType, server_default="{}", nullable=False))
        batch.add_column(sa.Column("pins", JSONType, server_default="{}", nullable=False))
        batch.add_column(sa.Column("note", sa.Text(), server_default="", nullable=False))
        batch.add_column(sa.Column("activated_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("retired_at", UTCDateTime(), nullable=True))
        batch.create_unique_constraint("uq_process_definitions_version", ["process_id", "version"])
        batch.create_unique_constraint(
            "uq_process_definitions_content", ["process_id", "content_hash"]
        )
    op.execute("UPDATE process_definitions SET activated_at = deployed_at")
    op.create_table(
        "processes",
        sa.Column("process_id", sa.String(length=64), nullable=False),
        sa.Column("name_th", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("live_definition_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("lock", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["live_definition_id"],
            ["process_definitions.id"],
            name=op.f("fk_processes_live_definition_id_process_definitions"),
        ),
        sa.PrimaryKeyConstraint("process_id", name=op.f("pk_processes")),
    )
    op.execute(
        "INSERT INTO processes (process_id, name_th, name_en, live_definition_id, updated_at, "
        "updated_by, lock) SELECT d.process_id, '', '', d.id, d.deployed_at, d.deployed_by, 1 "
        "FROM process_definitions d WHERE d.version = (SELECT max(e.version) FROM "
        "process_definitions e WHERE e.process_id = d.process_id)"
    )
    op.create_table(
        "workflow_roles",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_th", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("aliases", JSONType, server_default="[]", nullable=False),
        sa.Column("user_role", sa.String(length=32), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("escalates", sa.Boolean(), nullable=False),
        sa.Column("default_status", sa.String(length=24), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_workflow_roles")),
    )
    with op.batch_alter_table("categories") as batch:
        batch.add_column(
            sa.Column(
                "process_id", sa.String(length=64), server_default="complaint", nullable=False
            )
        )
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("process_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("sla_policy", sa.String(length=64), nullable=True))
    with op.batch_alter_table("sla_policies") as batch:
        batch.drop_constraint("uq_sla_policies_step", type_="unique")
        batch.add_column(sa.Column("process_id", sa.String(length=64), nullable=True))
        batch.create_unique_constraint(
            "uq_sla_policies_key", ["process_id", "step", "category_code"]
        )


def downgrade() -> None:
    with op.batch_alter_table("sla_policies") as batch:
        batch.drop_constraint("uq_sla_policies_key", type_="unique")
        batch.drop_column("process_id")
        batch.create_unique_constraint("uq_sla_policies_step", ["step", "category_code"])
    with op.batch_alter_table("categories") as batch:
        batch.drop_column("process_id")
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("sla_policy")
        batch.drop_column("process_id")
    op.drop_table("workflow_roles")
    op.drop_table("processes")
    with op.batch_alter_table("process_definitions") as batch:
        batch.drop_constraint("uq_process_definitions_content", type_="unique")
        batch.drop_constraint("uq_process_definitions_version", type_="unique")
        for column in ("retired_at", "activated_at", "note", "pins", "tasks", "forms"):
            batch.drop_column(column)
        batch.create_unique_constraint("uq_process_definitions_content_hash", ["content_hash"])
