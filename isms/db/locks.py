"""Exclusive locks held until the session's transaction ends, for check-then-write steps.

Optimistic locking (the version column) protects one record edited from a stale copy. It cannot
protect a step that *reads* to decide what to write: two imports into one department both see
"no asset called X" and both insert it; two sign-offs both see "completed" and both sign. Such a
step takes ``lock(session, scope, key)`` first, then reads, then writes, and a second step on the
same scope and key waits until the first has committed or rolled back, so it reads the outcome.

PostgreSQL: a transaction-level advisory lock, ``pg_advisory_xact_lock(hashtext(scope), key)``.
It is released by the COMMIT/ROLLBACK that ends the transaction, never by hand, so an error path
cannot leak it. The default READ COMMITTED isolation gives every later statement a fresh
snapshot, so whatever is read after the lock includes the previous holder's commit.

SQLite: one writer at a time for the whole file, so the lock is the write lock itself: the
transaction becomes a writer at once (``BEGIN IMMEDIATE``), and a second one waits in the busy
timeout until the first ends. The driver's own BEGIN is deferred and is only sent before the first
INSERT/UPDATE/DELETE; reads before that run outside any transaction, so under deferred BEGIN "read,
then write" is not serialised at all. A no-op write (``UPDATE ... WHERE 0``) takes the write lock
with today's driver and SQLite, but only as a side effect of the driver sniffing the statement and
of SQLite's code generation, neither of which promises a lock. ``BEGIN IMMEDIATE`` is SQLite's
documented way: it takes the write lock and a fresh snapshot together, waiting in the busy handler.
The scope and key do not matter on SQLite: every locked step excludes every other writer, which a
register file's workload (a few people) easily bears.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

#: PostgreSQL's advisory lock keys are two int4s; larger keys and strings are hashed into one.
_INT4 = range(-(2**31), 2**31)


def lock(session: Session, scope: str, key: int | str) -> None:
    """Hold an exclusive lock on (``scope``, ``key``) until the session's transaction ends.

    Take it before reading what the step's writes depend on; anything read earlier in the same
    session (objects in its identity map) must be read again after it. Take it outside any
    savepoint: on SQLite a SAVEPOINT opens a transaction that is not yet a writer, which this
    cannot tell from one that has written.
    """
    lock_connection(session.connection(), scope, key)


def lock_connection(connection: Connection, scope: str, key: int | str) -> None:
    """:func:`lock` for Core code that holds a connection in a transaction, not a session."""
    if connection.dialect.name == "postgresql":
        if isinstance(key, int) and key in _INT4:
            statement = "SELECT pg_advisory_xact_lock(hashtext(:scope), :key)"
        else:
            statement = "SELECT pg_advisory_xact_lock(hashtext(:scope), hashtext(:key))"
            key = str(key)
        connection.execute(text(statement), {"scope": scope, "key": key})
        return
    if connection.dialect.name == "sqlite":
        raw = cast(Any, connection.connection.dbapi_connection)
        # The driver opened a transaction only if this session has already written, and a
        # write already holds SQLite's write lock (kept to the end of the transaction): nothing
        # more to take. Otherwise open the transaction ourselves, as a writer; the driver sees
        # it is in one and leaves BEGIN to us, then commits or rolls it back as usual.
        if not raw.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        return
    raise NotImplementedError(f"No lock for the {connection.dialect.name} backend.")
