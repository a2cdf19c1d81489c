"""A small list of labelled horizontal bars ("High ████ 12"), each bar split into coloured parts.

Used on the dashboard for risks by level (one part per bar, in the level's colour) and risks by
department (a bar per department, split by level). Painted with palette roles so it follows the
system light or dark theme; only the level colours come from the register's criteria.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget


@dataclass(frozen=True)
class Part:
    count: int
    colour: str  # "#rrggbb"
    name: str  # e.g. the level, for the tooltip


@dataclass(frozen=True)
class Bar:
    label: str
    parts: tuple[Part, ...]
    tooltip: str = ""

    @property
    def total(self) -> int:
        return sum(part.count for part in self.parts)


class BarList(QWidget):
    """Bars scaled to the largest total, with the label on the left and the total on the right."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bars: list[Bar] = []
        self.setAccessibleName(name)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def set_bars(self, bars: Sequence[Bar]) -> None:
        self._bars = list(bars)
        self.setAccessibleDescription("; ".join(f"{bar.label}: {bar.total}" for bar in bars)
                                      or "None")
        self.setToolTip("\n".join(
            bar.tooltip or f"{bar.label}: {bar.total:,}" for bar in self._bars
        ))
        self.updateGeometry()
        self.update()

    def bars(self) -> list[Bar]:
        return list(self._bars)

    def _row_height(self) -> int:
        return self.fontMetrics().height() + 6

    def _label_width(self) -> int:
        metrics = self.fontMetrics()
        return max((metrics.horizontalAdvance(bar.label) for bar in self._bars), default=0) + 10

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(self._label_width() + 220, max(1, len(self._bars)) * self._row_height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(self._label_width() + 80, max(1, len(self._bars)) * self._row_height())

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        metrics = self.fontMetrics()
        if not self._bars:
            painter.setPen(self.palette().color(QPalette.ColorGroup.Disabled,
                                                QPalette.ColorRole.WindowText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignLeft, "Nothing to show")
            return
        label_width = self._label_width()
        number_width = metrics.horizontalAdvance("000,000") + 8
        room = max(10, self.width() - label_width - number_width)
        largest = max((bar.total for bar in self._bars), default=0) or 1
        row = self._row_height()
        for number, bar in enumerate(self._bars):
            top = number * row
            painter.setPen(text)
            painter.drawText(QRect(0, top, label_width - 6, row),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             bar.label)
            x = label_width
            for part in bar.parts:
                width = round(room * part.count / largest)
                if width <= 0:
                    continue
                painter.fillRect(QRect(x, top + 3, width, row - 6), QColor(part.colour))
                x += width
            painter.setPen(text)
            painter.drawText(QRect(x + 6, top, number_width, row),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             f"{bar.total:,}")
