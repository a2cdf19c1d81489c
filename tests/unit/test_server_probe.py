"""Probing a PostgreSQL register (isms.db.server) and connection failures in plain words
(isms.db.failures), against the suite's own server (skipped without one, unless CI is set)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from isms.db import Register, migrate, open_register
from isms.db.access_guard import ACCESS_SETTING, Level
from isms.db.credentials import ServerAddress
from isms.db.failures import ConnectionFailed, plain_problem
from isms.db.location import resolve
from isms.db.server import Schema, describe, probe
from isms.errors import StorageError
from isms.model import RegisterSetting, Role
from tests import builders as b
from tests.pg import USER, Server
from tests.pg_roles import PasswordLogin, password_login


def closed_port() -> int:
    with socket.socket() as s:  # a port nobody listens on once it is closed
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def login(pg_server: Server, pg_url: str) -> Iterator[PasswordLogin]:
    with password_login(pg_server, ServerAddress.from_url(pg_url).database) as made:
        yield made


def test_a_register_is_recognised_with_its_schema_and_the_logins_access(pg_url: str) -> None:
    address = ServerAddress.from_url(pg_url)
    found = probe(address, None)
    assert found.is_register and not found.is_empty
    assert (found.revision, found.schema) == (migrate.head(), Schema.CURRENT)
    assert found.name == "Council ISMS register"
    assert found.login == USER
    # Access control is off in a new register: whoever can connect may do everything.
    assert found.access is not None and not found.access.controlled
    assert describe(address.database, found) == (
        f"Connected: register Council ISMS register at schema {migrate.head()}. "
        f"Access control is off: {USER} may change everything.")

    # With access control on, the login's person and role count.
    with open_register(pg_url) as register, register.transaction(actor="setup") as s:
        dept = b.department(s)
        person = b.person(s, name="Rita Owner", username=USER.upper(), department=dept)
        person.add_role(Role.RISK_OWNER)
        s.add(RegisterSetting(key=ACCESS_SETTING, value={"enforced": True}))
    found = probe(address, None)
    assert found.access is not None and found.access.controlled
    assert found.access.level is Level.EDITOR and found.access.person_name == "Rita Owner"
    assert describe(address.database, found).endswith(f" {USER} (Rita Owner) is an editor.")


def test_an_older_schema_is_told_apart_from_a_newer_one(pg_url: str) -> None:
    address = ServerAddress.from_url(pg_url)
    engine = create_engine(pg_url)
    try:
        older = next(iter(migrate.known_revisions() - {migrate.head()}))
        for revision, schema, words in ((older, Schema.OLDER, "bring it up to date"),
                                        ("f00dfeedbeef", Schema.NEWER, "newer version of isms")):
            with engine.begin() as c:
                c.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": revision})
            found = probe(address, None)
            assert (found.revision, found.schema) == (revision, schema)
            assert words in describe(address.database, found)
    finally:
        engine.dispose()


def test_an_empty_database_and_a_foreign_one_are_not_registers(pg_empty_url: str) -> None:
    address = ServerAddress.from_url(pg_empty_url)
    found = probe(address, None)
    assert found.is_empty and not found.is_register and found.schema is None
    assert found.access is None
    assert "is empty. Create a new register there" in describe(address.database, found)
    engine = create_engine(pg_empty_url)
    try:
        with engine.begin() as c:
            c.execute(text("CREATE TABLE budget (line TEXT)"))
    finally:
        engine.dispose()
    found = probe(address, None)
    assert not found.is_empty and not found.is_register
    assert "not an isms register" in describe(address.database, found)


def test_connection_failures_say_what_to_fix_without_the_password(
    pg_server: Server, pg_url: str, login: PasswordLogin,
) -> None:
    database = ServerAddress.from_url(pg_url).database
    where = f"127.0.0.1:{pg_server.port}"
    secret = login.password
    cases = [
        (ServerAddress("127.0.0.1", pg_server.port, database, login.role), "Wr0ng-" + secret,
         f"The server at {where} refused the password for user {login.role}: check the "
         "password (it is case-sensitive)."),
        (ServerAddress("127.0.0.1", pg_server.port, database, login.role), None,
         f"The server at {where} needs a password for user {login.role}."),
        (ServerAddress("127.0.0.1", pg_server.port, "no_such_db", login.role), secret,
         f"There is no database no_such_db on the server at {where}: check the name, or ask "
         "the database administrator to create it."),
        (ServerAddress("127.0.0.1", pg_server.port, database, "nobody_here"), secret,
         f"The server at {where} has no user nobody_here: check the user name."),
    ]
    port = closed_port()
    cases.append((ServerAddress("127.0.0.1", port, database, login.role), secret,
                  f"Nothing answered at 127.0.0.1:{port}: check the host name and port, and "
                  "that PostgreSQL is running there."))
    for address, password, words in cases:
        with pytest.raises(ConnectionFailed) as failed:
            probe(address, password)
        assert str(failed.value) == words
        assert secret not in str(failed.value)
        assert failed.value.__cause__ is None  # the driver's text (and URL) stays out of it
    # The right password works.
    found = probe(ServerAddress("127.0.0.1", pg_server.port, database, login.role), secret)
    assert found.is_register and found.login == login.role


def test_opening_a_server_register_fails_in_plain_words(pg_server: Server) -> None:
    port = closed_port()
    with pytest.raises(ConnectionFailed, match=f"^Nothing answered at 127.0.0.1:{port}:") as e:
        open_register(f"postgresql+psycopg://someone:Hush-123@127.0.0.1:{port}/isms")
    assert "Hush-123" not in str(e.value)
    with pytest.raises(ConnectionFailed, match="^There is no database absent on the server"):
        open_register(pg_server.url("absent"))


def test_a_failed_read_is_a_storage_error_in_plain_words(register_path: Path) -> None:
    """Register.reading(): what the window's tables read through; a database error comes out
    as an isms error naming the register, not a SQLAlchemy exception."""
    register = open_register(str(register_path))
    try:
        with register.transaction() as s:
            s.execute(text("DROP TABLE alembic_version"))
        with pytest.raises(StorageError) as failed, register.reading() as s:
            s.execute(text("SELECT version_num FROM alembic_version"))
        assert str(failed.value).startswith(f"{resolve(str(register_path)).display()} could "
                                            "not be read or written: ")
        assert not isinstance(failed.value, ConnectionFailed)  # a file, not a server
    finally:
        register.close()


def test_reading_leaves_other_errors_alone(register: Register) -> None:
    with pytest.raises(ZeroDivisionError), register.reading():
        _ = 1 / 0


ADDRESS = ServerAddress("db.council.example", 5433, "isms", "clerk")


@pytest.mark.parametrize(("driver_says", "words"), [
    ("connection failed: connection to server at \"10.0.0.9\", port 5433 failed: timeout expired",
     "The server at db.council.example:5433 did not answer within 7 seconds: check the host "
     "name and port, and that you are on the council network (or VPN)."),
    ("could not translate host name \"db.council.example\" to address: Name or service not "
     "known", "There is no computer called db.council.example: check the host name."),
    ("connection failed: ... failed: FATAL:  pg_hba.conf rejects connection for host "
     "\"10.1.2.3\", user \"clerk\", database \"isms\", no encryption",
     "The server at db.council.example:5433 does not let user clerk connect to the database "
     "isms from this computer: ask the database administrator to allow it (pg_hba.conf)."),
    ("connection failed: ... failed: server does not support SSL, but SSL was required",
     "The server at db.council.example:5433 does not offer an encrypted (SSL) connection, but "
     "one was required (sslmode): ask the database administrator, or change sslmode."),
    ("connection failed: ... failed: FATAL:  sorry, too many clients already",
     "The server at db.council.example:5433 has too many connections open: try again later, "
     "or ask the database administrator to allow more."),
    ("connection failed: ... failed: FATAL:  the database system is starting up",
     "The server at db.council.example:5433 is starting up or shutting down: try again in a "
     "minute."),
    ("connection failed: ... failed: FATAL:  permission denied for database \"isms\"",
     "User clerk may not read the database isms: ask the database administrator for access."),
    ("connection failed: ... failed: something nobody foresaw\n\tdetail line",
     "Could not connect to db.council.example:5433: ... failed: something nobody foresaw"),
])
def test_driver_messages_become_words_naming_what_to_fix(driver_says: str, words: str) -> None:
    """Failures the suite's own server cannot stage, with the text the driver gives for them."""
    error = OperationalError("connect", {}, Exception(driver_says))
    assert plain_problem(ADDRESS, error, timeout=7) == words
    # The same through a Location (a --db URL): its own connect_timeout, never its password.
    location = resolve("postgresql+psycopg://clerk:Hush-123@db.council.example:5433/isms"
                       "?connect_timeout=7")
    assert plain_problem(location, error) == words
    # An isms error raised from the driver's error reads the same; one of isms' own is kept.
    try:
        raise StorageError("opening failed") from error
    except StorageError as wrapped:
        assert plain_problem(ADDRESS, wrapped, timeout=7) == words
    assert plain_problem(ADDRESS, StorageError("Give the host.")) == "Give the host."
