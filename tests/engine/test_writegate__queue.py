"""SQLite writers queue at Damrong's write gate: handed over at once, refused after the timeout."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from engine.db import make_engine, make_sessionmaker, translate_db_errors
from engine.errors import Busy
from engine.writegate import WriteGate


def test_a_second_process_waits_for_the_file_lock_then_gets_its_turn(tmp_path):
    # Two gates on one file stand for two processes: each has its own descriptor.
    first = WriteGate(str(tmp_path / "db-writelock"), 0.2)
    second = WriteGate(str(tmp_path / "db-writelock"), 0.2)
    first.acquire()
    started = time.monotonic()
    with pytest.raises(OperationalError) as refused:
        second.acquire()
    assert "locked" in str(refused.value.orig)
    assert 0.15 < time.monotonic() - started < 2
    first.release()
    second.acquire()  # free again: no waiting
    second.release()


def test_refused_writer_is_told_the_database_is_busy(tmp_path):
    first = WriteGate(str(tmp_path / "db-writelock"), 0.1)
    second = WriteGate(str(tmp_path / "db-writelock"), 0.1)
    first.acquire()
    try:
        with pytest.raises(Busy), translate_db_errors():
            second.acquire()
    finally:
        first.release()


def test_threads_writing_one_file_all_commit_in_turn(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'queue.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE n (v INTEGER)"))
    factory = make_sessionmaker(engine)
    errors: list[Exception] = []

    def writer() -> None:
        for _ in range(25):
            try:
                with factory.begin() as session:
                    session.execute(text("INSERT INTO n VALUES (1)"))
            except Exception as exc:  # noqa: BLE001 - the assertion reports it
                errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with factory() as session:
        assert session.scalar(text("SELECT count(*) FROM n")) == 200


def test_a_failed_transaction_lets_the_next_writer_in(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'fail.db'}")
    factory = make_sessionmaker(engine)
    with pytest.raises(OperationalError), factory.begin() as session:
        session.execute(text("INSERT INTO missing VALUES (1)"))
    done = threading.Event()

    def next_writer() -> None:
        with factory.begin() as session:
            session.execute(text("SELECT 1"))
        done.set()

    threading.Thread(target=next_writer).start()
    assert done.wait(timeout=3), "the gate stayed closed after a rollback"
