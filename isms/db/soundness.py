"""Is a register file sound? SQLite's quick check, when it runs, and what a damaged file gets.

The quick check reads every page of the file: ~0.3 s for a 100,000-asset register whose pages
are in the OS cache, and several seconds straight after a reboot. A register opens in about a
second, so a large file is not checked on opening: it is checked once before its first write
(every write takes the change log's append lock first, :func:`isms.db.locks.lock_change_log`,
which calls :func:`before_first_write`), and ``isms db check`` always checks. A damaged large
file then refuses that write and every later one with the same message a small one gets when it
is opened, and a read that meets a damaged page says so too, never an internal error.
"""

from __future__ import annotations

import weakref

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DatabaseError

from ..errors import StorageError
from .location import Location

#: Files up to this size are checked when they are opened (~0.1 s at most when cached).
CHECKED_ON_OPENING = 48 * 1024**2

#: Engines of large register files not checked yet, with where they are.
_unchecked: weakref.WeakKeyDictionary[Engine, Location] = weakref.WeakKeyDictionary()
#: Engines found damaged after opening, with their message.
_damaged: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()


def damage_message(location: Location, finding: str) -> str:
    """The one message a damaged register file gets (CLI, window, `isms db check`)."""
    return (
        f"{location.display()} is damaged (SQLite's quick check: {finding}). It is open "
        "read-only: nothing can be saved to it. Restore it from a backup (`isms db backup` "
        "makes them; upgrades leave a .before-upgrade- copy beside it), or copy out what still "
        "reads with `isms db copy`."
    )


def checked_on_opening(location: Location) -> bool:
    """Whether the register file at ``location`` is small enough to check as it opens."""
    path = location.path
    return path is None or not path.exists() or path.stat().st_size <= CHECKED_ON_OPENING


def quick_check(connection: Connection) -> str | None:
    """The first problem SQLite's quick check finds, or None if the file is sound."""
    try:
        first = connection.execute(text("PRAGMA quick_check(1)")).scalar()
    except DatabaseError as exc:  # a header or schema too damaged to check at all
        return str(exc.orig)
    if first == "ok":
        return None
    lines = [line.strip() for line in str(first).splitlines()]
    return "; ".join(line for line in lines if line and not line.startswith("***"))


def refuse_writes(engine: Engine, message: str) -> None:
    """Every statement failing on the engine of a damaged register (a write, or a read of a
    damaged page) raises the one message instead of the driver's."""

    @event.listens_for(engine, "handle_error")
    def _damaged_file(context: ExceptionContext) -> None:
        if isinstance(context.sqlalchemy_exception, DatabaseError):
            raise StorageError(message) from context.original_exception


def name_damaged_pages(engine: Engine, location: Location) -> None:
    """On a large file opened unchecked, a read meeting a damaged page says the file is
    damaged, in the one message, rather than failing as an internal error."""

    @event.listens_for(engine, "handle_error")
    def _damaged_page(context: ExceptionContext) -> None:
        original = str(context.original_exception)
        if isinstance(context.sqlalchemy_exception, DatabaseError) and (
                "malformed" in original or "not a database" in original):
            message = damage_message(location, original)
            _damaged[engine] = message
            raise StorageError(message) from context.original_exception


def check_before_first_write(engine: Engine, location: Location) -> None:
    """Defer the quick check of a large register file to its first write."""
    _unchecked[engine] = location
    name_damaged_pages(engine, location)


def before_first_write(connection: Connection) -> None:
    """Refuse a write to a register file found damaged; check it first if it has not been."""
    engine = connection.engine
    message = _damaged.get(engine)
    if message is None:
        location = _unchecked.pop(engine, None)
        if location is None:
            return
        finding = quick_check(connection)
        if finding is None:
            return
        message = _damaged[engine] = damage_message(location, finding)
    raise StorageError(message)
