"""A risk level shown as a rounded chip in the level's own colour ("High" on orange)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from isms.method.criteria import Level

from ..colours import text_colour_for


class LevelChip(QWidget):
    """The name of a level on its colour, or a muted outline when there is no level.

    Painted rather than styled with a style sheet, so the colour is exactly the criteria's
    colour on every platform style (style sheets also switch combo boxes and labels nearby to a
    non-native look).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._colour: str | None = None
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.set_level(None)

    def set_level(self, level: Level | None, empty: str = "Not rated") -> None:
        """Show ``level``, or ``empty`` (e.g. "Not rated", "Incomplete") in a plain outline."""
        self._text = level.name if level else empty
        self._colour = level.colour if level else None
        self.setToolTip(f"Risk level: {self._text}" if level else empty)
        self.setAccessibleName(f"Risk level {self._text}")
        self.updateGeometry()
        self.update()

    def text(self) -> str:
        return self._text

    def colour(self) -> str | None:
        """The fill as "#rrggbb" (the level's colour), or None when no level is shown."""
        return self._colour

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        metrics = self.fontMetrics()
        # Wide enough for the longest usual level name so the row does not jump as it changes.
        width = max(metrics.horizontalAdvance(self._text), metrics.horizontalAdvance("Very high"))
        return QSize(width + 2 * metrics.height(), metrics.height() + 8)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return self.sizeHint()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        radius = box.height() / 2
        if self._colour:
            fill = QColor(self._colour)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(box, radius, radius)
            painter.setPen(text_colour_for(fill))
        else:
            muted = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
            painter.setPen(muted)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(box, radius, radius)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self._text)
