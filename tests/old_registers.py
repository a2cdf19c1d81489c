"""Registers made at an earlier schema revision, for the tests that upgrade them: the empty
schema at ``revision`` (a file or a throwaway PostgreSQL database) holding one department,
Housing (id 1), written in SQL as that revision's tables stand."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text

from isms.db import migrate
from isms.db.engine import make_engine
from isms.db.location import resolve

#: The bind parameters the SQL of these tests uses: one creation time, and true.
STAMP = {"at": datetime(2026, 12, 1, 9, tzinfo=UTC), "yes": True}


def old_register(revision: str, database: str, tmp_path: Path,
                 request: pytest.FixtureRequest) -> tuple[str, Engine]:
    """A register at ``revision`` on ``database`` ("sqlite" or "postgresql"), with Housing:
    its URL, and an engine to write the rest of its rows (dispose of it before opening)."""
    url = (str(tmp_path / "old.isms") if database == "sqlite"
           else str(request.getfixturevalue("pg_empty_url")))
    engine = make_engine(resolve(url), for_migration=True)
    migrate.upgrade(engine, revision)
    with engine.begin() as db:
        add_housing(db)
    return url, engine


def add_housing(db: Connection) -> None:
    db.execute(text(
        "INSERT INTO department (id, code, name, in_scope, accreditation_status, "
        "description, version, created_at, updated_at) VALUES (1, 'HSG', 'Housing', "
        ":yes, 'in progress', '', 1, :at, :at)"), STAMP)
