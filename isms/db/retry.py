"""Running a one-shot read-modify-write again when another writer got in between.

A command that reads a record and writes it back within one call has no person's stale copy
behind it: when its save is refused because someone else saved first (a ConflictError, from
the version check), or the database gave up on it to let another writer through (SQLite busy
past its timeout or on an old snapshot, a PostgreSQL deadlock or serialization failure), the
whole transaction was rolled back and running the call again reads the new state and succeeds.
The window does not retry: there the stale copy is a person's, who gets the conflict dialog.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError

from ..errors import ConflictError

log = logging.getLogger(__name__)

T = TypeVar("T")

#: How many times a call is made in all before its last error is let through.
ATTEMPTS = 6
#: The first pause's upper bound (s); each next one doubles, up to MAX_PAUSE.
FIRST_PAUSE = 0.05
MAX_PAUSE = 1.6
#: No new attempt starts after this long (s): a register locked for minutes by another
#: program fails in reasonable time instead of waiting out every busy timeout again.
GIVE_UP_AFTER = 30.0

#: SQLite result codes (low byte) for "another connection holds the lock".
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
#: PostgreSQL SQLSTATEs of a transaction the server rolled back so that another could go on:
#: serialization_failure, deadlock_detected, lock_not_available.
_PG_RETRY = frozenset({"40001", "40P01", "55P03"})


def _driver_error(error: BaseException) -> BaseException | None:
    """The DB-API error behind ``error`` (raised directly, or the cause of an isms error)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, DBAPIError):
            return current.orig
        current = current.__cause__
    return None


def is_transient(error: BaseException) -> bool:
    """Would running the whole transaction again probably succeed?"""
    if isinstance(error, ConflictError):
        return True
    orig = _driver_error(error)
    if orig is None:
        return False
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED)
    return getattr(orig, "sqlstate", None) in _PG_RETRY


def retrying(
    call: Callable[[], T],
    *,
    attempts: int = ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """``call()``, made again after a short random pause while it fails transiently
    (:func:`is_transient`); the last failure, or any other, propagates unchanged.

    ``call`` must be one whole transaction that commits at its end (a CLI command), so a failed
    attempt left nothing behind. The random pause spreads writers that collided apart.
    """
    started = time.monotonic()
    for attempt in range(1, attempts + 1):
        try:
            return call()
        except Exception as exc:
            out_of_time = time.monotonic() - started > GIVE_UP_AFTER
            if attempt == attempts or out_of_time or not is_transient(exc):
                raise
            pause = random.uniform(0, min(MAX_PAUSE, FIRST_PAUSE * 2 ** (attempt - 1)))
            log.info("attempt %d of %d met another writer (%s); again in %.2f s",
                     attempt, attempts, exc, pause)
            sleep(pause)
    raise AssertionError("unreachable: the last attempt returns or raises")
