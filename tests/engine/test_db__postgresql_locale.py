"""Damrong refuses to start on a PostgreSQL database whose LC_CTYPE is not UTF-8.

Under a `C` ctype pg_trgm sees no letter in Thai text, so Thai search would silently lose its
index. These tests create such a database on the test server and drop it afterwards.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from damrong import cli
from engine.db import DatabaseUnsuitable, make_engine


@pytest.fixture
def server_url(database_url: str) -> str:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: run with DAMRONG_TEST_DATABASE_URL=postgresql://…")
    return database_url


@pytest.fixture
def c_ctype_url(server_url: str):  # type: ignore[no-untyped-def]
    """A fresh database made with LC_CTYPE 'C' (what a cluster made under a C locale gives)."""
    name = f"damrong_c_ctype_{uuid.uuid4().hex[:8]}"
    url = make_url(server_url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(
            text(
                f"CREATE DATABASE {name} ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
                " TEMPLATE template0"
            )
        )
    try:
        yield url.set(database=name).render_as_string(hide_password=False), name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def test_a_c_ctype_database_is_refused_with_how_to_create_it(c_ctype_url):
    url, name = c_ctype_url
    with pytest.raises(DatabaseUnsuitable) as refused:
        make_engine(url)
    assert "LC_CTYPE 'C'" in refused.value.message_en
    assert f"CREATE DATABASE {name} ENCODING 'UTF8'" in refused.value.message_en
    assert "LC_CTYPE 'C.UTF-8'" in refused.value.message_en
    assert "UTF-8" in refused.value.message_th and "CREATE DATABASE" in refused.value.message_th


@pytest.mark.parametrize("command", [["init"], ["serve", "--no-scheduler", "--port", "0"]])
def test_damrong_init_and_serve_stop_before_touching_it(c_ctype_url, monkeypatch, capsys, command):
    url, name = c_ctype_url
    monkeypatch.setenv("DAMRONG_DATABASE_URL", url)
    assert cli.main(command) == 2
    output = capsys.readouterr()
    assert "Damrong is running" not in output.out
    assert "LC_CTYPE" in output.err and "CREATE DATABASE" in output.err
    with create_engine(url).connect() as connection:  # nothing was migrated into it
        tables = connection.execute(
            text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        ).scalar_one()
    assert tables == 0


def test_a_utf8_database_is_accepted(server_url):
    engine = make_engine(server_url)
    with engine.connect() as connection:
        ctype = connection.execute(
            text("SELECT datctype FROM pg_database WHERE datname = current_database()")
        ).scalar_one()
    engine.dispose()
    assert "utf" in ctype.lower()
