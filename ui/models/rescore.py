"""The preview of a criteria change: each risk's levels now and under the new criteria."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPixmap

from isms.method.criteria import Criteria
from isms.services.method import Rescore
from isms.services.risks import STAGES

from .list_table import ListColumn, ListTableModel


def _stage_text(stage: str) -> Callable[[Rescore], str]:
    def text(row: Rescore) -> str:
        before, after = row.before[stage], row.after[stage]
        if before == after:
            return after or "—"
        return f"{before or 'not rated'} → {after or 'not rated'}"

    return text


class RescoreModel(ListTableModel[Rescore]):
    """Rows of ``services.method.preview``; a changed level reads "High → Medium" in bold, with
    a swatch of the new level's colour (whole coloured cells made 50 rows unreadable)."""

    def __init__(self, parent: QObject | None = None) -> None:
        columns = [ListColumn[Rescore]("Risk", lambda r: r.ref)]
        columns += [ListColumn(stage.capitalize(), _stage_text(stage)) for stage in STAGES]
        super().__init__(columns, None, parent)
        self._all: list[Rescore] = []
        self._only_changed = False
        self._swatches: dict[str, QIcon] = {}
        self._bold = QFont()
        self._bold.setBold(True)

    def set_preview(self, rows: Sequence[Rescore], new: Criteria) -> None:
        self._all = list(rows)
        self._swatches = {}
        for level in new.levels:
            pixmap = QPixmap(12, 12)
            pixmap.fill(QColor(level.colour))
            self._swatches[level.name] = QIcon(pixmap)
        self._select()

    def set_only_changed(self, only: bool) -> None:
        self._only_changed = only
        self._select()

    def _select(self) -> None:
        shown = [r for r in self._all if r.changed_level] if self._only_changed else self._all
        self.set_rows(shown)

    @property
    def total(self) -> int:
        return len(self._all)

    @property
    def changed(self) -> int:
        return sum(1 for r in self._all if r.changed_level)

    def cell_data(self, row: Rescore, column: int, role: int) -> Any:
        if column == 0:
            return None
        stage = STAGES[column - 1]
        before, after = row.before[stage], row.after[stage]
        if role == Qt.ItemDataRole.ToolTipRole:
            likelihood, impact = row.ratings[stage]
            if likelihood is None or impact is None:
                return f"{row.ref} has no {stage} rating."
            return (f"{stage.capitalize()}: likelihood {likelihood} × impact {impact} on the new "
                    f"scales; level {before or 'none'} now, {after or 'none'} after the change.")
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if before != after else None
        if role == Qt.ItemDataRole.DecorationRole:
            return self._swatches.get(after or "")
        return None
