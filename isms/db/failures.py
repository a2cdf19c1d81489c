"""Database failures in plain words: what went wrong reaching or reading a register, and what
to fix.

The driver's messages (psycopg's "connection failed: ... FATAL: password authentication
failed ...", SQLite's "database is locked") are for database administrators. Everything a user
or a script sees goes through :func:`plain_problem`, which names the server, the user or the
database to check, and never the password: the CLI prints it, the server dialog shows it, and
the window's tables show it when a read fails. The driver's own text stays in the log.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError

from ..errors import IsmsError, StorageError
from .credentials import DEFAULT_HOST, DEFAULT_PORT, ServerAddress
from .location import Location
from .os_account import account_name


class ConnectionFailed(StorageError):
    """A server register could not be reached, or turned the login away; the message says
    what to fix in plain words (an expected error: the CLI exits 1, the window says it)."""


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0].strip() if text.strip() else ""


def _driver_text(error: BaseException) -> str | None:
    """The driver's message inside ``error`` (or inside the isms error it caused), if any."""
    cause: BaseException | None = error
    if isinstance(error, IsmsError) and isinstance(error.__cause__, SQLAlchemyError):
        cause = error.__cause__
    if isinstance(cause, DBAPIError):
        return str(cause.orig or cause)
    if isinstance(cause, SQLAlchemyError):
        return str(cause)
    return None


def _address(location: Location) -> ServerAddress:
    url = location.url
    return ServerAddress(url.host or DEFAULT_HOST, url.port or DEFAULT_PORT, url.database or "",
                         url.username or account_name())


def _timeout(location: Location) -> int | None:
    value = location.url.query.get("connect_timeout")
    text = value if isinstance(value, str) else None
    return int(text) if text and text.isdigit() else None


def plain_problem(where: Location | ServerAddress, error: BaseException, *,
                  timeout: int | None = None) -> str:
    """``error`` (a driver error, or an isms error raised from one) in words naming what to fix.

    ``where`` is the register's location or the server's address; ``timeout`` the seconds the
    connection was given, when known (a location's ``connect_timeout`` is used otherwise).
    An isms error that did not come from the driver is already in plain words: its own text.
    """
    text = _driver_text(error)
    if text is None:
        return str(error)
    if isinstance(where, Location):
        if where.path is not None:
            return _sqlite_problem(where, text)
        timeout = timeout if timeout is not None else _timeout(where)
        where = _address(where)
    return _server_problem(where, text, timeout)


def _sqlite_problem(location: Location, text: str) -> str:
    shown = location.display()
    if "database is locked" in text:
        return (f"{shown} is busy: another program (or another isms) is writing to it. "
                "Try again in a moment.")
    if "readonly database" in text or "read-only" in text:
        return f"{shown} cannot be written: check that you may change the file and its folder."
    if "disk I/O error" in text or "database or disk is full" in text:
        return f"{shown} could not be read or written: check the disk (is it full or removed?)."
    return f"{shown} could not be read or written: {_first_line(text)}"


def _server_problem(address: ServerAddress, text: str, timeout: int | None) -> str:
    where = f"{address.host}:{address.port}"
    if "password authentication failed" in text:
        return (f"The server at {where} refused the password for user {address.user}: "
                "check the password (it is case-sensitive).")
    if "no password supplied" in text:
        return f"The server at {where} needs a password for user {address.user}."
    if re.search(r'role ".*" does not exist', text):
        return f"The server at {where} has no user {address.user}: check the user name."
    if re.search(r'database ".*" does not exist', text):
        return (f"There is no database {address.database} on the server at {where}: check the "
                "name, or ask the database administrator to create it.")
    if "pg_hba.conf" in text:
        return (f"The server at {where} does not let user {address.user} connect to the "
                f"database {address.database} from this computer: ask the database "
                "administrator to allow it (pg_hba.conf).")
    if "timeout expired" in text:
        within = f"within {timeout} seconds" if timeout else "in time"
        return (f"The server at {where} did not answer {within}: check the host name and port, "
                "and that you are on the council network (or VPN).")
    if ("could not translate host name" in text or "failed to resolve host" in text
            or "Name or service not known" in text or "nodename nor servname" in text):
        return f"There is no computer called {address.host}: check the host name."
    if "Connection refused" in text:
        return (f"Nothing answered at {where}: check the host name and port, and that "
                "PostgreSQL is running there.")
    if "No route to host" in text or "Network is unreachable" in text:
        return (f"{address.host} cannot be reached from this computer: check the host name, "
                "and that you are on the council network (or VPN).")
    if "server does not support SSL" in text:
        return (f"The server at {where} does not offer an encrypted (SSL) connection, but one "
                "was required (sslmode): ask the database administrator, or change sslmode.")
    if "certificate" in text or "SSL" in text:
        return (f"The encrypted (SSL) connection to {where} failed: {_first_line(text)}. "
                "Ask the database administrator which certificate and sslmode to use.")
    if "too many clients" in text or "too many connections" in text:
        return (f"The server at {where} has too many connections open: try again later, or ask "
                "the database administrator to allow more.")
    if ("the database system is starting up" in text
            or "the database system is shutting down" in text
            or "in recovery mode" in text):
        return f"The server at {where} is starting up or shutting down: try again in a minute."
    if "permission denied" in text or "CONNECT privilege" in text:
        return (f"User {address.user} may not read the database {address.database}: ask the "
                "database administrator for access.")
    if ("server closed the connection" in text or "terminating connection" in text
            or "connection is closed" in text or "connection is lost" in text):
        return (f"The server at {where} closed the connection: check the host name and port "
                "(is PostgreSQL running there?) and try again.")
    first = _first_line(text).removeprefix("connection failed: ")
    return f"Could not connect to {where}: {first or 'the server gave no reason'}"


def _is_connection_error(error: SQLAlchemyError) -> bool:
    return isinstance(error, OperationalError | InterfaceError)


@contextmanager
def connection_errors(location: Location) -> Iterator[None]:
    """Raise a failure to reach the register (or to keep talking to it) inside the block as
    ConnectionFailed, in plain words; other errors pass unchanged."""
    try:
        yield
    except SQLAlchemyError as exc:
        from .grants import server_refusal  # grants needs the model; this module does not

        refused = server_refusal(exc)
        if refused is not None:
            raise refused from exc
        if not _is_connection_error(exc):
            raise
        kind = ConnectionFailed if location.path is None else StorageError
        raise kind(plain_problem(location, exc)) from exc


@contextmanager
def read_errors(location: Location) -> Iterator[None]:
    """Raise any database error inside the block as a StorageError in plain words.

    For the window's reads (a page of rows, the change check): what failed is shown in words,
    not raised as a bug from inside a paint. The driver error stays chained for the log.
    """
    try:
        yield
    except SQLAlchemyError as exc:
        on_server = location.path is None and _is_connection_error(exc)
        kind = ConnectionFailed if on_server else StorageError
        raise kind(plain_problem(location, exc)) from exc
