"""Retrying a one-shot read-modify-write: which failures are worth another go, and how often."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from isms.db.failures import connection_errors
from isms.db.location import resolve
from isms.db.retry import ATTEMPTS, is_transient, retrying
from isms.errors import ConflictError, StorageError, ValidationError


def _conflict() -> ConflictError:
    return ConflictError("Risk R-0001 was changed by someone else after you opened it.",
                         record="risk R-0001", yours=1, theirs=2)


def _locked_write(path: Path) -> OperationalError:
    """The error a real second writer gets from SQLite while the first holds the write lock."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.execute("BEGIN IMMEDIATE")
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0})
    try:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO t VALUES (1)"))
    except OperationalError as exc:
        return exc
    finally:
        holder.rollback()
        holder.close()
        engine.dispose()
    raise AssertionError("the second writer was not refused")


def test_conflicts_and_a_locked_database_are_worth_another_go(tmp_path: Path) -> None:
    locked = _locked_write(tmp_path / "r.isms")
    assert "database is locked" in str(locked)
    assert is_transient(_conflict())
    assert is_transient(locked)
    # As the command line sees it: raised through `opened` as a StorageError in plain words.
    with pytest.raises(StorageError) as plain, connection_errors(resolve(str(tmp_path / "r.isms"))):
        raise locked
    assert "is busy" in str(plain.value)
    assert is_transient(plain.value)


def test_other_failures_are_not_retried(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'r.db'}")
    with pytest.raises(OperationalError) as no_table, engine.connect() as connection:
        connection.execute(text("SELECT * FROM missing"))
    engine.dispose()
    assert not is_transient(no_table.value)
    assert not is_transient(ValidationError("Title is required.", field="title"))
    assert not is_transient(RuntimeError("a bug"))


def test_a_call_is_made_again_until_it_succeeds() -> None:
    calls: list[int] = []
    pauses: list[float] = []

    def save() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise _conflict()
        return "saved"

    assert retrying(save, sleep=pauses.append) == "saved"
    assert len(calls) == 3
    assert len(pauses) == 2 and all(0 <= p <= 0.1 for p in pauses)


def test_the_last_conflict_is_let_through_after_the_last_attempt() -> None:
    calls: list[int] = []

    def save() -> None:
        calls.append(1)
        raise _conflict()

    with pytest.raises(ConflictError, match="changed by someone else"):
        retrying(save, sleep=lambda _: None)
    assert len(calls) == ATTEMPTS


def test_a_refusal_is_not_retried() -> None:
    calls: list[int] = []

    def save() -> None:
        calls.append(1)
        raise ValidationError("Title is required.", field="title")

    with pytest.raises(ValidationError):
        retrying(save, sleep=lambda _: None)
    assert len(calls) == 1


def test_a_server_that_gave_up_waiting_for_a_lock_is_worth_another_go(pg_url: str) -> None:
    engine = create_engine(pg_url)
    try:
        with engine.connect() as holder, holder.begin():
            holder.execute(text("SELECT pg_advisory_xact_lock(4242)"))
            with pytest.raises(OperationalError) as gave_up, engine.connect() as waiter:
                waiter.execute(text("SET lock_timeout = '50ms'"))
                waiter.execute(text("SELECT pg_advisory_xact_lock(4242)"))
    finally:
        engine.dispose()
    assert getattr(gave_up.value.orig, "sqlstate", None) == "55P03"
    assert is_transient(gave_up.value)
