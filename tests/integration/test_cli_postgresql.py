"""The `isms` command end to end on a PostgreSQL register, given by URL as a council would."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import create_engine, text

from isms.db.credentials import ServerAddress
from isms.db.migrate import HEAD
from tests.integration.test_cli import isms
from tests.integration.test_export_cli import catalogue_refs, soa_rows
from tests.pg import Server
from tests.pg_roles import password_login


def test_init_demo_search_and_export_on_postgresql(
    pg_empty_url: str, tmp_path: Path
) -> None:
    created = isms("init", "--db", pg_empty_url)
    assert created.returncode == 0, created.stderr
    assert "93 Annex A 2022 controls" in created.stdout
    again = isms("init", "--db", pg_empty_url)
    assert again.returncode != 0

    engine = create_engine(pg_empty_url)
    try:
        with engine.begin() as c:
            assert c.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
            # The demo is built on a register of its own; start again on an empty database.
            c.execute(text("DROP SCHEMA public CASCADE"))
            c.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()

    built = isms("demo", "--db", pg_empty_url, "--assets", "300")
    assert built.returncode == 0, built.stderr
    assert "300 assets" in built.stdout

    listed = isms("assets", "list", "--db", pg_empty_url, "--json")
    assert listed.returncode == 0, listed.stderr
    assets = json.loads(listed.stdout)
    assert assets
    term = assets[0]["name"].split()[0][:5].upper()  # case-insensitive substring
    found = isms("assets", "list", "--db", pg_empty_url, "--search", term, "--json")
    assert found.returncode == 0, found.stderr
    hits = json.loads(found.stdout)
    assert assets[0]["ref"] in {a["ref"] for a in hits}
    assert {a["ref"] for a in hits} <= {a["ref"] for a in assets}

    out = tmp_path / "soa.xlsx"
    exported = isms("export", "soa", "--db", pg_empty_url, "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    _header, rows = soa_rows(out)
    assert [r[0] for r in rows] == catalogue_refs()  # the 93 controls in clause order

    checked = isms("db", "check", "--db", pg_empty_url)
    assert checked.returncode == 0, checked.stderr


def test_a_server_that_cannot_be_reached_is_said_in_plain_words(
    pg_server: Server, pg_url: str, register_path: Path
) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on once it is closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    database = ServerAddress.from_url(pg_url).database
    with password_login(pg_server, database) as login:
        wrong = (f"postgresql+psycopg://{login.role}:Not-{login.password}@127.0.0.1:"
                 f"{pg_server.port}/{database}")
        result = isms("assets", "list", "--db", wrong)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"isms: error: The server at 127.0.0.1:{pg_server.port} refused the password for user "
        f"{login.role}: check the password (it is case-sensitive).")
    assert login.password not in result.stderr + result.stdout
    # Copying to a server that is not there: the destination is named the same way.
    copied = isms("db", "copy", str(register_path),
                  f"postgresql+psycopg://clerk:S3cret-pw@127.0.0.1:{port}/isms")
    assert copied.returncode == 1
    assert f"Nothing answered at 127.0.0.1:{port}" in copied.stderr
    assert "S3cret-pw" not in copied.stderr + copied.stdout
    for url, words in (
        (f"postgresql+psycopg://clerk:S3cret-pw@127.0.0.1:{port}/isms",
         f"isms: error: Nothing answered at 127.0.0.1:{port}: check the host name and port, "
         "and that PostgreSQL is running there."),
        (pg_server.url("no_such_register"),
         f"isms: error: There is no database no_such_register on the server at "
         f"127.0.0.1:{pg_server.port}: check the name, or ask the database administrator to "
         "create it."),
    ):
        result = isms("risks", "show", "R-0001", "--db", url)
        assert result.returncode == 1  # an expected error, like any other
        assert result.stderr.strip() == words
        assert "S3cret-pw" not in result.stderr + result.stdout


def test_db_probe_tells_a_register_an_empty_database_and_a_wrong_password(
    pg_server: Server, pg_url: str, pg_empty_url: str
) -> None:
    """`isms db probe`: the server dialog's Test connection on the command line."""
    found = isms("db", "probe", "--db", pg_url, "--json")
    assert found.returncode == 0, found.stderr
    seen = json.loads(found.stdout)
    assert (seen["register"], seen["revision"], seen["schema"]) == (True, HEAD, "current")
    engine = create_engine(pg_url)
    try:
        with engine.connect() as c:
            assert seen["login"] == c.execute(text("SELECT current_user")).scalar()
    finally:
        engine.dispose()

    empty = isms("db", "probe", "--db", pg_empty_url)
    assert empty.returncode == 0, empty.stderr
    database = ServerAddress.from_url(pg_empty_url).database
    assert f"the database {database} is empty" in empty.stdout

    with password_login(pg_server, ServerAddress.from_url(pg_url).database) as login:
        wrong = (f"postgresql+psycopg://{login.role}:Not-{login.password}@127.0.0.1:"
                 f"{pg_server.port}/{ServerAddress.from_url(pg_url).database}")
        refused = isms("db", "probe", "--db", wrong)
    assert refused.returncode == 1
    assert "refused the password" in refused.stderr
    assert login.password not in refused.stderr + refused.stdout

    not_server = isms("db", "probe", "--db", "some/file.isms")
    assert not_server.returncode == 2 and "is a register file, not a server" in not_server.stderr
