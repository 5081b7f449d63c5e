"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from engine.models import Base

# The search index (migration 0011) lives outside the models: SQLite's FTS5 table and its
# shadow tables, PostgreSQL's GIN trigram indexes.
SEARCH_INDEX_TABLES = "case_search"
SEARCH_INDEXES = {"ix_cases_title_trgm", "ix_cases_description_trgm"}


def _include_name(name, type_, parent_names):  # type: ignore[no-untyped-def]
    if type_ == "table":
        return not (name or "").startswith(SEARCH_INDEX_TABLES)
    if type_ == "index":
        return name not in SEARCH_INDEXES
    return True


def test_migrated_schema_has_no_drift_from_the_models(db_engine):
    with db_engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": False, "include_name": _include_name}
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
