"""Edit → Undo / Redo of asset edits and bulk actions, on real register files: the previous
values go back through the services, version-checked, and a refused undo leaves all as it was."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import select

from isms.db import Register
from isms.model import Asset, AssetStatus
from isms.services import edits
from isms.services.changed import Changed
from ui.dialogs.asset_editor import AssetEditor
from ui.dialogs.choose import ChooseDialog
from ui.undo import UndoHistory
from ui.views.main_window import MainWindow

from .conftest import OnModal, Sample, shown
from .test_asset_actions import select_rows
from .test_asset_editor import asset_id, person_id, stored


def window_on_assets(qtbot: Any, register: Register) -> MainWindow:
    window = shown(qtbot, MainWindow(register))
    window.show_page_key("assets")
    return window


def edit(
    qtbot: Any, window: MainWindow, on_modal: OnModal, ref: str, name: str, rating: int
) -> None:
    def change(editor: AssetEditor) -> None:
        editor.name_edit.setText(name)
        editor.cia["integrity"].setCurrentIndex(editor.cia["integrity"].findData(rating))
        assert editor.save()

    on_modal(AssetEditor, change)
    window.edit_asset(asset_id(window.register, ref))
    window.activateWindow()  # back from the modal editor: the window's shortcuts work again
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def test_undo_restores_an_edit_and_redo_applies_it_again(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal
) -> None:
    window = window_on_assets(qtbot, register)
    undo, redo = window.undo_history.undo_action, window.undo_history.redo_action
    assert not undo.isEnabled() and not redo.isEnabled()
    edit(qtbot, window, on_modal, "A-001", "Payroll and pensions", 1)
    assert (stored(register, "A-001").name, stored(register, "A-001").integrity) == (
        "Payroll and pensions", 1)
    assert undo.isEnabled() and undo.text() == "&Undo Edit A-001"

    qtbot.keyClick(window.pages["assets"].table, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier)
    saved = stored(register, "A-001")
    assert (saved.name, saved.integrity, saved.version) == ("Payroll records", 3, 3)
    assert redo.isEnabled() and redo.text() == "&Redo Edit A-001"
    assert window.statusBar().currentMessage() == "Undid: Edit A-001."
    assert "Payroll records" in [window.pages["assets"].model.data(
        window.pages["assets"].model.index(r, 1)) for r in range(12)]

    qtbot.keyClick(window.pages["assets"].table, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    saved = stored(register, "A-001")
    assert (saved.name, saved.integrity, saved.version) == ("Payroll and pensions", 1, 4)
    assert undo.isEnabled() and not redo.isEnabled()


def test_undo_of_a_bulk_retire_unretires(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal
) -> None:
    window = window_on_assets(qtbot, register)
    page = window.pages["assets"]
    ids = select_rows(page, [0, 4])
    on_modal(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    window.asset_actions.retire.trigger()
    assert page.model.rowCount() == 10
    assert window.undo_history.undo_action.text() == "&Undo Retire 2 assets"

    assert window.undo_history.undo()
    with register.session() as session:
        restored = list(session.execute(select(Asset).where(Asset.id.in_(ids))).scalars())
        assert {(a.status, a.retired_at) for a in restored} == {(AssetStatus.ACTIVE, None)}
    assert page.model.rowCount() == 12

    assert window.undo_history.redo()
    with register.session() as session:
        again = list(session.execute(select(Asset).where(Asset.id.in_(ids))).scalars())
        assert {a.status for a in again} == {AssetStatus.RETIRED}
        assert all(a.retired_at is not None for a in again)


def test_undo_of_a_bulk_owner_change_restores_each_owner(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal
) -> None:
    window = window_on_assets(qtbot, register)
    page = window.pages["assets"]
    ids = select_rows(page, [0, 1, 2])  # Alice, Bob and no owner
    with register.session() as session:
        before = {a.id: a.owner_id for a in session.execute(
            select(Asset).where(Asset.id.in_(ids))).scalars()}
    assert None in before.values()

    def choose(dialog: ChooseDialog) -> None:
        dialog.choose(next(dialog.combo.itemText(i) for i in range(dialog.combo.count())
                           if dialog.combo.itemText(i).startswith("Dan Drake")))
        dialog.accept()

    on_modal(ChooseDialog, choose)
    window.asset_actions.assign_owner.trigger()
    dan = person_id(register, "Dan Drake")
    with register.session() as session:
        assert {a.owner_id for a in session.execute(
            select(Asset).where(Asset.id.in_(ids))).scalars()} == {dan}

    assert window.undo_history.undo()
    with register.session() as session:
        assert {a.id: a.owner_id for a in session.execute(
            select(Asset).where(Asset.id.in_(ids))).scalars()} == before


def test_undo_is_refused_after_someone_else_changed_the_asset(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal
) -> None:
    window = window_on_assets(qtbot, register)
    history = window.undo_history
    edit(qtbot, window, on_modal, "A-002", "Council tax", 2)
    edit(qtbot, window, on_modal, "A-003", "Fostering files", 2)
    with register.transaction(actor="someone else") as session:
        session.query(Asset).filter_by(ref="A-003").one().description = "their note"

    said: list[str] = []
    on_modal(QMessageBox, lambda box: (said.append(box.text()), box.accept()))
    assert not history.undo()
    assert "A-003 was changed by someone else" in said[0]
    assert "cannot be undone" in said[0]
    saved = stored(register, "A-003")
    assert (saved.name, saved.description, saved.version) == ("Fostering files", "their note", 3)
    # The history has not moved: the refused change is still the one to undo, nothing to redo.
    assert history.stack.index() == 2 and not history.stack.canRedo()
    assert history.undo_action.text() == "&Undo Edit A-003"

    # Asked again, it still refuses rather than overwrite their change.
    on_modal(QMessageBox, lambda box: box.accept())
    assert not history.undo()
    assert stored(register, "A-003").name == "Fostering files"


def test_two_edits_of_one_asset_are_undone_and_redone_in_turn(
    qtbot: Any, register: Register, sample: Sample, on_modal: OnModal
) -> None:
    window = window_on_assets(qtbot, register)
    history = window.undo_history
    edit(qtbot, window, on_modal, "A-004", "CCTV recordings", 1)
    edit(qtbot, window, on_modal, "A-004", "CCTV recordings (town centre)", 4)

    assert history.undo() and history.undo()
    saved = stored(register, "A-004")
    assert (saved.name, saved.integrity) == ("CCTV footage", 2)
    assert window.statusBar().currentMessage() == "Undid: Edit A-004."
    assert history.redo() and history.redo()
    saved = stored(register, "A-004")
    assert (saved.name, saved.integrity) == ("CCTV recordings (town centre)", 4)
    assert not history.stack.canRedo()


def test_an_undo_reports_what_it_changed(qtbot: Any, register: Register, sample: Sample) -> None:
    reported: list[tuple[str, Changed]] = []
    history = UndoHistory(lambda: register, lambda text, changed: reported.append((text, changed)),
                          lambda exc: pytest.fail(str(exc)))
    with register.transaction() as session:
        key = asset_id(register, "A-005")
        saved = edits.save(session, "asset", key, stored(register, "A-005").version,
                           {"name": "Laptops"})
    history.push(saved)
    assert history.undo_action.text() == "&Undo Edit A-005"
    assert history.undo()
    assert reported == [("Undid: Edit A-005.", Changed.of("asset", [key]))]
    assert stored(register, "A-005").name == "Laptop fleet"
