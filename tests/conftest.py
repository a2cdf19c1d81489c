"""Shared fixtures: a real SQLite register file per test, copied from one migrated template."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# Headless Qt for every test that touches ui/ (set before any Qt import).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


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


@pytest.fixture
def register(register_path: Path) -> Iterator[Register]:  # noqa: F821 - imported lazily
    from isms.db import open_register

    reg = open_register(str(register_path))
    yield reg
    reg.close()
