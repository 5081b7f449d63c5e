"""case search index: SQLite FTS5 trigram table, PostgreSQL pg_trgm GIN indexes

Thai has no spaces between words, so a word is found as a substring. Trigrams index every
three-character substring: SQLite keeps them in an FTS5 table that mirrors the title and the
description of each case (kept in step by triggers, so every writer, bulk inserts included,
updates it); PostgreSQL serves `ILIKE '%word%'` from GIN trigram indexes.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 14:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The FTS5 table reads its text from `cases` (external content): no second copy of the text.
SQLITE_UP = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS case_search USING fts5(
        title, description, content='cases', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER IF NOT EXISTS case_search_insert AFTER INSERT ON cases BEGIN
        INSERT INTO case_search(rowid, title, description)
        VALUES (new.id, new.title, new.description);
    END""",
    """CREATE TRIGGER IF NOT EXISTS case_search_delete AFTER DELETE ON cases BEGIN
        INSERT INTO case_search(case_search, rowid, title, description)
        VALUES ('delete', old.id, old.title, old.description);
    END""",
    # Only an edit of the text touches the index, not every status or version change.
    """CREATE TRIGGER IF NOT EXISTS case_search_update AFTER UPDATE OF title, description
    ON cases BEGIN
        INSERT INTO case_search(case_search, rowid, title, description)
        VALUES ('delete', old.id, old.title, old.description);
        INSERT INTO case_search(rowid, title, description)
        VALUES (new.id, new.title, new.description);
    END""",
    # Cases registered before this migration.
    "INSERT INTO case_search(case_search) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS case_search_update",
    "DROP TRIGGER IF EXISTS case_search_delete",
    "DROP TRIGGER IF EXISTS case_search_insert",
    "DROP TABLE IF EXISTS case_search",
]
POSTGRESQL_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS ix_cases_title_trgm ON cases USING gin (title gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS ix_cases_description_trgm "
    "ON cases USING gin (description gin_trgm_ops)",
]
# The extension stays: other objects of the database may use it.
POSTGRESQL_DOWN = [
    "DROP INDEX IF EXISTS ix_cases_description_trgm",
    "DROP INDEX IF EXISTS ix_cases_title_trgm",
]


def _run(statements: dict[str, list[str]]) -> None:
    bind = op.get_bind()
    for statement in statements.get(bind.dialect.name, []):
        op.execute(statement)


def upgrade() -> None:
    _run({"sqlite": SQLITE_UP, "postgresql": POSTGRESQL_UP})


def downgrade() -> None:
    _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRESQL_DOWN})
