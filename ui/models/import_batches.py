"""The register's import batches as a table: which file, who, when, what it did, undone or not."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from isms.services.imports.batches import BatchSummary, list_batches

from .list_table import ListColumn, ListTableModel

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_KIND_LABELS = {"assets": "Assets", "handling": "Handling practices", "risks": "Risks"}


#: A batch as the undo dialog lists it (the core's summary).
BatchRow = BatchSummary


def kind_label(kind: str) -> str:
    return _KIND_LABELS.get(kind, kind.capitalize())


def load_batches(session: Session) -> list[BatchRow]:
    """Every batch, newest first."""
    return list_batches(session)


def when(moment: datetime) -> str:
    """A stored UTC time in the user's own zone, as UK dates read: 14/03/2025 09:30."""
    return moment.astimezone().strftime("%d/%m/%Y %H:%M")


class BatchesModel(ListTableModel[BatchRow]):
    """One line per batch; undone batches are greyed, as they no longer count."""

    def __init__(self, parent: QObject | None = None) -> None:
        columns = (
            ListColumn[BatchRow]("Batch", lambda b: str(b.id), centred=True),
            ListColumn[BatchRow]("What", lambda b: kind_label(b.kind)),
            ListColumn[BatchRow]("File", lambda b: b.file_name),
            ListColumn[BatchRow]("Sheet", lambda b: b.sheet),
            ListColumn[BatchRow]("Dept", lambda b: b.department, "The department the file was "
                                 "for (blank: named row by row)"),
            ListColumn[BatchRow]("By", lambda b: b.actor),
            ListColumn[BatchRow]("When", lambda b: when(b.applied_at)),
            ListColumn[BatchRow]("Created", lambda b: f"{b.created:,}", centred=True),
            ListColumn[BatchRow]("Updated", lambda b: f"{b.updated:,}", centred=True),
            ListColumn[BatchRow]("Undone", lambda b: when(b.undone_at) if b.undone_at else "",
                                 "When the batch was taken back"),
        )
        super().__init__(columns, self._tooltip, parent)

    @staticmethod
    def _tooltip(batch: BatchRow) -> str:
        text = (f"Batch {batch.id}: {batch.file_name}"
                + (f", sheet {batch.sheet}" if batch.sheet else "")
                + f", imported by {batch.actor} on {when(batch.applied_at)}.")
        if batch.skipped:
            text += f" {batch.skipped:,} rows with errors were left out."
        if batch.undone_at:
            text += f" Undone on {when(batch.undone_at)}."
        return text

    def cell_data(self, row: BatchRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and row.undone_at is not None:
            return QApplication.palette().color(QPalette.ColorGroup.Disabled,
                                                QPalette.ColorRole.Text)
        return None
