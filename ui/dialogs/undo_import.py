"""Taking an import back: the register's batches, and an Undo button for the one selected."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from isms.db import Register
from isms.errors import IsmsError
from isms.services.imports import batches as import_batches

from ..models.import_batches import BatchesModel, BatchRow, load_batches
from ..widgets.message_bar import MessageBar
from ..widgets.tables import read_only_table
from .base import RememberedDialog


def confirm_undo(parent: QWidget, batch: BatchRow) -> bool:
    """Ask before taking a batch back (tests answer the message box)."""
    made = f"removes the {batch.created:,} records it created" if batch.created else ""
    restored = (f"puts the {batch.updated:,} it updated back as they were" if batch.updated
                else "")
    effects = " and ".join(part for part in (made, restored) if part) or "changes nothing"
    answer = QMessageBox.question(
        parent, "Undo the import",
        f"Undo batch {batch.id} ({batch.file_name})? This {effects}.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes


class UndoImportDialog(RememberedDialog):
    geometry_key = "undo_import_dialog"

    def __init__(self, register: Register, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Undo an import — isms")
        self.register = register
        #: Whether an undo was written (the window then refreshes its pages).
        self.changed = False
        intro = QLabel("An import is taken back as a whole: the records it created are removed "
                       "and those it updated restored. That is refused if anyone has changed "
                       "them since, so no one's later work is lost.")
        intro.setWordWrap(True)
        self.model = BatchesModel(self)
        self.table = read_only_table(self.model, "Import batches", single=True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self.empty = QLabel("No imports yet in this register.")
        self.message = MessageBar()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.undo_button = QPushButton("&Undo import")
        self.undo_button.setEnabled(False)
        self.undo_button.clicked.connect(self.undo_selected)
        buttons.addButton(self.undo_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.reload()
        self.restore_or_resize(900, 420)

    def reload(self, select: int | None = None) -> None:
        with self.register.session() as session:
            batches = load_batches(session)
        self.model.set_rows(batches)
        self.empty.setVisible(not batches)
        self.table.setVisible(bool(batches))
        rows = [b.id for b in batches]
        if batches:
            self.table.selectRow(rows.index(select) if select in rows else 0)
        self._selected(self.table.currentIndex())

    def selected(self) -> BatchRow | None:
        current = self.table.currentIndex()
        return self.model.row(current.row()) if current.isValid() else None

    def select_batch(self, batch_id: int) -> None:
        rows = [b.id for b in self.model.rows]
        if batch_id in rows:
            self.table.selectRow(rows.index(batch_id))

    def _selected(self, current: QModelIndex) -> None:
        batch = self.model.row(current.row()) if current.isValid() else None
        self.undo_button.setEnabled(batch is not None and batch.undone_at is None)

    def undo_selected(self) -> None:
        batch = self.selected()
        if batch is None or batch.undone_at is not None or not confirm_undo(self, batch):
            return
        try:
            with self.register.transaction() as session:
                done = import_batches.undo_batch(session, batch.id)
        except IsmsError as exc:  # changed since, already undone...: nothing was changed
            self.message.error(str(exc))
            return
        self.changed = True
        self.reload(select=batch.id)
        self.message.info(f"Undid batch {done.batch_id} ({batch.file_name}): "
                          f"{done.removed:,} removed, {done.restored:,} restored.")

    @classmethod
    def ask(cls, register: Register, parent: QWidget | None = None) -> bool:
        """Show the dialog; True when an import was undone (the window must refresh)."""
        dialog = cls(register, parent)
        dialog.run()
        return dialog.changed
