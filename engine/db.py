"""Database engines and sessions: SQLite (WAL, busy timeout, BEGIN IMMEDIATE) and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from engine.errors import Busy, ConcurrentChange

SQLITE_BUSY_TIMEOUT_MS = 5000


def is_sqlite(bind: Engine | Session) -> bool:
    """Tell whether a session or engine talks to SQLite."""
    engine = bind.get_bind() if isinstance(bind, Session) else bind
    return engine.dialect.name == "sqlite"


def make_engine(url: str, **kwargs: object) -> Engine:
    """Build an engine; SQLite gets WAL, a busy timeout and explicit write transactions."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        # pysqlite's own transaction handling would defer BEGIN; we issue it ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):  # type: ignore[no-untyped-def]
        # A writer takes the write lock up front, so two writers queue instead of deadlocking
        # on a lock upgrade halfway through.
        write = connection.get_execution_options().get("damrong_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_sessionmaker(engine: Engine, *, write: bool = True) -> sessionmaker[Session]:
    """A session factory; `write=True` sessions take SQLite's write lock when they begin."""
    bind = engine.execution_options(damrong_write=True) if write else engine
    return sessionmaker(bind=bind, expire_on_commit=False, autoflush=True)


@contextmanager
def translate_db_errors() -> Iterator[None]:
    """Turn lock waits and serialization failures into retryable domain errors."""
    try:
        yield
    except OperationalError as exc:
        text = str(exc.orig).lower()
        if "locked" in text or "busy" in text or "lock timeout" in text:
            raise Busy(
                "The database is busy; please try again.",
                "ระบบกำลังมีผู้ใช้งานจำนวนมาก กรุณาลองใหม่อีกครั้ง",
            ) from exc
        raise
    except DBAPIError as exc:
        sqlstate = getattr(exc.orig, "sqlstate", None)
        if sqlstate in {"40001", "40P01", "55P03"}:
            raise ConcurrentChange(
                "Someone else changed this case at the same time; reload and try again.",
                "มีผู้อื่นแก้ไขเรื่องนี้พร้อมกัน กรุณาโหลดใหม่แล้วลองอีกครั้ง",
            ) from exc
        raise


def require_transaction(session: Session) -> None:
    """Services never commit; the edge must have opened a transaction."""
    if not session.in_transaction():
        raise RuntimeError("a service was called outside `with session.begin():`")
