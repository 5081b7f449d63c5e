"""Schema migrations with Alembic, callable from the CLI and the tests."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config pointing at the engine's migration scripts."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    return config


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Bring the database schema up to `revision` (every head by default)."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


# The search index (migration 0011) lives outside the models: SQLite's FTS5 table and its
# shadow tables, PostgreSQL's GIN trigram indexes. Autogenerate must not propose dropping them.
SEARCH_INDEX_TABLES = ("case_search", "agency_case_search")  # and the agencies' copy (0016)
SEARCH_INDEXES = frozenset(
    {
        "ix_cases_title_trgm",
        "ix_cases_description_trgm",
        "ix_agency_case_texts_title_trgm",
        "ix_agency_case_texts_description_trgm",
    }
)


def include_name(name, type_, parent_names) -> bool:  # type: ignore[no-untyped-def]
    """Alembic's filter: what the models describe (not the search index beside them)."""
    if type_ == "table":
        return not (name or "").startswith(SEARCH_INDEX_TABLES)
    if type_ == "index":
        return name not in SEARCH_INDEXES
    return True
