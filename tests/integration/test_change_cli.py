"""`isms changes` and `isms revert` on a register file: listing, taking back, making again, and
the errors a script sees (exit 1 for a refusal, 2 for a bad option)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from isms.db import commit, open_register
from isms.services import edits
from tests import builders
from tests.integration.test_cli import run


def _saved_edit(path: Path) -> int:
    """A person renamed through the editors' service, as the window saves it."""
    register = open_register(str(path))
    try:
        with register.session(actor="tests") as s:
            person = builders.person(s, name="Ann Ayre")
            commit(s)
            person_id, version = person.id, person.version
        with register.transaction(actor="rita") as s:
            saved = edits.save(s, "person", person_id, version, {"name": "Ann Eyre"})
        assert saved.change_id is not None
        return saved.change_id
    finally:
        register.close()


def test_changes_lists_then_revert_and_redo(
    capsys: pytest.CaptureFixture[str], register_path: Path
) -> None:
    change_id = _saved_edit(register_path)
    db = str(register_path)
    code, out, _ = run(capsys, "changes", "--db", db)
    assert code == 0
    header, _rule, row = out.splitlines()[:3]
    assert header.split() == ["Id", "When", "(UTC)", "Who", "What", "State"]
    assert row.split()[0] == str(change_id) and "rita" in row
    assert row.rstrip().endswith("Edit person Ann Eyre  done")

    code, out, _ = run(capsys, "revert", str(change_id), "--db", db)
    assert (code, out.strip()) == (0, "Undid: Edit person Ann Eyre.")
    code, out, _ = run(capsys, "revert", str(change_id), "--redo", "--db", db)
    assert (code, out.strip()) == (0, "Redid: Edit person Ann Eyre.")
    code, out, _ = run(capsys, "changes", "--db", db, "--json")
    listed = json.loads(out)
    assert [(c["id"], c["state"], c["count"]) for c in listed] == [(change_id, "done", 1)]


def test_revert_names_what_is_wrong(
    capsys: pytest.CaptureFixture[str], register_path: Path
) -> None:
    db = str(register_path)
    code, _, err = run(capsys, "revert", "41", "--db", db)
    assert code == 1 and "no recorded change 41" in err
    with pytest.raises(SystemExit) as usage:
        run(capsys, "changes", "--limit", "0", "--db", db)
    assert usage.value.code == 2
    assert "'0' is not a whole number above 0" in capsys.readouterr().err
