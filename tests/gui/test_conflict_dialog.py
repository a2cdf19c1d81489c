"""A stale save opens the conflict dialog: two sessions edit the same record, the dialog shows
the user's value and the saved one for the field that differs, "Reload theirs" puts the saved
values in the editor, and a save after the reload goes through."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from isms.db import Register
from isms.model import Asset
from isms.services.read import queries
from ui.dialogs.asset_editor import AssetEditor
from ui.dialogs.conflict import ConflictDialog, ConflictRow
from ui.dialogs.risk_editor import RiskEditor

from .conftest import Sample, shown
from .test_asset_editor import asset_id
from .test_asset_editor import stored as stored_asset
from .test_risk_editor import TODAY, choose, risk_id
from .test_risk_editor import stored as stored_risk


def opened_conflict(qtbot: Any, editor: AssetEditor | RiskEditor) -> ConflictDialog:
    dialog = editor.conflict
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def test_an_asset_conflict_shows_yours_and_theirs_and_reloads_theirs(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    editor = shown(qtbot, AssetEditor(register, asset_id(register, "A-003")))
    with register.transaction(actor="someone else") as session:  # the other session
        session.query(Asset).filter_by(ref="A-003").one().name = "Their name"
    editor.name_edit.setText("My name")
    assert not editor.save()

    dialog = opened_conflict(qtbot, editor)
    assert dialog.windowModality() == Qt.WindowModality.WindowModal
    assert dialog.row("Name") == ConflictRow("Name", "My name", "Their name")
    assert [row.field for row in dialog.differing()] == ["Name"]
    assert dialog.row("Reference") == ConflictRow("Reference", "A-003", "A-003")
    name_row = next(i for i, row in enumerate(dialog.rows) if row.field == "Name")
    assert dialog.table.item(name_row, 1).text() == "My name"
    assert dialog.table.item(name_row, 2).text() == "Their name"
    assert dialog.table.item(name_row, 1).font().bold()
    assert "refused again until you reload" in dialog.note.text()
    assert stored_asset(register, "A-003").name == "Their name"  # nothing written

    qtbot.mouseClick(dialog.reload_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert editor.name_edit.text() == "Their name"
    assert "as it is saved now" in editor.message.text()
    editor.location_edit.setText("Children's services office")
    assert editor.save()
    saved = stored_asset(register, "A-003")
    assert (saved.name, saved.location, saved.version) == (
        "Their name", "Children's services office", 3)


def test_keep_editing_keeps_the_changes_and_a_save_is_refused_until_reload(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    editor = shown(qtbot, AssetEditor(register, asset_id(register, "A-003")))
    with register.transaction(actor="someone else") as session:
        session.query(Asset).filter_by(ref="A-003").one().name = "Their name"
    editor.name_edit.setText("My name")
    assert not editor.save()
    first = opened_conflict(qtbot, editor)
    qtbot.mouseClick(first.keep_button, Qt.MouseButton.LeftButton)
    assert not first.isVisible()
    assert editor.name_edit.text() == "My name"  # the edit is kept

    assert not editor.save()  # still checked against the version opened
    again = opened_conflict(qtbot, editor)
    assert again is not first
    assert again.row("Name") == ConflictRow("Name", "My name", "Their name")
    assert stored_asset(register, "A-003").name == "Their name"


def test_a_risk_conflict_shows_yours_and_theirs_and_reloads_theirs(
    qtbot: Any, register: Register, sample: Sample
) -> None:
    editor = shown(qtbot, RiskEditor(register, risk_id(register, "R-003"), today=TODAY))
    with register.transaction(actor="colleague") as session:  # the other session
        queries.risk_by_ref(session, "R-003").title = "Ransomware on every file server"
    editor.title_edit.setText("Ransomware on my file servers")
    choose(editor.impact["residual"], 1)
    assert editor.save() is False

    dialog = opened_conflict(qtbot, editor)
    assert dialog.row("Title") == ConflictRow(
        "Title", "Ransomware on my file servers", "Ransomware on every file server")
    residual = dialog.row("Residual impact")
    assert residual.differs
    assert residual.yours.startswith("1 — ") and residual.theirs.startswith("5 — ")
    assert [row.field for row in dialog.differing()] == ["Title", "Residual impact"]
    assert not dialog.row("Inherent likelihood").differs
    saved = stored_risk(register, "R-003")
    assert (saved.title, saved.residual_impact) == ("Ransomware on every file server", 5)

    qtbot.mouseClick(dialog.reload_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert editor.title_edit.text() == "Ransomware on every file server"
    assert editor.impact["residual"].currentData() == 5
    choose(editor.impact["residual"], 1)
    assert editor.save() is True
    saved = stored_risk(register, "R-003")
    assert (saved.title, saved.residual_impact) == ("Ransomware on every file server", 1)
