"""Looking at a PostgreSQL server before opening a register there: is it reachable, is it an
isms register, at which schema, and what may this login do in it.

One short connection with a connect timeout (not TCP's minutes), nothing written: the server
dialog's Test connection, the check before Open, and reopening a recent server register use it.
A failure to connect is a :class:`~isms.db.failures.ConnectionFailed` in plain words.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import Connection, create_engine, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from ..model import RegisterSetting
from . import migrate
from .access_guard import Access, resolve
from .credentials import ServerAddress
from .failures import ConnectionFailed, plain_problem

#: Seconds a probe waits for the server to answer.
CONNECT_TIMEOUT = 5


class Schema(enum.StrEnum):
    """A register's schema compared with what this isms writes."""

    CURRENT = "current"
    OLDER = "older"  # opening it upgrades it
    NEWER = "newer"  # written by a newer isms: update isms to open it


@dataclass(frozen=True)
class ServerProbe:
    """What is in the database, as the login sees it."""

    revision: str | None  # the Alembic revision recorded there; None: not an isms register
    has_tables: bool
    name: str | None  # the register's name, when it has one and the schema is readable
    login: str  # who the server says we are (``current_user``)
    access: Access | None  # what the login may do there; None when it cannot be told

    @property
    def is_empty(self) -> bool:
        """Nothing there yet: a new register can be made in it."""
        return self.revision is None and not self.has_tables

    @property
    def is_register(self) -> bool:
        return self.revision is not None

    @property
    def schema(self) -> Schema | None:
        if self.revision is None:
            return None
        if self.revision == migrate.head():
            return Schema.CURRENT
        return Schema.OLDER if self.revision in migrate.known_revisions() else Schema.NEWER


def probe(address: ServerAddress, password: str | None, *,
          timeout: int = CONNECT_TIMEOUT) -> ServerProbe:
    """Connect once, with a ``timeout``, and look at what is in the database.

    Raises ConnectionFailed (plain words, no password) when the server cannot be reached or
    refuses the login.
    """
    engine = create_engine(address.url(password, connect_timeout=timeout), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return _look(connection)
    except DBAPIError as exc:
        raise ConnectionFailed(plain_problem(address, exc, timeout=timeout)) from None
    finally:
        engine.dispose()


def _look(connection: Connection) -> ServerProbe:
    revision = migrate.current(connection)
    has_tables = migrate.has_user_tables(connection)
    login = str(connection.execute(text("SELECT current_user")).scalar() or "")
    if revision is None:
        return ServerProbe(None, has_tables, None, login, None)
    # Read in a savepoint: on an older or newer schema the tables may not match this isms's
    # model, and a failed statement must not abort the rest of the look.
    name: str | None = None
    access: Access | None = None
    try:
        with connection.begin_nested():
            value = connection.execute(
                select(RegisterSetting.value).where(RegisterSetting.key == "register")
            ).scalar_one_or_none()
        if isinstance(value, dict) and isinstance(value.get("name"), str):
            name = value["name"]
        with connection.begin_nested(), Session(bind=connection) as session:
            session.info["actor"] = login
            access = resolve(session)
    except DBAPIError:
        pass  # an old schema: the name and access are shown once it is upgraded
    return ServerProbe(revision, has_tables, name, login, access)


def describe(database: str, found: ServerProbe) -> str:
    """What the probe found, in plain words (the server dialog's status line)."""
    if found.revision is None:
        if found.has_tables:
            return (f"Connected, but the database {database} holds something that is not "
                    "an isms register: choose another database.")
        return (f"Connected: the database {database} is empty. Create a new register "
                "there, or choose another database.")
    text = f"Connected: register {found.name or '(unnamed)'} at schema {found.revision}."
    if found.schema is Schema.OLDER:
        text += " Opening it will bring it up to date (take a pg_dump first)."
    elif found.schema is Schema.NEWER:
        text += " It was written by a newer version of isms: update isms to open it."
    if found.access is not None:
        text += f" {describe_access(found.access)}"
    return text


def describe_access(access: Access) -> str:
    """What the login may do in the register, in a sentence."""
    if not access.controlled:
        return f"Access control is off: {access.actor} may change everything."
    who = access.actor if access.person_name is None else f"{access.actor} ({access.person_name})"
    if access.person_id is None and not access.creator:
        return (f"{access.actor} is not a person in this register with that username, so "
                "a viewer: reads and exports only.")
    limited = " for some departments" if access.departments is not None else ""
    return f"{who} is {access.level.with_article}{limited}."
