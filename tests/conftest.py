"""Shared fixtures: a real register per test, copied from one migrated template.

Registers are SQLite files by default. A test module that sets
``pytestmark = pytest.mark.both_backends`` runs each test that uses ``register`` (or ``backend``)
twice: on a SQLite file and on a database of a throwaway PostgreSQL server (tests/pg.py).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from isms.db import Register
    from tests.keyrings import MemoryKeyring
    from tests.pg import Server

# Headless Qt for every test that touches ui/ (set before any Qt import).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

BACKENDS = ("sqlite", "postgresql")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "both_backends: run the module's register tests on SQLite and PostgreSQL"
    )
    config.addinivalue_line(
        "markers", "sqlite_only(reason): a test of a both_backends module that needs a file"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    node = metafunc.definition
    if (
        "backend" in metafunc.fixturenames
        and node.get_closest_marker("both_backends")
        and not node.get_closest_marker("sqlite_only")
    ):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never touch the developer's real registers, logs or settings."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ISMS_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("ISMS_LOG_DIR", str(home / "log"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("ISMS_DATABASE_URL", raising=False)


@pytest.fixture(scope="session")
def register_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An initialised, empty register built once per test run."""
    from isms.services.setup import init_register

    path = tmp_path_factory.mktemp("template") / "template.isms"
    register, _ = init_register(str(path), actor="template")
    register.close()
    return path


@pytest.fixture
def register_path(register_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "register.isms"
    shutil.copyfile(register_template, path)
    return path


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Server]:
    """A PostgreSQL server holding a migrated template register, for the whole run.

    Unavailable PostgreSQL skips the tests that need it, except under CI (CI is set), where
    a backend silently not tested would pass a run that tested nothing on it.
    """
    from tests import pg

    try:
        server = pg.start()
    except pg.Unavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required under CI: {exc}", pytrace=False)
        pytest.skip(f"PostgreSQL unavailable: {exc}")
    try:
        pg.make_template(server)
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: Server) -> Iterator[str]:
    """A fresh register database cloned from the template, dropped afterwards."""
    name = pg_server.create_from_template()
    yield pg_server.url(name)
    pg_server.drop(name)


@pytest.fixture
def pg_empty_url(pg_server: Server) -> Iterator[str]:
    """An empty database on the server (no register yet), dropped afterwards."""
    name = pg_server.create_empty()
    yield pg_server.url(name)
    pg_server.drop(name)


@pytest.fixture(scope="module")
def backend(request: pytest.FixtureRequest) -> str:
    """Which database the register fixtures give: "sqlite" unless parametrized."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def register_db(backend: str, request: pytest.FixtureRequest) -> str:
    """``--db`` of a fresh register on the test's backend: a file path or a PostgreSQL URL."""
    if backend == "postgresql":
        return str(request.getfixturevalue("pg_url"))
    return str(request.getfixturevalue("register_path"))


@pytest.fixture
def register(register_db: str) -> Iterator[Register]:
    from isms.db import open_register

    reg = open_register(register_db)
    yield reg
    reg.close()


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Passwords kept in this process for the test, never in the user's keyring."""
    import keyring

    from tests.keyrings import MemoryKeyring

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)
