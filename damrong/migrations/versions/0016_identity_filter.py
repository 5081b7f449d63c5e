"""identity filter: agencies' filtered copy of case text (search), identity view log

An agency's search must never match what the identity filter hides, so it runs over a copy of
each case's title and description as the filter shows them to agencies (`agency_case_texts`),
indexed like the cases themselves (0011): an FTS5 trigram table on SQLite, pg_trgm GIN indexes
on PostgreSQL. The copy is written by the application (`damrong reindex` fills it for cases
registered before this revision). `identity_views` logs each look at a confidential
complainant's identity.

Revision ID: 0016
Revises: 0013
Create Date: 2026-12-06 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from engine.models.base import UTCDateTime

revision: str = "0016"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UP = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS agency_case_search USING fts5(
        title, description, content='agency_case_texts', content_rowid='case_id',
        tokenize='trigram')""",
    """CREATE TRIGGER IF NOT EXISTS agency_case_search_insert AFTER INSERT ON agency_case_texts
    BEGIN
        INSERT INTO agency_case_search(rowid, title, description)
        VALUES (new.case_id, new.title, new.description);
    END""",
    """CREATE TRIGGER IF NOT EXISTS agency_case_search_delete AFTER DELETE ON agency_case_texts
    BEGIN
        INSERT INTO agency_case_search(agency_case_search, rowid, title, description)
        VALUES ('delete', old.case_id, old.title, old.description);
    END""",
    """CREATE TRIGGER IF NOT EXISTS agency_case_search_update AFTER UPDATE ON agency_case_texts
    BEGIN
        INSERT INTO agency_case_search(agency_case_search, rowid, title, description)
        VALUES ('delete', old.case_id, old.title, old.description);
        INSERT INTO agency_case_search(rowid, title, description)
        VALUES (new.case_id, new.title, new.description);
    END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS agency_case_search_update",
    "DROP TRIGGER IF EXISTS agency_case_search_delete",
    "DROP TRIGGER IF EXISTS agency_case_search_insert",
    "DROP TABLE IF EXISTS agency_case_search",
]
POSTGRESQL_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS ix_agency_case_texts_title_trgm "
    "ON agency_case_texts USING gin (title gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS ix_agency_case_texts_description_trgm "
    "ON agency_case_texts USING gin (description gin_trgm_ops)",
]
POSTGRESQL_DOWN = [
    "DROP INDEX IF EXISTS ix_agency_case_texts_description_trgm",
    "DROP INDEX IF EXISTS ix_agency_case_texts_title_trgm",
]


def _run(statements: dict[str, list[str]]) -> None:
    bind = op.get_bind()
    for statement in statements.get(bind.dialect.name, []):
        op.execute(statement)


def upgrade() -> None:
    op.create_table(
        "agency_case_texts",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("rules_version", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_agency_case_texts_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_agency_case_texts")),
    )
    op.create_index(
        op.f("ix_agency_case_texts_rules_version"), "agency_case_texts", ["rules_version"]
    )
    op.create_table(
        "identity_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=200), nullable=False),
        sa.Column("via", sa.String(length=32), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_identity_views_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_identity_views_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_views")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_identity_views_case_id"), "identity_views", ["case_id"])
    op.create_index(op.f("ix_identity_views_user_id"), "identity_views", ["user_id"])
    _run({"sqlite": SQLITE_UP, "postgresql": POSTGRESQL_UP})


def downgrade() -> None:
    _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRESQL_DOWN})
    op.drop_index(op.f("ix_identity_views_user_id"), table_name="identity_views")
    op.drop_index(op.f("ix_identity_views_case_id"), table_name="identity_views")
    op.drop_table("identity_views")
    op.drop_index(op.f("ix_agency_case_texts_rules_version"), table_name="agency_case_texts")
    op.drop_table("agency_case_texts")
