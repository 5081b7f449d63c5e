"""staff sessions kept on the server, and growing sign-in delays instead of a lock-out

staff_sessions: one row per signed-in browser (the cookie carries a random id, kept here hashed),
ended by sign-out, a password change, deactivation, the idle timeout or the absolute lifetime.
sign_in_delays replaces sign_in_throttles (a per-username lock anyone could trigger): failures
per address, per account and per account from one address.

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-10 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import engine.models.base

revision: str = "0015"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = engine.models.base.UTCDateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("last_seen_at", UTC, nullable=False),
        sa.Column("ended_at", UTC, nullable=True),
        sa.Column("end_reason", sa.String(length=20), nullable=True),
        sa.Column("pending_path", sa.String(length=200), nullable=True),
        sa.Column("pending_form", JSON, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_staff_sessions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_staff_sessions_token_hash")),
    )
    op.create_index(op.f("ix_staff_sessions_user_id"), "staff_sessions", ["user_id"], unique=False)
    op.create_table(
        "sign_in_delays",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", UTC, nullable=False),
        sa.Column("wait_until", UTC, nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sign_in_delays")),
    )
    op.drop_table("sign_in_throttles")
    _forget_kept_secrets()


def _forget_kept_secrets() -> None:
    """Idempotency records kept the citizen secret of the case they opened: no longer."""
    records = sa.table(
        "idempotency_records",
        sa.column("scope", sa.String()),
        sa.column("key", sa.String()),
        sa.column("response", JSON),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(records.c.scope, records.c.key, records.c.response))
    for scope, key, response in rows.all():
        if isinstance(response, dict) and response.get("citizen_secret"):
            kept = {**response, "citizen_secret": None, "secret_already_shown": True}
            where = (records.c.scope == scope) & (records.c.key == key)
            connection.execute(records.update().where(where).values(response=kept))


def downgrade() -> None:
    op.create_table(
        "sign_in_throttles",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", UTC, nullable=True),
        sa.Column("locked_until", UTC, nullable=True),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_sign_in_throttles")),
    )
    op.drop_table("sign_in_delays")
    op.drop_index(op.f("ix_staff_sessions_user_id"), table_name="staff_sessions")
    op.drop_table("staff_sessions")
