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

One order for every lock, so two writers never wait for each other in a circle: the change log's
append lock (:func:`lock_change_log`) first, then a step's own. Every writing transaction appends
to the change log in the end, and its append must not wait for a step lock held by a transaction
that waits for the append lock (an import that recorded the people it made, then waits for its
department, against an import holding that department that wants to record its batch). So on
PostgreSQL a locked step queues behind every writer that has started appending, as on SQLite.
"""

from __future__ import annotations

import weakref
from typing import Any, cast

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from . import soundness

#: PostgreSQL's advisory lock keys are two int4s; larger keys and strings are hashed into one.
_INT4 = range(-(2**31), 2**31)
#: The change log's append lock, and where a connection remembers its transaction holds it.
_CHANGE_LOG = ("change log", 0)
_CHANGE_LOG_HELD = "isms.change_log_append_lock"


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
    lock_change_log(connection)  # first: see "One order for every lock" above
    _take(connection, scope, key)


def lock_change_log(connection: Connection) -> None:
    """Make ``connection``'s transaction the only one appending to the change log until it ends.

    Reading the log's head then inserting after it is a read-then-write: two transactions doing
    it at once both chain to the same head and fork the log. PostgreSQL: the advisory lock, so a
    second writer waits for the first to commit and then reads the head it left; one statement
    per writing transaction (remembered on the connection for the transaction), and writers
    queue from their first flush to their commit. SQLite: the file's write lock, already held
    once the transaction has written; a transaction that has not is begun as a writer, so its
    read of the head is never an old snapshot.
    """
    held = connection.info.get(_CHANGE_LOG_HELD)
    transaction = connection.get_transaction()
    if held is not None and transaction is not None and held() is transaction:
        return
    _take(connection, *_CHANGE_LOG)
    transaction = connection.get_transaction()  # begun by the lock's statement if need be
    if transaction is not None:
        # A weak reference: the pooled connection outlives the transaction, whose end frees the
        # lock; a later transaction on the same connection is another object and locks again.
        connection.info[_CHANGE_LOG_HELD] = weakref.ref(transaction)


def _take(connection: Connection, scope: str, key: int | str) -> None:
    if connection.dialect.name == "postgresql":
        if isinstance(key, int) and key in _INT4:
            statement = "SELECT pg_advisory_xact_lock(hashtext(:scope), :key)"
        else:
            statement = "SELECT pg_advisory_xact_lock(hashtext(:scope), hashtext(:key))"
            key = str(key)
        connection.execute(text(statement), {"scope": scope, "key": key})
        return
    if connection.dialect.name == "sqlite":
        if scope == _CHANGE_LOG[0]:
            soundness.before_first_write(connection)  # a damaged file is never written to
        raw = cast(Any, connection.connection.dbapi_connection)
        # The driver opened a transaction only if this session has already written, and a
        # write already holds SQLite's write lock (kept to the end of the transaction): nothing
        # more to take. Otherwise open the transaction ourselves, as a writer; the driver sees
        # it is in one and leaves BEGIN to us, then commits or rolls it back as usual.
        if not raw.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        return
    raise NotImplementedError(f"No lock for the {connection.dialect.name} backend.")
