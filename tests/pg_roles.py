"""A login on the test server that must give a password (the cluster trusts its own user).

A line for that role alone goes at the top of pg_hba.conf and is removed afterwards, so other
tests keep connecting without a password.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from tests.pg import Server


@dataclass(frozen=True)
class PasswordLogin:
    role: str
    password: str


def _wait_for_password_auth(server: Server, role: str, database: str) -> None:
    """pg_reload_conf() only signals the server: wait until a wrong password is refused."""
    import psycopg

    deadline = time.monotonic() + 10
    while True:
        try:
            psycopg.connect(host="127.0.0.1", port=server.port, user=role, dbname=database,
                            password="wrong", connect_timeout=5).close()
        except psycopg.OperationalError as exc:
            if "password authentication failed" in str(exc):
                return
            raise
        if time.monotonic() > deadline:
            raise TimeoutError("the server never started asking for the password")
        time.sleep(0.05)


@contextmanager
def password_login(server: Server, database: str) -> Iterator[PasswordLogin]:
    """A superuser role that must give its password to connect (to ``database`` and others)."""
    role = f"isms_pw_{uuid.uuid4().hex[:10]}"
    password = f"Corr3ct-Horse-{uuid.uuid4().hex[:8]}"
    server.admin(f"CREATE ROLE {role} LOGIN SUPERUSER PASSWORD '{password}'")
    hba = server.root / "data" / "pg_hba.conf"
    original = hba.read_text()
    hba.write_text(f"host all {role} 127.0.0.1/32 scram-sha-256\n{original}")
    try:
        server.admin("SELECT pg_reload_conf()")
        _wait_for_password_auth(server, role, database)
        yield PasswordLogin(role, password)
    finally:
        hba.write_text(original)
        server.admin("SELECT pg_reload_conf()")
        server.admin(f"DROP ROLE IF EXISTS {role}")
