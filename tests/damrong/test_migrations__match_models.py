"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from damrong.migrate import include_name
from engine.models import Base


def test_migrated_schema_has_no_drift_from_the_models(db_engine):
    with db_engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": False, "include_name": include_name}
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
