"""Alembic owns the schema: empty -> head, and an older register upgraded without loss."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text

from isms.db import migrate, open_register
from isms.db.changelog import entry_digest
from isms.db.engine import make_engine
from isms.db.location import resolve
from isms.db.register import integrity_problems, peek_revision
from isms.errors import NotFoundError, StorageError
from isms.model import Asset, ChangeLogEntry, Control, HandlingPractice


def _register_at(path: Path, revision: str) -> None:
    engine = make_engine(resolve(str(path)), for_migration=True)
    migrate.upgrade(engine, revision)
    engine.dispose()


def test_head_constant_is_alembics_single_head() -> None:
    assert migrate.alembic_heads() == [migrate.HEAD]


def test_empty_to_head_matches_the_models(tmp_path: Path) -> None:
    register = open_register(str(tmp_path / "new.isms"), create=True)
    with register.engine.connect() as connection:
        assert migrate.current(connection) == migrate.head()
        assert migrate.check(connection) == []
    register.close()


def test_older_register_is_backed_up_and_upgraded_without_loss(tmp_path: Path) -> None:
    path = tmp_path / "old.isms"
    _register_at(path, "0001")
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO department (id, code, name, in_scope, accreditation_status, "
            "description, version, created_at, updated_at) VALUES (1, 'ENV', "
            "'Environment', 1, 'in progress', '', 3, '2024-05-01 09:00:00.000000', "
            "'2024-06-01 10:00:00.000000')"
        )
        db.execute(
            "INSERT INTO asset (id, ref, name, asset_type, description, department_id, "
            "location, confidentiality, integrity, availability, personal_data, "
            "special_category, status, version, created_at, updated_at) VALUES (1, "
            "'ENV-0042', 'Highways defect reports', 'information', 'Reports from the public',"
            " 1, 'County Hall', 2, 3, 3, 1, 0, 'active', 2, '2024-05-01 09:00:00.000000', "
            "'2024-06-01 10:00:00.000000')"
        )
        for n, actor in enumerate(("alice", "bob"), start=1):
            db.execute(
                "INSERT INTO change_log (id, at, actor, action, table_name, record_id, "
                "label, changes) VALUES (?, ?, ?, 'update', 'asset', '1', 'asset ENV-0042',"
                " ?)",
                (n, f"2024-06-0{n} 10:00:00.000000", actor, '{"name": ["a", "b"]}'),
            )
    assert peek_revision(resolve(str(path))) == "0001"

    register = open_register(str(path))
    try:
        assert peek_revision(register.location) == migrate.head()
        assert register.upgrade_backup is not None and register.upgrade_backup.exists()
        assert peek_revision(resolve(str(register.upgrade_backup))) == "0001"
        with register.session() as s:
            asset = s.execute(select(Asset)).scalar_one()
            assert (asset.ref, asset.name, asset.description, asset.version) == (
                "ENV-0042",
                "Highways defect reports",
                "Reports from the public",
                2,
            )
            assert (asset.confidentiality, asset.integrity, asset.availability) == (2, 3, 3)
            assert asset.personal_data is True and asset.department.name == "Environment"
            log = list(s.execute(select(ChangeLogEntry).order_by(ChangeLogEntry.id)).scalars())
        assert [e.actor for e in log] == ["alice", "bob"]
        assert log[0].prev_hash is None
        assert log[1].prev_hash == log[0].entry_hash
        for entry in log:
            assert entry.entry_hash == entry_digest(entry.prev_hash, entry.__dict__)
        assert integrity_problems(register) == []
    finally:
        register.close()


def test_upgrade_can_be_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.isms"
    _register_at(path, "0001")
    with pytest.raises(StorageError, match="needs upgrading"):
        open_register(str(path), upgrade=False)
    assert peek_revision(resolve(str(path))) == "0001"


def test_register_from_a_newer_isms_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.isms"
    open_register(str(path), create=True).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StorageError, match="newer version of isms"):
        open_register(str(path))


def test_a_database_that_is_not_a_register_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE budget (line TEXT)")
    with pytest.raises(StorageError, match="not an isms register"):
        open_register(str(path))


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "assets.xlsx"
    path.write_bytes(b"PK\x03\x04 this is a zip, not a database" * 100)
    with pytest.raises(StorageError, match="cannot be opened as a register"):
        open_register(str(path))


def test_missing_register_is_not_created_by_opening(tmp_path: Path) -> None:
    path = tmp_path / "nothing.isms"
    with pytest.raises(NotFoundError, match="isms init"):
        open_register(str(path))
    assert not path.exists()


def test_a_failed_upgrade_leaves_the_register_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "old.isms"
    _register_at(path, "0001")
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO change_log (at, actor, action, table_name, label, changes) "
            "VALUES ('2024-01-01 00:00:00', 'a', 'event', 'register', 'x', 'not json')"
        )
    # Undecodable JSON makes the 0002 back-fill fail part-way through.
    with pytest.raises(StorageError, match="rolled back"):
        open_register(str(path))
    assert peek_revision(resolve(str(path))) == "0001"
    with sqlite3.connect(path) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(change_log)")]
    assert "entry_hash" not in columns


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_a_0009_register_keeps_its_practices_and_local_controls_in_use(
    database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """0010 gives handling practices and controls a ``retired_at``: all of a 0009 register's
    stay in use (None), with their values and versions."""
    url = (str(tmp_path / "old.isms") if database == "sqlite"
           else str(request.getfixturevalue("pg_empty_url")))
    engine = make_engine(resolve(url), for_migration=True)
    migrate.upgrade(engine, "0009")
    stamp = {"at": datetime(2026, 12, 1, 9, tzinfo=UTC)}
    with engine.begin() as db:
        db.execute(text(
            "INSERT INTO department (id, code, name, in_scope, accreditation_status, "
            "description, version, created_at, updated_at) VALUES (1, 'HSG', 'Housing', "
            ":yes, 'in progress', '', 1, :at, :at)"), {**stamp, "yes": True})
        db.execute(text(
            "INSERT INTO asset (id, ref, name, asset_type, description, department_id, location, "
            "personal_data, special_category, status, version, created_at, updated_at) VALUES "
            "(1, 'HSG-0001', 'Tenancy files', 'information', '', 1, '', :no, :no, 'active', 1, "
            ":at, :at)"), {**stamp, "no": False})
        db.execute(text(
            "INSERT INTO handling_practice (id, asset_id, stage, safeguards, description, "
            "third_party, offshore, version, created_at, updated_at) VALUES (7, 1, 'stored', "
            "'[\"encrypted\"]', 'On the file server', '', :no, 3, :at, :at)"),
            {**stamp, "no": False})
        db.execute(text(
            "INSERT INTO control (id, edition, ref, sort_key, theme, title, description, "
            "version, created_at, updated_at) VALUES (500, 'local', 'PSN-3', 'PSN-0003', 'PSN', "
            "'Patch within 14 days', '', 2, :at, :at)"), stamp)
    engine.dispose()
    assert peek_revision(resolve(url)) == "0009"

    register = open_register(url)
    try:
        assert peek_revision(register.location) == migrate.head()
        with register.session() as s:
            practice = s.execute(select(HandlingPractice)).scalar_one()
            control = s.execute(select(Control)).scalar_one()
            assert (practice.id, practice.safeguards, practice.description, practice.version,
                    practice.retired_at) == (7, ["encrypted"], "On the file server", 3, None)
            assert (control.id, control.ref, control.theme, control.version,
                    control.retired_at) == (500, "PSN-3", "PSN", 2, None)
        with register.engine.connect() as connection:
            assert migrate.check(connection) == []
    finally:
        register.close()
