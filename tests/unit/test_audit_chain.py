"""Verifying the change log's hash chain, on real register files altered behind the app's back."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from isms.cli import main
from isms.db import Register
from isms.db.audit_chain import verify_chain
from isms.demo import build_demo
from isms.model.audit import ChangeLogEntry


@pytest.fixture
def demo(register: Register) -> Register:
    build_demo(register, assets=40)
    return register


def ids_and_head(register: Register) -> tuple[list[int], str]:
    with register.session() as session:
        rows = session.execute(
            select(ChangeLogEntry.id, ChangeLogEntry.entry_hash).order_by(ChangeLogEntry.id)
        ).all()
    head = rows[-1][1]
    assert head is not None
    return [row[0] for row in rows], head


def verify(capsys: pytest.CaptureFixture[str], path: Path, *extra: str) -> tuple[int, str]:
    code = main(["audit", "verify", "--db", str(path), *extra])
    out, err = capsys.readouterr()
    assert not err
    return code, out


def test_an_intact_demo_register_verifies(
    demo: Register, register_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids, head = ids_and_head(demo)
    code, out = verify(capsys, register_path)
    assert code == 0
    chain, records = out.splitlines()
    assert chain == f"Change log intact: {len(ids)} entries, head {head}"
    assert records.startswith("Records match the change log: ")
    code, out = verify(capsys, register_path, "--json")
    assert code == 0
    result = json.loads(out)
    assert result["intact"] is True and result["broken_at"] is None
    assert (result["entries"], result["head_hash"]) == (len(ids), head)


def test_an_entry_changed_in_the_database_is_named(
    demo: Register, register_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids, _ = ids_and_head(demo)
    victim = ids[len(ids) // 2]
    with sqlite3.connect(register_path) as db:
        db.execute("UPDATE change_log SET changes = ? WHERE id = ?", ('{"name": "x"}', victim))
    code, out = verify(capsys, register_path)
    assert code == 1
    assert out.splitlines()[0] == (
        f"Change log broken at entry {victim}: its hash does not match its content "
        "(changed after it was written)"
    )


def test_a_removed_entry_is_named_at_the_next_one(
    demo: Register, register_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids, _ = ids_and_head(demo)
    before, removed, after = ids[4:7]
    with sqlite3.connect(register_path) as db:
        db.execute("DELETE FROM change_log WHERE id = ?", (removed,))
    code, out = verify(capsys, register_path, "--json")
    assert code == 1
    result = json.loads(out)
    assert result["broken_at"] == after
    assert result["problem"] == (
        f"entry {after}: prev_hash does not match entry {before}'s hash "
        "(an entry was removed or reordered)"
    )


def test_removing_the_first_entries_is_noticed(demo: Register) -> None:
    ids, _ = ids_and_head(demo)
    with demo.engine.begin() as connection:
        connection.execute(delete(ChangeLogEntry).where(ChangeLogEntry.id == ids[0]))
        report = verify_chain(connection)
    assert report.broken_at == ids[1] and report.entries == 1
    assert report.reason is not None and "first entry" in report.reason


def test_reading_in_small_chunks_gives_the_same_report(demo: Register) -> None:
    """Chunk boundaries must not break the link from one entry to the next."""
    ids, head = ids_and_head(demo)
    with demo.engine.connect() as connection:
        whole = verify_chain(connection)
        chunked = verify_chain(connection, chunk=7)
        cut = verify_chain(connection, last_id=ids[9], chunk=3)
    assert whole == chunked
    assert whole.intact and whole.entries == len(ids) and whole.head_hash == head
    assert cut.intact and cut.entries == 10


def test_an_empty_log_is_intact(register: Register) -> None:
    with register.engine.begin() as connection:
        connection.execute(delete(ChangeLogEntry))
        report = verify_chain(connection)
    assert report.intact and report.entries == 0 and report.head_hash is None
