"""Alembic environment: runs against the connection or URL that damrong.migrate hands it."""

from alembic import context
from sqlalchemy import create_engine

from damrong.migrate import include_name
from damrong.schema import metadata

config = context.config
target_metadata = metadata


def run_migrations_online() -> None:
    """Run migrations on the given connection (or one made from the URL)."""
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            include_name=include_name,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        context.configure(
            connection=conn,
            target_metadata=target_metadata,
            render_as_batch=True,
            include_name=include_name,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
