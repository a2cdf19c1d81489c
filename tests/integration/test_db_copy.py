"""`isms db copy`: a whole register copied to a new file, verified table by table."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Connection

from isms.cli import main
from isms.db import Register
from isms.db import copy as db_copy
from isms.db.copy import canonical, copy_register, table_checksums
from isms.demo import build_demo
from isms.errors import StorageError


@pytest.fixture
def demo_path(register: Register, register_path: Path) -> Path:
    build_demo(register, assets=300)
    register.close()
    return register_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_demo_register_copies_with_equal_checksums_chain_and_search(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dest = tmp_path / "copy" / "council.isms"
    code, out, err = run(capsys, "db", "copy", str(demo_path), str(dest), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert all(t["matches"] for t in report["tables"])
    assert report["change_log"]["intact"] is True

    source, copied = table_checksums(demo_path), table_checksums(str(dest))
    assert source == copied
    assert source["asset"][0] == 300 and source["change_log"][0] > 0
    assert {t["table"]: (t["dest_rows"], t["dest_checksum"]) for t in report["tables"]} == copied

    # The change log came across verbatim: same chain, same head.
    code, head, _ = run(capsys, "audit", "verify", "--db", str(demo_path))
    assert code == 0
    assert run(capsys, "audit", "verify", "--db", str(dest)) == (0, head, "")

    # The full-text index was rebuilt on the copy: the same searches find the same rows.
    for term in ("case", "payroll", "Amanda"):
        listing = ["assets", "list", "--search", term, "--json"]
        code, found, _ = run(capsys, *listing, "--db", str(demo_path))
        assert code == 0 and json.loads(found)
        assert run(capsys, *listing, "--db", str(dest)) == (0, found, "")


def test_the_text_output_lists_every_table(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "db", "copy", str(demo_path), str(tmp_path / "c.isms"))
    assert code == 0
    assert "every table's row count and checksum match" in out
    assert "Change log intact on the copy" in out
    for table in ("asset", "change_log", "department", "soa_entry"):
        assert any(line.split()[:1] == [table] for line in out.splitlines())


def test_copying_onto_a_register_holding_data_is_refused_and_leaves_it_untouched(
    demo_path: Path, register_template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "existing.isms"
    target.write_bytes(register_template.read_bytes())
    before = file_digest(target)
    code, out, err = run(capsys, "db", "copy", str(demo_path), str(target))
    assert code == 1 and not out
    assert str(target) in err and "already holds data" in err
    assert file_digest(target) == before
    assert not Path(f"{target}-wal").exists() or Path(f"{target}-wal").stat().st_size == 0


def test_a_copy_that_does_not_verify_is_rolled_back_and_its_file_removed(
    demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    finish = db_copy._finish_sqlite

    def lose_a_row(dest: Connection) -> None:
        dest.exec_driver_sql("DELETE FROM threat WHERE id = (SELECT MAX(id) FROM threat)")
        finish(dest)

    monkeypatch.setattr(db_copy, "_finish_sqlite", lose_a_row)
    dest = tmp_path / "broken.isms"
    with pytest.raises(StorageError, match="threat: 22 rows .* 21 rows"):
        copy_register(demo_path, dest)
    assert not dest.exists()
    assert not Path(f"{dest}-wal").exists()


def test_copying_a_register_onto_itself_or_from_nowhere_is_refused(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "db", "copy", str(demo_path), str(demo_path))
    assert code == 2 and "same register" in err
    missing, dest = tmp_path / "missing.isms", tmp_path / "new.isms"
    code, _, err = run(capsys, "db", "copy", str(missing), str(dest))
    assert code == 1 and str(missing) in err
    assert not dest.exists()


def test_values_are_spelled_the_same_whatever_the_driver_returned() -> None:
    aware = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
    assert canonical(aware.replace(tzinfo=None)) == canonical(aware) == "2026-03-01T12:30:00+00:00"
    assert canonical(Decimal("2.50")) == canonical(2.5) == "2.5"
    assert canonical({"b": [True, None], "a": b"\x01"}) == {"b": [True, None], "a": "01"}
