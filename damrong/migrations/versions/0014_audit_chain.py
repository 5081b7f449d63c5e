"""audit_events hash chains (per case, one global) with audit_heads; existing events are chained

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 03:00:00
"""

from collections.abc import Sequence
from types import SimpleNamespace

import sqlalchemy as sa
from alembic import op

import engine.models.base
from engine import auditchain

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("actor_kind", "chain_seq", "prev_hash", "hash", "private_hash", "private_salt")


def upgrade() -> None:
    op.create_table(
        "audit_heads",
        sa.Column("chain", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("chain", name=op.f("pk_audit_heads")),
    )
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("actor_kind", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("chain_seq", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("private_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("private_salt", sa.String(length=32), nullable=True))
    _chain_existing_events(op.get_bind())
    op.create_index("ux_audit_events_chain", "audit_events", ["case_id", "chain_seq"], unique=True)


def _chain_existing_events(connection: sa.Connection) -> None:
    """Link the events written before chaining, in id order per chain; actor kinds stay unknown."""
    events = sa.table(
        "audit_events",
        *(sa.column(name) for name in ("id", "case_id", "actor_id", "actor_label", "action")),
        *(sa.column(name) for name in ("step", "status_before", "status_after", "public")),
        sa.column("at", engine.models.base.UTCDateTime()),
        sa.column("detail", engine.models.base.JSONType),
        *(sa.column(name) for name in COLUMNS),
    )
    heads: dict[str, tuple[int, str]] = {}
    rows = connection.execute(sa.select(events).order_by(events.c.id)).mappings().all()
    updates = []
    for row in rows:
        event = SimpleNamespace(**dict(row))
        chain = auditchain.chain_of(event.case_id)
        seq, prev_hash = heads.get(chain, (0, auditchain.GENESIS))
        auditchain.seal(event, seq + 1, prev_hash)  # type: ignore[arg-type]
        heads[chain] = (seq + 1, event.hash)
        updates.append({"_id": event.id} | {f"_{n}": getattr(event, n) for n in COLUMNS[1:]})
    if updates:
        statement = sa.update(events).where(events.c.id == sa.bindparam("_id"))
        values = {name: sa.bindparam(f"_{name}") for name in COLUMNS[1:]}
        connection.execute(statement.values(values), updates)
    if heads:
        table = sa.table("audit_heads", sa.column("chain"), sa.column("seq"), sa.column("hash"))
        connection.execute(
            sa.insert(table), [{"chain": c, "seq": s, "hash": h} for c, (s, h) in heads.items()]
        )


def downgrade() -> None:
    op.drop_index("ux_audit_events_chain", table_name="audit_events")
    with op.batch_alter_table("audit_events") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
    op.drop_table("audit_heads")
