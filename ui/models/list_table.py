"""A read-only table over a short list held in memory (rules, findings, a preview).

The register tables fetch rows lazily from SQL (``register_table``); these lists are small and
already computed, so they are simply held. Columns say how each row reads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Qt

from .register_table import ModelIndex, ReadOnlyTableModel

Row = TypeVar("Row")

_CENTRE = Qt.AlignmentFlag.AlignCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class ListColumn(Generic[Row]):
    header: str
    text: Callable[[Row], str]
    tooltip: str = ""  # the header's
    centred: bool = False


class ListTableModel(ReadOnlyTableModel, Generic[Row]):
    """Rows of any type, one per line; ``RowRole`` gives a row's object (for actions on it)."""

    RowRole = Qt.ItemDataRole.UserRole + 1

    def __init__(
        self, columns: Sequence[ListColumn[Row]],
        row_tooltip: Callable[[Row], str | None] | None = None, parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._columns: tuple[ListColumn[Row], ...] = tuple(columns)
        self._row_tooltip = row_tooltip
        self._rows: list[Row] = []

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    @property
    def rows(self) -> list[Row]:
        return list(self._rows)

    def row(self, number: int) -> Row:
        return self._rows[number]

    def _row_total(self) -> int:
        return len(self._rows)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == self.RowRole:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _CENTRE if column.centred else _LEFT
        if role == Qt.ItemDataRole.ToolTipRole and self._row_tooltip is not None:
            return self._row_tooltip(row)
        return self.cell_data(row, index.column(), role)

    def cell_data(self, row: Row, column: int, role: int) -> Any:
        """Other roles (fonts, colours, icons) for subclasses; None by default."""
        return None
