"""What only a PostgreSQL register can get wrong: schema, id sequences, hashing across backends.

The storage and service suites run on both backends (``both_backends`` modules); these tests
cover the seams between the two databases themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from isms.db import Register, commit, migrate, open_register
from isms.db.bulk import insert_rows
from isms.db.changelog import entry_digest, write_entries
from isms.model import Asset, AssetStatus, AssetType, ChangeAction, ChangeLogEntry
from isms.model.base import utcnow
from tests import builders as b


@pytest.fixture
def pg_register(pg_url: str) -> Iterator[Register]:
    register = open_register(pg_url)
    yield register
    register.close()


def test_migrations_give_exactly_the_models_schema(pg_register: Register) -> None:
    with pg_register.engine.connect() as connection:
        assert migrate.current(connection) == migrate.HEAD
        assert migrate.check(connection) == []


def test_explicit_ids_keep_the_sequence_ahead(pg_register: Register) -> None:
    """Bulk writers choose ids; the next ordinary insert must still get a fresh one (0006)."""
    with pg_register.session() as s:
        dept = b.department(s)
        commit(s)
        insert_rows(s.connection(), Asset.__table__,
                    ("id", "ref", "name", "asset_type", "description", "department_id"),
                    [(500 + n, f"BLK-{n}", f"Bulk {n}", AssetType.SOFTWARE, "", dept.id)
                     for n in range(3)],
                    {"version": 1, "personal_data": False, "special_category": False,
                     "location": "", "status": AssetStatus.ACTIVE,
                     "created_at": utcnow(), "updated_at": utcnow()})
        commit(s)
        made = b.asset(s, dept, ref="ORM-1")
        commit(s)
        assert made.id == 503
        # Ids below the sequence do not move it back.
        insert_rows(s.connection(), Asset.__table__,
                    ("id", "ref", "name", "asset_type", "description", "department_id"),
                    [(400, "LOW-1", "Low", AssetType.SOFTWARE, "", dept.id)],
                    {"version": 1, "personal_data": False, "special_category": False,
                     "location": "", "status": AssetStatus.ACTIVE,
                     "created_at": utcnow(), "updated_at": utcnow()})
        commit(s)
        assert b.asset(s, dept, ref="ORM-2").id == 504
        commit(s)


def _written_back(register: Register, entries: list[dict[str, Any]]) -> list[str]:
    """Write ``entries``, read them back, and hash what came back from a fixed previous hash."""
    with register.engine.begin() as connection:
        last = connection.execute(select(ChangeLogEntry.id).order_by(ChangeLogEntry.id.desc())
                                  ).scalar_one()
        write_entries(connection, [dict(e) for e in entries])
    with register.session() as s:
        rows = s.execute(select(ChangeLogEntry).where(ChangeLogEntry.id > last)
                         .order_by(ChangeLogEntry.id)).scalars().all()
        for row in rows:  # what was stored at write time is what reading back gives
            assert row.entry_hash == entry_digest(row.prev_hash, row.__dict__)
        return [entry_digest("0" * 64, row.__dict__) for row in rows]


def test_change_log_entries_hash_identically_on_both_backends(
    register_path: Path, pg_register: Register
) -> None:
    """A chain verified on one backend must verify after a copy to the other: every value
    must come back from either database in the form it was hashed in."""
    entries: list[dict[str, Any]] = [
        {"at": datetime(2026, 3, 1, 12, 30, 45, 123456, tzinfo=UTC), "actor": "zoë",
         "action": ChangeAction.UPDATE, "table_name": "asset", "record_id": "7",
         "label": "asset ENV-0007 « Straßen »",
         "changes": {"name": ["Old", "Néw ✓"], "owner_id": [None, 3], "personal_data":
                     [False, True], "score": [1.5, 0.1], "tags": {"added": ["a"], "removed": []}}},
        {"at": datetime(2026, 7, 1, 9, 0, tzinfo=timezone(timedelta(hours=1))),
         "actor": "x", "action": ChangeAction.EVENT, "table_name": "register", "record_id": None,
         "label": "demo built", "changes": {"assets": 300, "z": {"b": 1, "a": [1, "2"]}}},
    ]
    sqlite = open_register(str(register_path))
    try:
        on_sqlite = _written_back(sqlite, entries)
    finally:
        sqlite.close()
    assert _written_back(pg_register, entries) == on_sqlite
