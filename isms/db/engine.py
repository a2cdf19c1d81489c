"""Engines with the connection settings a register needs on each backend."""

from __future__ import annotations

import sqlite3
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event

from .location import Location

#: How long a writer waits for another writer's lock before giving up (ms).
SQLITE_BUSY_TIMEOUT_MS = 10_000


def _configure_sqlite(engine: Engine, *, for_migration: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # Migrations copy tables (Alembic batch mode), which foreign keys would block mid-way;
        # they run with enforcement off and check every key before committing instead.
        cursor.execute(f"PRAGMA foreign_keys = {'OFF' if for_migration else 'ON'}")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        # WAL + NORMAL survives application crashes; only a power cut can lose the last
        # commits, and it never corrupts the file.
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()
        if for_migration:
            # DDL must be inside the transaction too, so a failed upgrade leaves nothing behind:
            # take BEGIN away from the driver and emit it ourselves (SQLAlchemy SQLite docs,
            # "Serializable isolation / Savepoints / Transactional DDL").
            dbapi_connection.isolation_level = None

    if for_migration:

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Any) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    # Everyday sessions keep the driver's deferred BEGIN on purpose: reads then run outside a
    # transaction, so an editor left open for minutes holds no snapshot, and a save made from a
    # stale copy reaches the version check (a clear conflict) instead of SQLite's "database is
    # locked" for a write on an old WAL snapshot. A flush then begins the transaction as a writer
    # (BEGIN IMMEDIATE, waiting in the busy timeout: changelog.hold_append_lock), so the change
    # log's head it reads is the latest and two writers never chain to the same entry.


def make_engine(
    location: Location, *, for_migration: bool = False, read_only: bool = False
) -> Engine:
    """An engine for the register at ``location``. ``read_only`` (a file register): the file is
    opened with SQLite's ``mode=ro`` and no journal-mode change, so nothing done through it can
    change the file's bytes (checking a file that may not be a register, or a damaged one)."""
    if location.is_sqlite and read_only and location.path is not None:
        uri = f"file:{quote(str(location.path))}?mode=ro"
        timeout = SQLITE_BUSY_TIMEOUT_MS / 1000
        engine = create_engine(
            "sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, timeout=timeout)
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA query_only = ON")  # belt and braces

        return engine
    if location.is_sqlite:
        engine = create_engine(
            location.url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        )
        _configure_sqlite(engine, for_migration=for_migration)
        return engine
    return create_engine(location.url, pool_pre_ping=True)
