"""`isms audit verify --against FILE`: a document the register exported records the change
log's head, and the register is checked against it after the log was shortened, removed, or
rewritten with its whole hash chain recomputed (which the chain alone cannot see)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any, cast

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import Table, select, text, update

from isms.db import Register
from isms.db.changelog import entry_digest
from isms.demo import build_demo
from isms.model.audit import ChangeLogEntry
from tests.integration.test_cli import run

pytestmark = pytest.mark.both_backends

AS_OF = "2026-11-30"


@pytest.fixture
def demo(register: Register) -> Register:
    build_demo(register, assets=40)
    return register


def export(capsys: pytest.CaptureFixture[str], db: str, kind: str, out: Path) -> Path:
    code, _, err = run(capsys, "export", kind, "--db", db, "--out", str(out), "--as-of", AS_OF)
    assert code == 0, err
    return out


def keywords(pdf: Path) -> str:
    info = PdfReader(pdf).metadata
    assert info is not None
    return str(info["/Keywords"])


def head_entries(register: Register) -> list[Any]:
    with register.session() as session:
        return list(session.execute(select(ChangeLogEntry.__table__).order_by(
            ChangeLogEntry.id)).mappings())


def verify(capsys: pytest.CaptureFixture[str], db: str,
           against: Path) -> tuple[int, dict[str, Any]]:
    code, out, err = run(capsys, "audit", "verify", "--db", db, "--against", str(against),
                         "--json")
    assert not err
    return code, json.loads(out)


def sql(register: Register, statement: str, **params: Any) -> None:
    """A change made behind the app's back: plain SQL on the database, no isms session."""
    with register.engine.begin() as connection:
        connection.execute(text(statement), params)


def test_documents_record_the_head_in_their_control_block_and_metadata(
    demo: Register, register_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entries = head_entries(demo)
    expected = (f"{len(entries)} entries up to entry {entries[-1]['id']}, head hash "
                f"{entries[-1]['entry_hash']}")
    pdf = export(capsys, register_db, "risks", tmp_path / "risks.pdf")
    assert keywords(pdf) == expected
    method = export(capsys, register_db, "method", tmp_path / "method.pdf")
    assert keywords(method) == expected
    xlsx = export(capsys, register_db, "soa", tmp_path / "soa.xlsx")
    control = {row[0]: row[1] for row in load_workbook(xlsx)["Document control"].iter_rows(
        max_col=2, values_only=True) if row}
    assert control["Change log head"] == expected
    pack = export(capsys, register_db, "pack", tmp_path / "pack.zip")
    with zipfile.ZipFile(pack) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        minutes = [n for n in archive.namelist() if n.startswith("minutes/")]
        archive.extract("soa-versions.pdf", tmp_path)
        if minutes:
            archive.extract(minutes[0], tmp_path)
    assert manifest["meta"]["change_log_head"] == {
        "entries": len(entries), "last_id": entries[-1]["id"],
        "head_hash": entries[-1]["entry_hash"]}
    assert keywords(tmp_path / "soa-versions.pdf") == expected
    if minutes:
        assert keywords(tmp_path / minutes[0]) == expected
    for document in (pdf, method, xlsx, pack, tmp_path / "soa-versions.pdf"):
        code, result = verify(capsys, register_db, document)
        assert code == 0, result
        assert result["against"]["holds"] is True and result["against"]["problems"] == []


def test_a_log_shortened_after_the_export_is_named(
    demo: Register, register_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = export(capsys, register_db, "risks", tmp_path / "risks.pdf")
    entries = head_entries(demo)
    sql(demo, "DELETE FROM change_log WHERE id >= :cut", cut=entries[-3]["id"])
    code, result = verify(capsys, register_db, pdf)
    assert code == 1
    [problem] = result["against"]["problems"]
    assert problem.startswith(f"log shortened: the register's log ends at entry "
                              f"{entries[-4]['id']} ({len(entries) - 3} entries)")
    # What it looks like on the terminal.
    code, out, _ = run(capsys, "audit", "verify", "--db", register_db, "--against", str(pdf))
    assert code == 1 and "does NOT contain the change log it recorded" in out
    assert "  - log shortened" in out


def test_a_log_removed_after_the_export_is_named(
    demo: Register, register_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = export(capsys, register_db, "pack", tmp_path / "pack.zip")
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(pack) as archive:
        archive.extractall(folder)
    sql(demo, "DELETE FROM change_log")
    for document in (pack, folder, folder / "manifest.json"):
        code, result = verify(capsys, register_db, document)
        assert code == 1
        assert result["against"]["problems"][0].startswith(
            "log removed: the register's change log is empty")


def _rewrite_and_rechain(register: Register, victim: int) -> None:
    """What a careful attacker does: change an entry, then recompute every hash after it."""
    table = cast(Table, ChangeLogEntry.__table__)
    with register.engine.begin() as connection:
        rows = [dict(r) for r in connection.execute(select(table).order_by(table.c.id))
                .mappings()]
        prev: str | None = None
        for row in rows:
            if row["id"] == victim:
                row["actor"] = "someone else"
            row["prev_hash"] = prev
            row["entry_hash"] = prev = entry_digest(prev, row)
            connection.execute(update(table).where(table.c.id == row["id"]).values(
                actor=row["actor"], prev_hash=row["prev_hash"], entry_hash=row["entry_hash"]))


def test_a_log_rewritten_and_rechained_verifies_alone_but_not_against_a_document(
    demo: Register, register_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    xlsx = export(capsys, register_db, "assets", tmp_path / "assets.xlsx")
    pdf = export(capsys, register_db, "soa", tmp_path / "soa.pdf")
    pack = export(capsys, register_db, "pack", tmp_path / "pack.zip")
    entries = head_entries(demo)
    _rewrite_and_rechain(demo, entries[0]["id"])
    for document in (xlsx, pdf, pack):
        code, result = verify(capsys, register_db, document)
        assert result["intact"] is True  # the chain alone is consistent again
        assert code == 1
        [problem] = result["against"]["problems"]
        assert problem.startswith(f"entry {entries[-1]['id']} has another hash than the "
                                  "document recorded")
        assert problem.endswith("the log was rewritten and its hash chain recomputed")


def test_a_file_that_records_no_head_is_a_clear_error(
    register_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stray = tmp_path / "notes.json"
    stray.write_text('{"meta": {}}')
    code, out, err = run(capsys, "audit", "verify", "--db", register_db, "--against",
                         str(stray))
    assert code == 1 and not out
    assert err.startswith("isms: error: ") and "records no change log head" in err


def test_a_log_that_grew_since_the_export_still_holds_its_head(
    demo: Register, register_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = export(capsys, register_db, "treatment", tmp_path / "treatment.pdf")
    code, _, err = run(capsys, "departments", "add", "--db", register_db, "NEW", "New team")
    assert code == 0, err
    code, result = verify(capsys, register_db, pdf)
    assert code == 0, result
    recorded, current = result["against"]["recorded"], result["against"]["current"]
    assert current["entries"] > recorded["entries"] and current["last_id"] > recorded["last_id"]
