"""The dialog a stale save opens: the user's values beside the ones someone else saved.

Shown by :class:`~ui.dialogs.record_editor.RecordEditor` when a save is refused with a
ConflictError. Field by field it lists "Yours" (what the editor would have saved) and "Theirs"
(what the register holds now, read fresh), the fields that differ marked in bold with a tinted
background. "Reload theirs" reloads the editor; "Keep editing" only closes the dialog, and says
that a save stays refused until the record is reloaded (the editor still checks against the
version it read).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

#: Behind a field that differs: a soft amber, readable with dark text on any palette.
DIFFERS_BACKGROUND = "#fff1c2"
DIFFERS_TEXT = "#3d2e00"


class ConflictRow(NamedTuple):
    """One field: its label, the user's value and the saved one, as the form shows them."""

    field: str
    yours: str
    theirs: str

    @property
    def differs(self) -> bool:
        return self.yours != self.theirs


class ConflictDialog(QDialog):
    """Yours and theirs, field by field; ``reload_requested`` when the user takes theirs."""

    reload_requested = Signal()

    def __init__(
        self, record: str, reason: str, rows: Sequence[ConflictRow],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.rows = tuple(rows)
        self.setWindowTitle(f"{record} was changed by someone else — isms")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        heading = QLabel(
            f"{reason}\nYour save was refused and nothing was written. The highlighted fields "
            "differ between your version and theirs."
        )
        heading.setWordWrap(True)

        self.table = QTableWidget(len(self.rows), 3)
        self.table.setAccessibleName("Your version and theirs")
        self.table.setHorizontalHeaderLabels(["Field", "Yours", "Theirs"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        bold = QFont(self.font())
        bold.setBold(True)
        for row, conflict in enumerate(self.rows):
            for column, text in enumerate(conflict):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if conflict.differs:
                    item.setFont(bold)
                    item.setBackground(QBrush(QColor(DIFFERS_BACKGROUND)))
                    item.setForeground(QBrush(QColor(DIFFERS_TEXT)))
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)

        self.note = QLabel(
            "Reload theirs to start again from the saved version: your changes are dropped. "
            "Keep editing leaves your changes in the form, but a save is checked against the "
            "version you opened, so it will be refused again until you reload."
        )
        self.note.setWordWrap(True)

        self.buttons = QDialogButtonBox()
        self.reload_button: QPushButton = self.buttons.addButton(
            "&Reload theirs", QDialogButtonBox.ButtonRole.AcceptRole)
        self.reload_button.setToolTip("Show the record as it is saved now, dropping your changes")
        self.keep_button: QPushButton = self.buttons.addButton(
            "&Keep editing", QDialogButtonBox.ButtonRole.RejectRole)
        self.keep_button.setToolTip("Close this and go back to your changes")
        self.buttons.accepted.connect(self._reload)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self.keep_button.setDefault(True)  # Enter never drops the user's changes
        self.resize(640, min(520, 200 + 30 * len(self.rows)))

    def differing(self) -> list[ConflictRow]:
        """The fields whose values differ, in form order."""
        return [row for row in self.rows if row.differs]

    def row(self, field: str) -> ConflictRow:
        """The row of the field labelled ``field``."""
        return next(row for row in self.rows if row.field == field)

    def _reload(self) -> None:
        self.accept()
        self.reload_requested.emit()
