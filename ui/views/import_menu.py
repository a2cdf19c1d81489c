"""File → Import: the import wizard for each kind of record, and undoing an import."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu

# The wizard and its pages (readers, mapping, openpyxl) load when an import starts, not with the
# window: they are most of what the File menu would otherwise add to start-up.
if TYPE_CHECKING:
    from .shell import Shell

#: One entry per kind of import the wizard knows (state.KINDS; a test keeps them in step).
_MNEMONICS = {"assets": "&Assets…", "handling": "&Handling practices…", "risks": "&Risks…",
              "people": "&People…"}


def add_import_menu(window: Shell, file_menu: QMenu) -> QMenu:
    """The Import submenu at the end of ``file_menu``."""
    menu = file_menu.addMenu("&Import")
    for kind, text in _MNEMONICS.items():
        action = menu.addAction(text)
        action.triggered.connect(lambda _checked=False, k=kind: import_file(window, k))
    menu.addSeparator()
    menu.addAction("&Send a department its assets…").triggered.connect(
        lambda: send_round_trip(window))
    menu.addAction("Department &round trip…").triggered.connect(
        lambda: compare_round_trip(window))
    undo = menu.addAction("&Undo an import…")
    undo.triggered.connect(lambda: undo_import(window))
    return menu


def import_file(window: Shell, kind: str) -> None:
    """Run the wizard; once something was written the pages show it, even if the wizard was
    then closed without Finish."""
    from ..dialogs.import_pages.apply_page import result_summary
    from ..dialogs.import_wizard import ImportWizard

    result = ImportWizard.ask(window.register, kind, window)
    # The wizard may have added a department (New department…) even when nothing was imported:
    # the toolbar lists it, and the dashboard's first steps count it.
    window.department_filter.load(window.register)
    if result is not None:
        window.refresh()
        window.statusBar().showMessage(result_summary(result), 15000)
    elif window.dashboard is not None:
        window.dashboard.refresh()


def send_round_trip(window: Shell) -> None:
    """The toolbar's department's assets as a round-trip workbook, to correct and send back."""
    from ..dialogs.round_trip import send_to_department

    department = window.department_filter
    sent = send_to_department(window.register, department.department(),
                              department.department_code(), window)
    if sent is not None:
        window.statusBar().showMessage(
            f"Wrote {sent[1]:,} assets to {sent[0]}: when it comes back, File → Import → "
            "Department round trip… compares it row by row.", 15000)


def compare_round_trip(window: Shell) -> None:
    """A department's export coming back: compared row by row, the ticked rows imported."""
    from ..dialogs.import_pages.apply_page import result_summary
    from ..dialogs.round_trip import RoundTripDialog

    result = RoundTripDialog.choose_and_ask(window.register, window)
    if result is not None:
        window.refresh()
        window.statusBar().showMessage(result_summary(result), 15000)


def undo_import(window: Shell) -> None:
    from ..dialogs.undo_import import UndoImportDialog

    if UndoImportDialog.ask(window.register, window):
        window.refresh()
