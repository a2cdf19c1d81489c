"""Imported assets are in the search index (SQLite FTS5): the import indexes its new rows in one
statement instead of the per-row trigger (isms.db.bulk.search_index_after), and the index must
come out exactly as the trigger would have left it, with the trigger back in place."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from isms.cli import main
from isms.db import open_register
from isms.services.read.queries import asset_ids
from tests.unit.test_value_map import OWNERS, public_register


def _index_matches_assets(path: Path) -> None:
    """FTS5's own check of the index against what it indexes (asset joined to owner names):
    raises sqlite3.DatabaseError when an asset is missing from the index or indexed wrongly."""
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO asset_fts(asset_fts, rank) VALUES ('integrity-check', 1)")


def _has_insert_trigger(path: Path) -> bool:
    with sqlite3.connect(path) as conn:
        count = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                             "AND name = 'asset_fts_ai'").fetchone()[0]
    return bool(count == 1)


def _found(path: Path, term: str) -> list[int]:
    register = open_register(str(path))
    try:
        with register.session() as s:
            return asset_ids(s, search=term)
    finally:
        register.close()


def _imported(capsys: pytest.CaptureFixture[str], register_path: Path, tmp_path: Path) -> str:
    """A public 30-asset register imported into ICT, proposals accepted; the register's --db."""
    db = str(register_path)
    assert main(["departments", "add", "ICT", "ICT Services", "--db", db]) == 0
    path = public_register(tmp_path / "iar.xlsx", count=30)
    assert main(["import", "assets", str(path), "--db", db, "--department", "ICT",
                 "--accept-proposals"]) == 0
    capsys.readouterr()
    return db


def test_imported_assets_are_found_by_name_and_owner_and_the_index_is_exact(
        capsys: pytest.CaptureFixture[str], register_path: Path, tmp_path: Path) -> None:
    db = _imported(capsys, register_path, tmp_path)
    assert len(_found(register_path, "Asset 17")) == 1
    # Owners are new people the import made: their names are indexed with the assets.
    assert len(_found(register_path, OWNERS[1])) == 10
    assert _has_insert_trigger(register_path)
    _index_matches_assets(register_path)
    # The trigger is back: an asset added afterwards is indexed too.
    assert main(["assets", "add", "Payroll ledger", "--department", "ICT", "--db", db]) == 0
    assert len(_found(register_path, "Payroll ledger")) == 1
    _index_matches_assets(register_path)


def test_the_check_catches_an_asset_missing_from_the_index(
        capsys: pytest.CaptureFixture[str], register_path: Path) -> None:
    """The check above can fail: an asset written with the trigger gone is reported."""
    db = str(register_path)
    assert main(["departments", "add", "ICT", "ICT Services", "--db", db]) == 0
    with sqlite3.connect(register_path) as conn:
        conn.execute("DROP TRIGGER asset_fts_ai")
    assert main(["assets", "add", "Unindexed", "--department", "ICT", "--db", db]) == 0
    capsys.readouterr()
    assert not _has_insert_trigger(register_path)
    with pytest.raises(sqlite3.DatabaseError):
        _index_matches_assets(register_path)


def _merge_settings(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return {k: int(v) for k, v in conn.execute(
            "SELECT k, v FROM asset_fts_config WHERE k IN ('automerge', 'crisismerge')")}


def test_the_import_loads_the_index_unmerged_and_puts_fts5s_merge_settings_back(
        capsys: pytest.CaptureFixture[str], register_path: Path, tmp_path: Path) -> None:
    """The bulk fill turns FTS5's segment merging off while it loads (about half the time for
    100,000 rows); afterwards the index's settings are FTS5's defaults again (automerge 4,
    crisismerge 16: sqlite.org/fts5.html), so later writes merge as usual."""
    _imported(capsys, register_path, tmp_path)
    assert _merge_settings(register_path) == {"automerge": 4, "crisismerge": 16}
    _index_matches_assets(register_path)
    assert len(_found(register_path, "Asset 29")) == 1
