"""A risk edit saved in the window is taken back from the command line (`isms revert`), as
the window's own Edit → Undo would, and refused with nothing written when the risk changed
since; `isms changes` lists the window's save with who made it. On a SQLite file and on
PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from PySide6.QtCore import Qt

from isms.cli import main
from isms.db import Register
from isms.db.os_account import account_name
from isms.db.session import database_login
from isms.model import Risk
from isms.services.read import queries
from ui.dialogs.risk_editor import RiskEditor

from .conftest import Sample, shown

pytestmark = pytest.mark.both_backends


def stored(register: Register, ref: str) -> Risk:
    with register.session() as session:
        risk = queries.risk_by_ref(session, ref)
        session.expunge(risk)
        return risk


def edit_in_the_window(qtbot: Any, register: Register, ref: str, title: str) -> None:
    """Open the real risk editor, change the title and inherent impact, save with Ctrl+S."""
    editor = shown(qtbot, RiskEditor(register, stored(register, ref).id))
    editor.title_edit.setText(title)
    combo = editor.impact["inherent"]
    combo.setCurrentIndex(combo.findData(2))
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert editor.result() == RiskEditor.DialogCode.Accepted, editor.message.text()


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def the_windows_actor(register: Register, backend: str) -> str:
    """Who the window saves as: the OS user on a file, the database login on a server."""
    return account_name() if backend == "sqlite" else database_login(register.engine)


def test_isms_revert_takes_back_a_risk_edit_made_in_the_window(
    qtbot: Any, register: Register, register_db: str, backend: str, sample: Sample,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = stored(register, "R-001")
    edit_in_the_window(qtbot, register, "R-001", "Laptop stolen from a parked car")
    edited = stored(register, "R-001")
    assert (edited.title, edited.inherent_impact, edited.version) == (
        "Laptop stolen from a parked car", 2, before.version + 1)

    code, out, err = cli(capsys, "changes", "--db", register_db, "--json")
    assert code == 0, err
    listed = json.loads(out)
    assert listed[0]["text"] == "Edit risk R-001"
    assert listed[0]["actor"] == the_windows_actor(register, backend)
    assert (listed[0]["state"], listed[0]["records"]) == ("done", ["Risk R-001"])

    code, out, err = cli(capsys, "revert", str(listed[0]["id"]), "--db", register_db)
    assert code == 0, err
    assert out.strip() == "Undid: Edit risk R-001."
    back = stored(register, "R-001")
    assert (back.title, back.inherent_likelihood, back.inherent_impact) == (
        before.title, before.inherent_likelihood, before.inherent_impact)
    assert back.version == before.version + 2, "the undo is a save of its own"

    code, out, _ = cli(capsys, "changes", "--db", register_db)
    assert code == 0 and "undone" in out and "Edit risk R-001" in out
    # Taken back already: refused, and nothing more is written.
    code, _, err = cli(capsys, "revert", str(listed[0]["id"]), "--db", register_db)
    assert code == 1
    assert "has already been undone" in err and "R-001" in err
    assert stored(register, "R-001").version == back.version


def test_isms_revert_is_refused_when_the_risk_changed_since(
    qtbot: Any, register: Register, register_db: str, sample: Sample,
    capsys: pytest.CaptureFixture[str],
) -> None:
    edit_in_the_window(qtbot, register, "R-002", "Email sent to the wrong person")
    code, out, _ = cli(capsys, "changes", "--db", register_db, "--json", "--limit", "1")
    change_id = json.loads(out)[0]["id"]
    edit_in_the_window(qtbot, register, "R-002", "Email sent to the wrong address")
    now = stored(register, "R-002")

    code, _, err = cli(capsys, "revert", str(change_id), "--db", register_db)
    assert code == 1
    assert "Risk R-002 was changed by someone else" in err and "cannot be undone" in err
    after = stored(register, "R-002")
    assert (after.title, after.version) == ("Email sent to the wrong address", now.version)
    code, out, _ = cli(capsys, "changes", "--db", register_db, "--json")
    states = {c["id"]: c["state"] for c in json.loads(out)}
    assert states[change_id] == "done", "a refused revert leaves the change as it was"
