"""The `isms` command end to end on temporary register files."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from isms import catalogue
from isms.cli import main


def isms(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real console entry point in a child process, as a user or script would."""
    return subprocess.run(
        [sys.executable, "-m", "isms", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    """``isms ARGS --json`` in this process, which must succeed silently: its JSON."""
    code, out, err = run(capsys, *args, "--json")
    assert (code, err) == (0, ""), err
    return json.loads(out)


def test_init_then_controls_list_gives_the_93_controls_in_natural_order(tmp_path: Path) -> None:
    db = str(tmp_path / "r.db")
    created = isms("init", "--db", db)
    assert created.returncode == 0, created.stderr
    assert "93 Annex A 2022 controls" in created.stdout

    listed = isms("controls", "list", "--db", db, "--json")
    assert listed.returncode == 0, listed.stderr
    controls = json.loads(listed.stdout)
    expected = sorted(catalogue.annex_a_2022(), key=lambda c: catalogue.natural_key(c.ref))
    assert [(c["ref"], c["title"]) for c in controls] == [(c.ref, c.title) for c in expected]
    refs = [c["ref"] for c in controls]
    assert refs[0] == "5.1" and refs[-1] == "8.34" and len(refs) == 93
    assert refs.index("8.3") < refs.index("8.12")


def test_2013_catalogue_and_correspondence(
    capsys: pytest.CaptureFixture[str], register_path: Path
) -> None:
    code, out, _ = run(
        capsys, "controls", "list", "--edition", "2013", "--db", str(register_path), "--json"
    )
    assert code == 0 and len(json.loads(out)) == 114
    code, out, _ = run(capsys, "controls", "show", "A.18.2.3", "--db", str(register_path), "--json")
    assert code == 0
    assert json.loads(out)["corresponds_to"] == ["5.36 (2022)", "8.8 (2022)"]


def test_init_refuses_an_existing_register(
    capsys: pytest.CaptureFixture[str], register_path: Path
) -> None:
    code, _, err = run(capsys, "init", "--db", str(register_path))
    assert code == 1
    assert err == f"isms: error: {register_path} already holds a register.\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["assets", "list"], "No register at"),
        (["risks", "show", "R-0001"], "No register at"),
        (["controls", "list"], "No register at"),
    ],
)
def test_missing_register_is_one_clear_line(tmp_path: Path, args: list[str], message: str) -> None:
    result = isms(*args, "--db", str(tmp_path / "missing.isms"))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "missing.isms").exists()


def test_unknown_record_and_bad_usage(
    capsys: pytest.CaptureFixture[str], register_path: Path
) -> None:
    code, _, err = run(capsys, "risks", "show", "R-9999", "--db", str(register_path))
    assert (code, err) == (1, "isms: error: No risk 'R-9999' in this register.\n")
    code, _, err = run(capsys, "assets", "list", "--department", "NOPE", "--db", str(register_path))
    assert (code, err) == (1, "isms: error: No department 'NOPE' in this register.\n")
    with pytest.raises(SystemExit) as usage:
        main(["assets", "list", "--sort", "colour"])
    assert usage.value.code == 2


def test_a_file_that_is_not_a_register(tmp_path: Path) -> None:
    junk = tmp_path / "junk.isms"
    junk.write_text("not a database at all " * 200)
    result = isms("assets", "list", "--db", str(junk))
    assert result.returncode == 1
    assert "cannot be opened as a register" in result.stderr
    assert "Traceback" not in result.stderr


def test_database_url_from_the_environment(tmp_path: Path) -> None:
    db = tmp_path / "env.isms"
    assert isms("init", env={"ISMS_DATABASE_URL": f"sqlite:///{db}"}).returncode == 0
    listed = isms("controls", "list", "--json", env={"ISMS_DATABASE_URL": f"sqlite:///{db}"})
    assert listed.returncode == 0 and len(json.loads(listed.stdout)) == 93


def test_default_register_lives_in_the_user_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "userdata"
    result = isms("init", env={"ISMS_DATA_DIR": str(data)})
    assert result.returncode == 0, result.stderr
    assert (data / "register.isms").exists()


def test_db_check_backup_and_upgrade(
    capsys: pytest.CaptureFixture[str], register_path: Path, tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "db", "check", "--db", str(register_path), "--json")
    report = json.loads(out)
    assert code == 0 and report["problems"] == [] and report["schema"] == report["current_schema"]

    backup = tmp_path / "copy.isms"
    code, out, _ = run(capsys, "db", "backup", "--db", str(register_path), "--out", str(backup))
    assert code == 0 and backup.exists()
    with sqlite3.connect(backup) as db:
        assert db.execute("SELECT count(*) FROM control").fetchone()[0] == 93 + 114
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    code, out, _ = run(capsys, "db", "upgrade", "--db", str(register_path))
    assert code == 0 and "already at the current schema" in out


def test_db_check_reports_a_broken_foreign_key(
    capsys: pytest.CaptureFixture[str], register_path: Path
) -> None:
    with sqlite3.connect(register_path) as db:
        db.execute("PRAGMA foreign_keys = OFF")
        db.execute(
            "INSERT INTO person (name, job_title, department_id, active, version, "
            "created_at, updated_at) VALUES ('Ghost', '', 4242, 1, 1, '2026-01-01', '2026-01-01')"
        )
    code, out, _ = run(capsys, "db", "check", "--db", str(register_path))
    assert code == 1
    assert "foreign key: table person" in out


def test_demo_register_end_to_end(tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    built = isms("demo", "--db", str(db), "--assets", "600")
    assert built.returncode == 0, built.stderr
    assert "600 assets" in built.stdout

    assets = json.loads(isms("assets", "list", "--db", str(db), "--json").stdout)
    risks = json.loads(isms("risks", "list", "--db", str(db), "--json").stdout)
    assert assets and risks
    with sqlite3.connect(db) as conn:
        live = conn.execute("SELECT count(*) FROM asset WHERE status != 'retired'").fetchone()[0]
        assert len(assets) == live
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    first = risks[0]["ref"]
    shown = json.loads(isms("risks", "show", first, "--db", str(db), "--json").stdout)
    assert shown["ref"] == first and shown["inherent"]["level"] is not None
    asset = json.loads(isms("assets", "show", assets[0]["ref"], "--db", str(db), "--json").stdout)
    assert asset["ref"] == assets[0]["ref"]


def test_demo_refuses_to_overwrite_and_defaults_to_its_own_file(tmp_path: Path) -> None:
    data = tmp_path / "userdata"
    env = {"ISMS_DATA_DIR": str(data)}
    assert isms("demo", "--assets", "50", env=env).returncode == 0
    assert (data / "demo.isms").exists() and not (data / "register.isms").exists()
    again = isms("demo", env=env)
    assert again.returncode == 1 and "already exists" in again.stderr


def test_departments_and_people_from_the_command_line(
    capsys: pytest.CaptureFixture[str], register_path: Path
) -> None:
    db = str(register_path)
    assert run(capsys, "departments", "add", "CC", "County Council", "--db", db)[0] == 0
    assert (
        run(capsys, "departments", "add", "ENV", "Environment", "--parent", "CC", "--db", db)[0]
        == 0
    )
    code, _, err = run(capsys, "departments", "add", "env", "Again", "--db", db)
    assert code == 1 and "already has the code" in err
    code, out, err = run(
        capsys,
        "people",
        "add",
        "Rajesh Sharma",
        "--email",
        "r@example.gov.uk",
        "--department",
        "ENV",
        "--role",
        "risk owner",
        "--db",
        db,
    )
    assert code == 0, err
    code, _, err = run(capsys, "people", "add", "Someone", "--email", "not-an-address", "--db", db)
    assert code == 1 and "not an e-mail address" in err
    departments = json.loads(run(capsys, "departments", "list", "--db", db, "--json")[1])
    assert [(d["code"], d["parent"]) for d in departments] == [("CC", None), ("ENV", "CC")]
    people = json.loads(run(capsys, "people", "list", "--db", db, "--json")[1])
    assert people == [
        {
            "name": "Rajesh Sharma",
            "email": "r@example.gov.uk",
            "department": "ENV",
            "roles": ["risk owner"],
            "active": True,
        }
    ]
