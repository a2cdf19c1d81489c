"""A table cell that shows a percentage as its text over a thin bar: red, amber or green."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRect
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

#: Bar fills by band; bars are drawn on the cell's own (palette) background, text stays palette.
BAND_COLOURS = {"low": "#d64545", "partial": "#e0a020", "good": "#3c9a4c"}


def band(percent: float) -> str:
    """'low' under 50%, 'partial' under 90%, 'good' otherwise."""
    return "low" if percent < 50 else "partial" if percent < 90 else "good"


class PercentDelegate(QStyledItemDelegate):
    """Draws the normal cell, then a bar along its bottom sized to the value in ``role``."""

    def __init__(self, role: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._role = role

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        super().paint(painter, option, index)
        value = index.data(self._role)
        if not isinstance(value, float | int):
            return
        rect: QRect = option.rect
        track = rect.adjusted(4, rect.height() - 5, -4, -2)
        width = round(track.width() * max(0.0, min(100.0, float(value))) / 100)
        painter.save()
        faint = QColor(BAND_COLOURS[band(float(value))])
        faint.setAlpha(60)
        painter.fillRect(track, faint)
        painter.fillRect(QRect(track.left(), track.top(), width, track.height()),
                         QColor(BAND_COLOURS[band(float(value))]))
        painter.restore()
