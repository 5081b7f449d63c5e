"""Database engines and sessions: SQLite (WAL, busy timeout, BEGIN IMMEDIATE) and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from engine import writegate
from engine.errors import Busy, ConcurrentChange, DamrongError

SQLITE_BUSY_TIMEOUT_MS = 5000
UTF8_CTYPE = ("utf8", "utf-8")  # "C.UTF-8", "th_TH.utf8", "en_US.UTF-8", ...


class DatabaseUnsuitable(DamrongError):
    """The database cannot hold Damrong's data as it should (checked when the engine is made)."""

    code = "database_unsuitable"


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
    engine = create_engine(url, pool_pre_ping=True, **kwargs)
    if engine.dialect.name == "postgresql":
        check_postgresql_locale(engine)
    return engine


def check_postgresql_locale(engine: Engine) -> None:
    """Refuse a PostgreSQL database whose encoding or LC_CTYPE is not UTF-8.

    pg_trgm takes only letters into its trigrams, and under a `C` ctype no Thai character is
    a letter: searching Thai words would silently stop using the index (and similarity would
    find nothing). SQL_ASCII would store Thai as bytes nobody checks.
    """
    with engine.connect() as connection:
        name, encoding, ctype = connection.execute(
            text(
                "SELECT datname, pg_encoding_to_char(encoding), datctype"
                " FROM pg_database WHERE datname = current_database()"
            )
        ).one()
    if encoding.upper() == "UTF8" and ctype.lower().endswith(UTF8_CTYPE):
        return
    engine.dispose()
    raise DatabaseUnsuitable(
        f"PostgreSQL database {name!r} has encoding {encoding} and LC_CTYPE {ctype!r}; Damrong "
        "needs UTF-8 for both (Thai search depends on it). Create the database with: "
        f"CREATE DATABASE {name} ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' "
        "TEMPLATE template0",
        f"ฐานข้อมูล PostgreSQL {name!r} ใช้รหัสอักขระ {encoding} และ LC_CTYPE {ctype!r} "
        "ระบบต้องใช้ UTF-8 ทั้งสองค่า (การค้นหาคำภาษาไทยต้องใช้) กรุณาสร้างฐานข้อมูลด้วยคำสั่ง "
        f"CREATE DATABASE {name} ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' "
        "TEMPLATE template0",
    )


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

    gate = writegate.gate_for(engine.url.database, SQLITE_BUSY_TIMEOUT_MS / 1000, id(engine))

    @event.listens_for(engine, "begin")
    def on_begin(connection):  # type: ignore[no-untyped-def]
        # A writer takes the write lock up front, so two writers queue instead of deadlocking
        # on a lock upgrade halfway through; Damrong's writers queue at the gate first.
        if not connection.get_execution_options().get("damrong_write", False):
            connection.exec_driver_sql("BEGIN")
            return
        info = connection.connection.info
        gate.acquire()
        info["damrong_gate"] = gate
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _leave_gate(connection.connection)
            raise

    dialect = engine.dialect
    do_commit, do_rollback = dialect.do_commit, dialect.do_rollback

    def commit_then_leave(dbapi_connection):  # type: ignore[no-untyped-def]
        try:
            do_commit(dbapi_connection)
        finally:
            _leave_gate(dbapi_connection)

    def rollback_then_leave(dbapi_connection):  # type: ignore[no-untyped-def]
        try:
            do_rollback(dbapi_connection)
        finally:
            _leave_gate(dbapi_connection)

    dialect.do_commit = commit_then_leave  # type: ignore[method-assign]
    dialect.do_rollback = rollback_then_leave  # type: ignore[method-assign]

    # A connection that goes back to the pool or breaks mid-transaction lets the next one in.
    @event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_connection, record):  # type: ignore[no-untyped-def]
        _leave_gate(record)

    @event.listens_for(engine, "invalidate")
    def on_invalidate(_dbapi_connection, record, _exception):  # type: ignore[no-untyped-def]
        _leave_gate(record)


def _leave_gate(proxied) -> None:  # type: ignore[no-untyped-def]
    try:
        info = proxied.info
    except (NotImplementedError, AttributeError):  # the first connect: no transaction of ours
        return
    gate = info.pop("damrong_gate", None)
    if gate is not None:
        gate.release()


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
        message = str(exc.orig).lower()
        if "locked" in message or "busy" in message or "lock timeout" in message:
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
