"""What an attack pass on the command line found (issue 16, points 1 and 8), each case on a file
register and on a PostgreSQL one: register text printed and exported as data, numbers too large
for the register, implausible review dates."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from isms.db import Register, commit
from isms.io.readers import open_source
from tests import builders as b
from tests.integration.test_cli import run

pytestmark = pytest.mark.both_backends

Capsys = pytest.CaptureFixture[str]

#: A name an importer accepts: colour and window-title escapes, a bell, a carriage return that
#: would rewrite the line, a C1 CSI and a right-to-left override.
HOSTILE = "Evil\x1b[31mRED\x1b]0;pwned\x07\rX\x9b2J\u202eok"
FORMULA = '=HYPERLINK("http://attacker.example","Click")'


@pytest.fixture
def hostile(register: Register) -> Register:
    with register.session() as s:
        dept = b.department(s, code="HSG", name="Housing")
        b.asset(s, dept, ref="HSG-0001", name=HOSTILE)
        b.asset(s, dept, ref="HSG-0002", name=FORMULA)
        b.asset(s, dept, ref="HSG-0003", name="Literal _x0041_ and tab\there")
        commit(s)
    return register


def usage_error(capsys: Capsys, *args: str) -> str:
    """The one-line usage error (exit 2) the command gives, without the usage text."""
    with pytest.raises(SystemExit) as usage:
        run(capsys, *args)
    assert usage.value.code == 2
    return capsys.readouterr().err.splitlines()[-1]


def _no_controls(text: str) -> None:
    for char in ("\x1b", "\x07", "\r", "\x9b", "\u202e"):
        assert char not in text, f"{char!r} written raw"


# --- 1: printed as data -----------------------------------------------------------------------


def test_a_table_shows_control_characters_as_escapes(
    capsys: Capsys, register_db: str, hostile: Register
) -> None:
    code, out, err = run(capsys, "assets", "list", "--db", register_db)
    assert code == 0, err
    _no_controls(out)
    assert "Evil\\x1b[31mRED\\x1b]0;pwned\\x07\\x0dX\\x9b2J\\u202eok" in out
    assert "tab\\x09here" in out  # a tab in a cell would break the columns


def test_one_line_messages_and_errors_show_control_characters_as_escapes(
    capsys: Capsys, register_db: str, hostile: Register
) -> None:
    code, out, err = run(capsys, "assets", "add", "--db", register_db, "--department", "HSG",
                         "A\x1b[2Jb\x07")
    assert code == 0, err
    _no_controls(out)
    assert ": A\\x1b[2Jb\\x07 (Housing" in out
    code, out, err = run(capsys, "assets", "show", "--db", register_db, "HSG-0001")
    assert code == 0, err
    _no_controls(out)
    code, _, err = run(capsys, "assets", "list", "--db", register_db, "--department", HOSTILE)
    assert code == 1
    _no_controls(err)
    assert "Evil\\x1b[31m" in err and err.count("\n") == 1


def test_json_keeps_the_exact_text_with_every_control_character_escaped(
    capsys: Capsys, register_db: str, hostile: Register
) -> None:
    code, out, err = run(capsys, "assets", "list", "--db", register_db, "--json")
    assert code == 0, err
    _no_controls(out)
    names = {a["ref"]: a["name"] for a in json.loads(out)}
    assert names["HSG-0001"] == HOSTILE and names["HSG-0002"] == FORMULA


def test_export_for_import_keeps_hostile_names_exactly_and_no_formula_alive(
    capsys: Capsys, register_db: str, hostile: Register, tmp_path: Path
) -> None:
    out_file = tmp_path / "assets.xlsx"
    code, out, err = run(capsys, "export", "assets", "--db", register_db, "--for-import",
                         "--out", str(out_file))
    assert code == 0, err
    source = open_source(out_file)
    try:
        names = {row[0]: row[1] for _, row in list(source.rows())[1:]}
    finally:
        source.close()
    # Read back by the importer's reader exactly as the register holds them.
    assert names["HSG-0001"] == HOSTILE
    assert names["HSG-0002"] == FORMULA
    assert names["HSG-0003"] == "Literal _x0041_ and tab\there"
    sheet = openpyxl.load_workbook(out_file).worksheets[0]
    formula_cells = [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formula_cells == []
    assert any(c.value == FORMULA and c.data_type == "s" for row in sheet.iter_rows()
               for c in row)


def test_the_inventory_report_is_written_with_hostile_names(
    capsys: Capsys, register_db: str, hostile: Register, tmp_path: Path
) -> None:
    for name in ("inventory.xlsx", "inventory.pdf"):
        code, _, err = run(capsys, "export", "assets", "--db", register_db,
                           "--out", str(tmp_path / name))
        assert code == 0, err
    book = openpyxl.load_workbook(tmp_path / "inventory.xlsx")
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    assert any(c.value == FORMULA for c in cells)


# --- 8: numbers beyond the register ---------------------------------------------------------


@pytest.mark.parametrize(("args", "option"), [
    (("assets", "list", "--limit", "99999999999999999999999"), "--limit"),
    (("soa", "changes", "--council", "--from", "99999999999999999999"), "--from"),
    (("import", "undo", "99999999999999999999"), "batch"),
    (("revert", "99999999999999999999"), "CHANGE"),
    (("actions", "show", "99999999999999999999"), "N"),
    (("evidence", "add", "--link", "https://x.example", "--valid-days",
      "99999999999999999999", "t"), "--valid-days"),
])
def test_a_number_too_large_for_the_register_is_a_usage_error_naming_it(
    capsys: Capsys, register_db: str, args: tuple[str, ...], option: str
) -> None:
    err = usage_error(capsys, *args, "--db", register_db)
    assert err.startswith(f"isms: error: argument {option}: ") and "out of range" in err


# --- 8: review dates --------------------------------------------------------------------------


def test_a_review_date_in_1900_or_decades_ahead_is_refused_naming_the_option(
    capsys: Capsys, register_db: str, hostile: Register
) -> None:
    for day, words in (("1900-01-01", "before 2000"), ("2206-01-01", "more than 10 years")):
        err = usage_error(capsys, "assets", "update", "--db", register_db, "HSG-0002",
                          "--next-review", day)
        assert "argument --next-review:" in err and words in err, err
    code, out, err = run(capsys, "assets", "update", "--db", register_db, "HSG-0002",
                         "--next-review", "2027-03-01", "--json")
    assert code == 0, err
    code, out, err = run(capsys, "assets", "show", "--db", register_db, "HSG-0002", "--json")
    assert json.loads(out)["next_review"] == "2027-03-01"


# --- 8: damaged, empty and foreign database files ------------------------------------------------


def _damage(path: Path) -> None:
    """Overwrite the b-tree header of the control table's root page, as a disk fault would."""
    with sqlite3.connect(path) as connection:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        root = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'control'").fetchone()[0]
    connection.close()
    with path.open("r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(b"\x0d" + b"\xff" * 40)


def _fingerprint(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


@pytest.mark.sqlite_only(reason="a damaged file is a file register's failure")
def test_a_damaged_register_is_checked_and_opened_read_only_with_one_message(
    capsys: Capsys, register_path: Path
) -> None:
    _damage(register_path)
    before = _fingerprint(register_path)
    code, out, err = run(capsys, "db", "check", "--db", str(register_path))
    assert code == 1 and "internal error" not in err
    assert out.count("\n") == 1 and f"{register_path} is damaged" in out
    assert "Restore it from a backup" in out
    code, out, err = run(capsys, "db", "check", "--db", str(register_path), "--json")
    problems = json.loads(out)["problems"]
    assert len(problems) == 1 and "is damaged" in problems[0]
    # A write is refused with the same message, and the file is unchanged.
    code, out, err = run(capsys, "departments", "add", "FIN", "Finance", "--db", str(register_path))
    assert code == 1 and err.startswith(f"isms: error: {register_path} is damaged")
    assert err.count("\n") == 1
    # A read of a damaged page says the same; a read of sound pages still works.
    code, out, err = run(capsys, "controls", "list", "--db", str(register_path))
    assert code == 1 and "is damaged" in err and "internal error" not in err
    code, out, err = run(capsys, "departments", "list", "--db", str(register_path))
    assert code == 0, err
    assert _fingerprint(register_path) == before


@pytest.mark.sqlite_only(reason="the window's opening of a damaged file")
def test_the_window_opens_a_damaged_register_saying_so(
    capsys: Capsys, register_path: Path
) -> None:
    from ui.errors import ErrorReporter
    from ui.opening import startup_register

    _damage(register_path)
    register = startup_register(str(register_path), False, ErrorReporter(dialogs=False))
    assert register is not None
    try:
        assert register.damaged is not None
        err = capsys.readouterr().err
        assert err == f"isms-gui: {register.damaged}\n"
    finally:
        register.close()


@pytest.mark.sqlite_only(reason="files that are not registers")
def test_checking_an_empty_file_or_another_applications_database_never_changes_it(
    capsys: Capsys, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.isms"
    empty.touch()
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
        connection.execute("INSERT INTO notes VALUES ('hello')")
    connection.close()
    for path, says in ((empty, "is empty"), (other, "not an isms register")):
        before = _fingerprint(path)
        for args in (("db", "check"), ("assets", "list"), ("db", "check", "--json")):
            code, out, err = run(capsys, *args, "--db", str(path))
            assert code == 1 and says in err and err.count("\n") == 1, err
        assert _fingerprint(path) == before
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(path.name)) == [
            path.name]  # no -wal or -shm left beside it


# --- 8: where exports write -------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ("export", "assets"), ("export", "pack"), ("export", "assets", "--for-import"),
    ("export", "soa", "--format", "pdf"),
])
def test_out_into_a_folder_that_does_not_exist_is_refused_and_never_created(
    capsys: Capsys, register_db: str, tmp_path: Path, args: tuple[str, ...]
) -> None:
    missing = tmp_path / "no" / "such"
    suffix = ".zip" if "pack" in args else ".xlsx"
    code, out, err = run(capsys, *args, "--db", register_db, "--out", str(missing / f"x{suffix}"))
    assert code == 1 and err == (
        f"isms: error: Cannot write {missing / f'x{suffix}'}: the folder {missing} does not "
        "exist (create it first, or choose another folder).\n")
    assert not (tmp_path / "no").exists()


@pytest.mark.sqlite_only(reason="backups are of register files")
def test_a_backup_into_a_folder_that_does_not_exist_is_refused(
    capsys: Capsys, register_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "no" / "backup.isms"
    code, _, err = run(capsys, "db", "backup", "--db", str(register_path), "--out", str(target))
    assert code == 1 and f"the folder {target.parent} does not exist" in err
    assert not target.parent.exists()


def test_a_pack_export_told_to_stop_leaves_no_folder_of_extracts_behind(
    register_db: str, register: Register, tmp_path: Path
) -> None:
    with register.session() as s:  # enough records that the pack takes a moment to write
        dept = b.department(s, code="HSG", name="Housing")
        for n in range(1, 1501):
            b.asset(s, dept, ref=f"HSG-{n:04d}", name=f"Asset {n}")
        commit(s)
    out = tmp_path / "out"
    out.mkdir()
    system_temp = tmp_path / "tmp"
    system_temp.mkdir()
    child = subprocess.Popen(
        [sys.executable, "-m", "isms", "export", "pack", "--db", register_db,
         "--out", str(out / "pack.zip")],
        env={**os.environ, "TMPDIR": str(system_temp)},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 120
    while not list(out.glob(".isms-pack-*/*")) and child.poll() is None:
        assert time.monotonic() < deadline, "the pack never started staging its documents"
        time.sleep(0.005)
    assert child.poll() is None, "the pack finished before it could be stopped"
    child.send_signal(signal.SIGTERM)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 128 + signal.SIGTERM, err
    assert list(out.iterdir()) == [] and list(system_temp.iterdir()) == []


def test_the_services_refuse_implausible_review_dates_for_the_window_too(
    capsys: Capsys, register_db: str, hostile: Register
) -> None:
    from datetime import date

    from sqlalchemy import select

    from isms.errors import ValidationError
    from isms.model import Asset
    from isms.services.assets import update_asset

    with hostile.session() as s:
        asset = s.execute(select(Asset).where(Asset.ref == "HSG-0002")).scalar_one()
        with pytest.raises(ValidationError) as refused:
            update_asset(s, asset, next_review=date(1900, 1, 1))
        assert refused.value.field == "next_review"
        assert "The next review (1900-01-01) is before 2000" in str(refused.value)
    # Evidence valid for longer than ten years (or than a date can hold) is refused, not stored.
    code, _, err = run(capsys, "evidence", "add", "--db", register_db, "--link",
                       "https://x.example", "--department", "HSG", "--valid-days", "99999999",
                       "Policy")
    assert code == 1 and "Valid for 99,999,999 days from" in err and "10 years ahead" in err


def test_a_risks_review_date_is_checked_by_the_service_the_window_calls(
    register: Register
) -> None:
    from datetime import date

    from isms.errors import ValidationError
    from isms.services.risks import override_review

    with register.session() as s:
        dept = b.department(s, code="HSG", name="Housing")
        risk = b.risk(s, dept)
        commit(s)
        with pytest.raises(ValidationError) as refused:
            override_review(s, risk, date(1900, 1, 1), "typed in a hurry", today=date(2026, 12, 7))
        assert refused.value.field == "review_date" and "before 2000" in str(refused.value)
        with pytest.raises(ValidationError, match="more than 10 years ahead"):
            override_review(s, risk, date(2037, 1, 1), "far off", today=date(2026, 12, 7))
        override_review(s, risk, date(2036, 12, 7), "ten years on", today=date(2026, 12, 7))
        assert risk.next_review == date(2036, 12, 7)


@pytest.mark.sqlite_only(reason="a damaged file is a file register's failure")
def test_a_large_register_is_checked_before_its_first_write_not_on_opening(
    capsys: Capsys, register_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checking every page costs seconds on a large file whose pages are not cached, so a
    register above the size checked on opening opens at once and is checked before it is first
    written: a damaged one then refuses the write with the same one message, unchanged."""
    from isms.db import soundness

    monkeypatch.setattr(soundness, "CHECKED_ON_OPENING", 0)  # every file counts as large
    _damage(register_path)
    before = _fingerprint(register_path)
    code, out, err = run(capsys, "departments", "list", "--db", str(register_path))
    assert code == 0, err  # opened without the check: sound pages read as usual
    code, out, err = run(capsys, "departments", "add", "FIN", "Finance", "--db", str(register_path))
    assert code == 1 and err.startswith(f"isms: error: {register_path} is damaged")
    assert "Restore it from a backup" in err and err.count("\n") == 1
    code, out, err = run(capsys, "controls", "list", "--db", str(register_path))
    assert code == 1 and "is damaged" in err and "internal error" not in err
    assert _fingerprint(register_path) == before
    # A sound large register is checked once and written as usual.
    sound = register_path.with_name("sound.isms")
    assert run(capsys, "init", "--db", str(sound))[0] == 0
    code, out, err = run(capsys, "departments", "add", "FIN", "Finance", "--db", str(sound))
    assert code == 0, err
