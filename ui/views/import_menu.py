"""File → Import: the import wizard for each kind of record, and undoing an import."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu

from ..dialogs.import_pages.apply_page import result_summary
from ..dialogs.import_pages.state import KINDS
from ..dialogs.import_wizard import ImportWizard
from ..dialogs.undo_import import UndoImportDialog

if TYPE_CHECKING:
    from .main_window import MainWindow

_MNEMONICS = {"assets": "&Assets…", "handling": "&Handling practices…", "risks": "&Risks…"}


def add_import_menu(window: MainWindow, file_menu: QMenu) -> QMenu:
    """The Import submenu at the end of ``file_menu``."""
    menu = file_menu.addMenu("&Import")
    for kind in KINDS:
        action = menu.addAction(_MNEMONICS[kind])
        action.triggered.connect(lambda _checked=False, k=kind: import_file(window, k))
    menu.addSeparator()
    undo = menu.addAction("&Undo an import…")
    undo.triggered.connect(lambda: undo_import(window))
    return menu


def import_file(window: MainWindow, kind: str) -> None:
    """Run the wizard; once something was written the pages show it, even if the wizard was
    then closed without Finish."""
    result = ImportWizard.ask(window.register, kind, window)
    if result is not None:
        window.refresh()
        window.statusBar().showMessage(result_summary(result), 15000)


def undo_import(window: MainWindow) -> None:
    if UndoImportDialog.ask(window.register, window):
        window.refresh()
