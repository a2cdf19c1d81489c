"""A throwaway PostgreSQL server for the test run, from the Debian/Ubuntu server packages.

The suite starts its own cluster in a temporary folder rather than using a system service: the
container has no systemd, the developer's own server stays untouched, and fsync is off so a
database per test costs milliseconds. initdb refuses to run as root, so as root the cluster
belongs to the ``postgres`` system user the package creates.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path

#: The superuser the cluster is created with; trust auth, so no password.
USER = "isms"
TEMPLATE = "isms_template"


class Unavailable(Exception):
    """PostgreSQL cannot be started here; the message says why."""


def bin_dir() -> Path:
    """The newest installed server's bin folder (Debian keeps it off PATH)."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit()
        else 0,
    )
    if candidates:
        return Path(candidates[-1]).parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    raise Unavailable(
        "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb): "
        "install the `postgresql` package (make test does, as root)"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_owner() -> list[str]:
    """Command prefix running a server binary as a user initdb accepts."""
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    if runuser is None:
        raise Unavailable("running as root and `runuser` is missing: cannot drop to `postgres`")
    try:
        import pwd

        pwd.getpwnam("postgres")
    except KeyError as exc:
        raise Unavailable("running as root and there is no `postgres` system user") from exc
    return [runuser, "-u", "postgres", "--"]


def _run(cmd: list[str]) -> None:
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise Unavailable(f"{' '.join(cmd)} failed:\n{result.stdout}{result.stderr}")


@dataclass
class Server:
    """A running cluster; ``url(db)`` is a SQLAlchemy URL to one of its databases."""

    root: Path
    bin: Path
    port: int
    prefix: list[str]
    _names: Iterator[int] = field(default_factory=count)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        """Run one statement outside a transaction (CREATE/DROP DATABASE need that)."""
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=USER, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def create_from_template(self, template: str = TEMPLATE) -> str:
        """A new database copied from ``template`` (nobody may be connected to it)."""
        name = f"isms_test_{next(self._names)}"
        self.admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return name

    def create_empty(self) -> str:
        """A new empty database, for what `isms init` / `isms demo` must create themselves."""
        name = f"isms_test_{next(self._names)}"
        self.admin(f'CREATE DATABASE "{name}"')
        return name

    def drop(self, name: str) -> None:
        # FORCE: a test that leaked a connection must not keep its database alive.
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        subprocess.run(
            [*self.prefix, str(self.bin / "pg_ctl"), "stop", "-D", str(self.root / "data"),
             "-m", "immediate", "-s"],
            capture_output=True, check=False,
        )
        shutil.rmtree(self.root, ignore_errors=True)


def start() -> Server:
    """initdb a cluster in a fresh temporary folder and start it on a free local port."""
    binaries = bin_dir()
    prefix = _as_owner()
    # Under /tmp rather than pytest's tmp_path: that is private to root, and the server runs
    # as `postgres`, which must own its data and socket folders.
    root = Path(tempfile.mkdtemp(prefix="isms-pg-"))
    if prefix:
        shutil.chown(root, "postgres", "postgres")
    data, sockets = root / "data", root / "sockets"
    try:
        _run([*prefix, "mkdir", "-m", "700", str(sockets)])
        _run([*prefix, str(binaries / "initdb"), "-D", str(data), "-U", USER, "-A", "trust",
              "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions"])
        port = _free_port()
        options = (
            f"-h 127.0.0.1 -p {port} -k {sockets} -F "
            "-c full_page_writes=off -c synchronous_commit=off -c max_connections=200 "
            # Not UTC on purpose: timestamps must come back as the same UTC instants.
            "-c timezone=America/New_York"
        )
        _run([*prefix, str(binaries / "pg_ctl"), "start", "-D", str(data), "-w", "-t", "60",
              "-s", "-l", str(root / "server.log"), "-o", options])
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    server = Server(root, binaries, port, prefix)
    _wait_ready(server)
    return server


def _wait_ready(server: Server) -> None:
    import psycopg

    deadline = time.monotonic() + 30
    while True:
        try:
            server.admin("SELECT 1")
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                server.stop()
                raise
            time.sleep(0.1)


def make_template(server: Server) -> None:
    """One migrated, seeded register every test's database is cloned from."""
    from isms.services.setup import init_register

    server.admin(f'CREATE DATABASE "{TEMPLATE}"')
    register, _ = init_register(server.url(TEMPLATE), actor="template")
    # CREATE DATABASE ... TEMPLATE refuses while anyone is connected to the template.
    register.close()
