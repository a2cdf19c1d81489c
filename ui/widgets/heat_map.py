"""The risk matrix as a heat map: likelihood up, impact across, each cell in its level's colour.

Used twice: in the risk editor it marks where the inherent (I), current (C) and residual (R)
ratings sit; in the criteria settings it previews the matrix being edited (and, for a lookup
matrix, lets the user click a cell to choose its level). It draws whatever ``Criteria`` it is
given, even invalid ones: a cell no level covers is hatched, which shows a gap in the thresholds
at a glance.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from isms.errors import ValidationError
from isms.method.criteria import Criteria, Level

from ..colours import text_colour_for

#: The letter each assessment stage is marked with, in drawing order.
STAGE_LETTERS = {"inherent": "I", "current": "C", "residual": "R"}

Cell = tuple[int, int]  # (likelihood, impact), both from 1


class HeatMap(QWidget):
    """A likelihood x impact grid coloured by the level of each cell."""

    #: (likelihood, impact) of a clicked cell, when the map is ``clickable``.
    cellClicked = Signal(int, int)

    GAP = 2  # pixels between cells: keeps neighbouring cells of one colour distinguishable

    def __init__(
        self, parent: QWidget | None = None, *, cell_size: int = 30, clickable: bool = False
    ) -> None:
        super().__init__(parent)
        self._preferred_cell = cell_size
        self._clickable = clickable
        self._criteria: Criteria | None = None
        self._levels: dict[Cell, Level | None] = {}
        self._marks: dict[str, Cell] = {}
        self._counts: dict[Cell, int] | None = None
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setAccessibleName("Risk matrix")
        if clickable:
            self.setCursor(Qt.CursorShape.PointingHandCursor)

    # --- what it shows -------------------------------------------------------------------

    def set_criteria(self, criteria: Criteria) -> None:
        self._criteria = criteria
        self._levels = {
            (likelihood, impact): level_or_none(criteria, likelihood, impact)
            for likelihood in range(1, len(criteria.likelihood) + 1)
            for impact in range(1, len(criteria.impact) + 1)
        }
        self._marks = {k: v for k, v in self._marks.items() if v in self._levels}
        self.updateGeometry()
        self.update()

    def set_marks(self, marks: Mapping[str, Cell | None]) -> None:
        """Where each stage ("inherent", "current", "residual") sits; None leaves it off."""
        self._marks = {
            stage: cell for stage, cell in marks.items()
            if cell is not None and (not self._levels or cell in self._levels)
        }
        self.setAccessibleDescription("; ".join(
            f"{stage.capitalize()}: likelihood {cell[0]}, impact {cell[1]}"
            for stage, cell in self.marks().items()
        ) or "No rating marked")
        self.update()

    def set_counts(self, counts: Mapping[Cell, int] | None) -> None:
        """How many risks sit in each cell (the dashboard); None shows no counts."""
        self._counts = None if counts is None else dict(counts)
        if counts is not None:
            total = sum(counts.values())
            self.setAccessibleDescription(f"{total} risks; " + "; ".join(
                f"likelihood {cell[0]}, impact {cell[1]}: {count}"
                for cell, count in sorted(counts.items()) if count
            ))
        self.update()

    def count(self, likelihood: int, impact: int) -> int:
        return (self._counts or {}).get((likelihood, impact), 0)

    def marks(self) -> dict[str, Cell]:
        """The marked positions, in stage order."""
        return {s: self._marks[s] for s in STAGE_LETTERS if s in self._marks}

    def cell_level(self, likelihood: int, impact: int) -> Level | None:
        """The level a cell is drawn in (None: no level covers it)."""
        return self._levels.get((likelihood, impact))

    # --- geometry ------------------------------------------------------------------------

    def _size(self) -> tuple[int, int]:
        if self._criteria is None:
            return 5, 5
        return len(self._criteria.likelihood), len(self._criteria.impact)

    def _margins(self) -> tuple[int, int]:
        """(left, bottom): room for the axis numbers and titles."""
        line = self.fontMetrics().height()
        return 2 * line + 4, 2 * line + 4

    def _cell_size(self) -> int:
        rows, columns = self._size()
        left, bottom = self._margins()
        fit = min((self.width() - left - 4) // columns, (self.height() - bottom - 4) // rows)
        return max(12, fit)

    def _origin(self) -> QPoint:
        """Top-left of the grid, centred in whatever room the layout gives."""
        rows, columns = self._size()
        left, bottom = self._margins()
        side = self._cell_size()
        spare_x = max(0, self.width() - left - columns * side)
        spare_y = max(0, self.height() - bottom - rows * side)
        return QPoint(left + spare_x // 2, spare_y // 2)

    def cell_rect(self, likelihood: int, impact: int) -> QRect:
        """Where a cell is drawn; likelihood rises upwards, impact to the right."""
        rows, _columns = self._size()
        side = self._cell_size()
        origin = self._origin()
        return QRect(origin.x() + (impact - 1) * side, origin.y() + (rows - likelihood) * side,
                     side - self.GAP, side - self.GAP)

    def cell_at(self, point: QPoint) -> Cell | None:
        for cell in self._levels:
            if self.cell_rect(*cell).contains(point):
                return cell
        return None

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        rows, columns = self._size()
        left, bottom = self._margins()
        return QSize(left + columns * self._preferred_cell + 4,
                     bottom + rows * self._preferred_cell + 4)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        rows, columns = self._size()
        left, bottom = self._margins()
        return QSize(left + columns * 16 + 4, bottom + rows * 16 + 4)

    # --- painting ------------------------------------------------------------------------

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        if self._criteria is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_cells(painter)
        self._paint_axes(painter)
        self._paint_marks(painter)
        if self._counts is not None:
            self._paint_counts(painter)

    def _paint_cells(self, painter: QPainter) -> None:
        assert self._criteria is not None
        product = self._criteria.matrix_kind == "product"
        small = QFont(self.font())
        small.setPointSizeF(max(6.0, self.font().pointSizeF() * 0.8))
        painter.setFont(small)
        show_scores = product and self._cell_size() >= 22
        gap_colour = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        for (likelihood, impact), level in self._levels.items():
            rect = self.cell_rect(likelihood, impact)
            if level is None:
                painter.setPen(QPen(gap_colour, 1, Qt.PenStyle.DashLine))
                painter.setBrush(QBrush(gap_colour, Qt.BrushStyle.BDiagPattern))
                painter.drawRect(rect)
                continue
            fill = QColor(level.colour)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(rect, 3, 3)
            if show_scores:
                text = text_colour_for(fill)
                text.setAlpha(150)  # the score is a hint; the marks must stand out over it
                painter.setPen(text)
                painter.drawText(rect.adjusted(0, 1, -3, 0),
                                 Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                                 str(likelihood * impact))

    def _paint_axes(self, painter: QPainter) -> None:
        rows, columns = self._size()
        painter.setFont(self.font())
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        line = self.fontMetrics().height()
        for likelihood in range(1, rows + 1):
            rect = self.cell_rect(likelihood, 1)
            painter.drawText(QRect(rect.left() - line - 4, rect.top(), line, rect.height()),
                             Qt.AlignmentFlag.AlignCenter, str(likelihood))
        for impact in range(1, columns + 1):
            rect = self.cell_rect(1, impact)
            painter.drawText(QRect(rect.left(), rect.bottom() + 2, rect.width(), line),
                             Qt.AlignmentFlag.AlignCenter, str(impact))
        top = self.cell_rect(rows, 1)
        bottom_left = self.cell_rect(1, 1)
        right = self.cell_rect(1, columns)
        grid_height = bottom_left.bottom() - top.top()
        painter.drawText(QRect(bottom_left.left(), bottom_left.bottom() + line + 2,
                               right.right() - bottom_left.left(), line),
                         Qt.AlignmentFlag.AlignCenter, "Impact")
        painter.save()
        painter.translate(bottom_left.left() - 2 * line - 4, bottom_left.bottom())
        painter.rotate(-90)
        painter.drawText(QRect(0, 0, grid_height, line), Qt.AlignmentFlag.AlignCenter,
                         "Likelihood")
        painter.restore()

    def _paint_marks(self, painter: QPainter) -> None:
        by_cell: dict[Cell, list[str]] = {}
        for stage, cell in self.marks().items():
            by_cell.setdefault(cell, []).append(stage)
        bold = QFont(self.font())
        bold.setBold(True)
        for cell, stages in by_cell.items():
            rect = self.cell_rect(*cell)
            # Several stages in one cell sit side by side, smaller, so none hides another.
            count = len(stages)
            diameter = min(rect.height() * 0.62, (rect.width() - 4) / count)
            bold.setPixelSize(max(7, int(diameter * 0.6)))
            painter.setFont(bold)
            first = rect.left() + (rect.width() - count * diameter) / 2 + diameter / 2
            for n, stage in enumerate(stages):
                centre_x = first + n * diameter
                centre_y = rect.center().y() + 0.5
                painter.setPen(QPen(QColor("#202020"), 1.5))
                painter.setBrush(QColor("#ffffff"))
                painter.drawEllipse(QPoint(round(centre_x), round(centre_y)),
                                    diameter / 2, diameter / 2)
                painter.setPen(QColor("#202020"))
                box = QRect(round(centre_x - diameter / 2), round(centre_y - diameter / 2),
                            round(diameter), round(diameter))
                painter.drawText(box, Qt.AlignmentFlag.AlignCenter, STAGE_LETTERS[stage])

    def _paint_counts(self, painter: QPainter) -> None:
        bold = QFont(self.font())
        bold.setBold(True)
        bold.setPixelSize(max(9, int(self._cell_size() * 0.32)))
        painter.setFont(bold)
        for cell, level in self._levels.items():
            count = self.count(*cell)
            if not count:
                continue
            rect = self.cell_rect(*cell)
            fill = QColor(level.colour) if level else self.palette().color(QPalette.ColorRole.Base)
            painter.setPen(text_colour_for(fill))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, f"{count:,}")

    # --- interaction ---------------------------------------------------------------------

    def describe(self, likelihood: int, impact: int) -> str:
        """'Likelihood 4 (Likely) × impact 3 (Moderate) = 12: High' for a cell's tooltip."""
        assert self._criteria is not None
        li, im = self._criteria.likelihood, self._criteria.impact
        text = (f"Likelihood {likelihood} ({li[likelihood - 1].label}) × "
                f"impact {impact} ({im[impact - 1].label})")
        if self._criteria.matrix_kind == "product":
            text += f" = {likelihood * impact}"
        level = self.cell_level(likelihood, impact)
        text += f": {level.name}" if level else ": no level covers this cell"
        if self._counts is not None:
            count = self.count(likelihood, impact)
            text += f"\n{count:,} risk{'' if count == 1 else 's'}"
            if self._clickable:
                text += " — click to list them"
        here = [s for s, c in self.marks().items() if c == (likelihood, impact)]
        if here:
            text += "\n" + ", ".join(s.capitalize() for s in here) + " rating"
        return text

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            cell = self.cell_at(event.pos())
            if cell is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), self.describe(*cell), self)
            return True
        return super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        cell = self.cell_at(event.position().toPoint()) if self._clickable else None
        if cell is not None and event.button() == Qt.MouseButton.LeftButton:
            self.cellClicked.emit(*cell)
            return
        super().mousePressEvent(event)


def level_or_none(criteria: Criteria, likelihood: int, impact: int) -> Level | None:
    """The cell's level; None where criteria being edited leave a gap (or name a lost level)."""
    try:
        return criteria.level(likelihood, impact)
    except (ValidationError, IndexError):
        return None
