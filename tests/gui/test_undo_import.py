"""Undoing an import from the window, and the File → Import menu."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select

from isms.db import Register, commit
from isms.model import Asset, ImportBatch
from isms.services.imports import files as import_files
from isms.services.imports.batch_writer import ImportResult
from isms.services.read import queries
from ui.dialogs.import_wizard import ImportWizard
from ui.dialogs.undo_import import UndoImportDialog
from ui.views.main_window import MainWindow

from .conftest import OnModal, Sample, shown
from .spreadsheets import two_row_header_workbook
from .test_import_wizard import MESSY_ROWS


def import_directly(register: Register, path: Path, department: str) -> ImportResult:
    """An import made through the services, as the command line makes it."""
    with register.transaction(actor="Jo Tester") as session:
        department_id = queries.department_id(session, department)
        prepared = import_files.prepare(session, path, department_id=department_id)
        with prepared.source:
            plan = import_files.plan(session, prepared, department_id)
        return import_files.apply(session, plan, valid_only=False)


def asset_names(register: Register) -> set[str]:
    with register.session() as session:
        return set(session.execute(select(Asset.name)).scalars())


def answer(button: QMessageBox.StandardButton) -> Any:
    def press(box: QMessageBox) -> None:
        box.button(button).click()

    return press


def test_undo_takes_a_batch_back(
    qtbot: Any, register: Register, sample: Sample, tmp_path: Path, on_modal: OnModal
) -> None:
    before = asset_names(register)
    batch = import_directly(register, two_row_header_workbook(tmp_path / "env.xlsx", MESSY_ROWS),
                            "ENV")
    assert asset_names(register) == before | {"Gritting routes", "Pothole claims"}
    dialog = shown(qtbot, UndoImportDialog(register))
    model = dialog.model
    assert model.rowCount() == 1
    assert [model.index(0, c).data() for c in (0, 1, 2, 3, 4, 5, 7, 8, 9)] == [
        str(batch.batch_id), "Assets", "env.xlsx", "Assets", "ENV", "Jo Tester", "2", "1", ""]
    assert dialog.undo_button.isEnabled()

    on_modal(QMessageBox, answer(QMessageBox.StandardButton.Cancel))
    dialog.undo_button.click()
    assert not dialog.changed and asset_names(register) == before | {"Gritting routes",
                                                                      "Pothole claims"}

    on_modal(QMessageBox, answer(QMessageBox.StandardButton.Yes))
    dialog.undo_button.click()
    assert dialog.message.text() == (
        f"Undid batch {batch.batch_id} (env.xlsx): 2 removed, 1 restored.")
    assert dialog.changed
    assert asset_names(register) == before
    with register.session() as session:
        council_tax = session.execute(
            select(Asset).where(Asset.name == "Council tax system")).scalar_one()
        assert council_tax.location == ""  # as it was before the import
    assert model.index(0, 9).data() != ""  # "Undone" now says when
    assert not dialog.undo_button.isEnabled()


def test_undo_refused_when_the_records_changed_since(
    qtbot: Any, register: Register, sample: Sample, tmp_path: Path, on_modal: OnModal
) -> None:
    batch = import_directly(register, two_row_header_workbook(tmp_path / "env.xlsx", MESSY_ROWS),
                            "ENV")
    with register.session() as session:
        gritting = session.execute(
            select(Asset).where(Asset.name == "Gritting routes")).scalar_one()
        gritting.location = "North depot"
        ref = gritting.ref
        commit(session)
    dialog = shown(qtbot, UndoImportDialog(register))
    on_modal(QMessageBox, answer(QMessageBox.StandardButton.Yes))
    dialog.undo_button.click()
    assert dialog.message.kind == "error"
    assert dialog.message.text() == (
        "Cannot undo: assets created by this import have been changed or linked since "
        f"({ref}).")
    assert not dialog.changed
    with register.session() as session:
        stored = session.get(ImportBatch, batch.batch_id)
        assert stored is not None and stored.undone_at is None
        assert session.execute(select(func.count()).select_from(Asset).where(
            Asset.import_batch_id == batch.batch_id)).scalar_one() == 3  # 2 made, 1 updated


def test_batches_model_passes_the_model_tester(
    qtbot: Any, qtmodeltester: Any, register: Register, sample: Sample, tmp_path: Path
) -> None:
    import_directly(register, two_row_header_workbook(tmp_path / "a.xlsx", MESSY_ROWS), "ENV")
    dialog = shown(qtbot, UndoImportDialog(register))
    qtmodeltester.check(dialog.model)
    dialog.model.set_rows([])
    qtmodeltester.check(dialog.model)


def test_file_import_menu_imports_and_undoes_then_refreshes(
    qtbot: Any, register: Register, sample: Sample, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, on_modal: OnModal,
) -> None:
    window = MainWindow(register)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.show_page_key("assets")
    menu = window.import_menu
    assert [a.text() for a in menu.actions()] == [
        "&Assets…", "&Handling practices…", "&Risks…", "&People…", "",
        "&Send a department its assets…", "Department &round trip…", "&Undo an import…"]
    total = len(sample.asset_names)
    assert window.pages["assets"].model.rowCount() == total
    path = two_row_header_workbook(tmp_path / "env.xlsx", MESSY_ROWS)
    asked: list[str] = []

    def wizard(register: Register, kind: str, parent: Any) -> ImportResult:
        asked.append(kind)
        return import_directly(register, path, "ENV")

    monkeypatch.setattr(ImportWizard, "ask", wizard)
    menu.actions()[0].trigger()
    assert asked == ["assets"]
    assert window.pages["assets"].model.rowCount() == total + 2
    assert window.statusBar().currentMessage().startswith("Imported: 2 created, 1 updated")

    def undo_first(dialog: UndoImportDialog) -> None:
        on_modal(QMessageBox, answer(QMessageBox.StandardButton.Yes))
        dialog.undo_button.click()
        dialog.close()

    on_modal(UndoImportDialog, undo_first)
    menu.actions()[-1].trigger()
    assert window.pages["assets"].model.rowCount() == total
