"""`isms import soa` end to end: a 2013 SoA carried over to 2022 on a real register file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from isms.cli import main
from isms.db import commit, open_register
from tests import builders as b
from tests.unit.test_soa_import import soa_2013


@pytest.fixture
def db(register_path: Path) -> str:
    register = open_register(str(register_path))
    with register.session() as s:
        b.department(s, code="ENV", name="Environment and Highways")
        commit(s)
    register.close()
    return str(register_path)


def counts(db: str) -> tuple[int, int]:
    with sqlite3.connect(db) as conn:
        entries = conn.execute("SELECT count(*) FROM soa_entry").fetchone()[0]
        logged = conn.execute("SELECT count(*) FROM change_log").fetchone()[0]
    return entries, logged


def test_dry_run_prints_the_plan_and_writes_nothing(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = soa_2013(tmp_path / "env-soa.xlsx")
    before = counts(db)
    code = main(["import", "soa", str(tmp_path / "env-soa.xlsx"), "--department", "ENV",
                 "--db", db, "--dry-run"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "a 2013 SoA" in out
    assert f"row {rows['A.10.1.1']}: 2010-01-01 read as A.10.1.1" in out
    assert "5.1 Policies for information security <- A.5.1.1 (row" in out
    assert "5.7 Threat intelligence: new in 2022" in out
    assert f"row {rows['A.19.1.1']}: 'A.19.1.1' is not a 2013 Annex A control" in out
    assert "13 need a decision (11 new in 2022)" in out
    assert "Dry run: nothing was written." in out
    assert counts(db) == before


def test_import_writes_the_settled_entries(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    soa_2013(tmp_path / "env-soa.xlsx")
    code = main(["import", "soa", str(tmp_path / "env-soa.xlsx"), "--department", "ENV",
                 "--db", db, "--json"])  # fmt: skip
    result = json.loads(capsys.readouterr().out)
    assert code == 0
    assert result["edition"] == "2013"
    assert result["written"] == {"created": 80, "updated": 0}
    assert result["counts"]["new_in_2022"] == 11
    five_nine = next(c for c in result["controls"] if c["ref"] == "5.9")
    assert [s["ref"] for s in five_nine["sources"]] == ["A.8.1.1", "A.8.1.2"]
    assert five_nine["status"] == "needs decision"
    entries, _ = counts(db)
    assert entries == 80
    with sqlite3.connect(db) as conn:
        logged = conn.execute(
            "SELECT count(*) FROM change_log WHERE table_name = 'soa_entry'"
        ).fetchone()[0]
    assert logged == 80


def test_a_file_without_references_is_refused_with_one_line(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("Topic,Applicable\nBackups,Yes\nPasswords,No\n", encoding="utf-8")
    before = counts(db)
    code = main(["import", "soa", str(path), "--department", "ENV", "--db", db])
    err = capsys.readouterr().err
    assert code == 1
    assert "notes.csv" in err and "no column of control references" in err
    assert len(err.strip().splitlines()) == 1
    assert counts(db) == before


def test_a_wrong_edition_is_reported_row_by_row(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    soa_2013(tmp_path / "env-soa.xlsx")
    code = main(["import", "soa", str(tmp_path / "env-soa.xlsx"), "--department", "ENV",
                 "--db", db, "--edition", "2022", "--dry-run", "--json"])  # fmt: skip
    result = json.loads(capsys.readouterr().out)
    assert code == 0
    reasons = [u["reason"] for u in result["unmatched"]]
    assert "'A.5.1.1' is a 2013 reference in a 2022 SoA" in reasons[0]
