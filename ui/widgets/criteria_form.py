"""Editors for the parts of the risk criteria: a scale's points, and the risk levels.

Each editor shows one part as rows of plain widgets and hands it back as the ``isms.method``
types (``ScalePoint``, ``Level``), without checking them: the dialog validates the whole with
``Criteria.validate()`` so there is one set of rules, the register's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QPixmap
from PySide6.QtWidgets import (
    QColorDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from isms.method.criteria import Level, ScalePoint

MIN_POINTS, MAX_POINTS = 2, 10  # what Criteria.validate() accepts; the buttons keep to it


def ask_colour(parent: QWidget, current: str, title: str) -> str | None:
    """The colour the user picks, as "#rrggbb", or None when they cancel (tests replace this)."""
    chosen = QColorDialog.getColor(QColor(current), parent, title)
    return chosen.name() if chosen.isValid() else None


def _remove_button(tooltip: str, on_click: Callable[[], object]) -> QToolButton:
    button = QToolButton()
    button.setText("✕")
    button.setToolTip(tooltip)
    button.setAccessibleName(tooltip)
    button.setAutoRaise(True)
    button.clicked.connect(on_click)
    return button


def _header(*columns: tuple[str, int]) -> QHBoxLayout:
    """A row of bold column headings over rows of widgets; width 0 lets a heading stretch."""
    row = QHBoxLayout()
    for text, width in columns:
        label = QLabel(f"<b>{text}</b>")
        if width:
            label.setFixedWidth(width)
            row.addWidget(label)
        else:
            row.addWidget(label, 1)
    return row


def _column_width(widget: QWidget, heading: str, sample: str, padding: int) -> int:
    """Wide enough for a typical value and for its (bold) heading, whichever is wider."""
    bold = QFont(widget.font())
    bold.setBold(True)
    return max(widget.fontMetrics().horizontalAdvance(sample) + padding,
               QFontMetrics(bold).horizontalAdvance(heading) + 8)


def _show_start(edit: QLineEdit, text: str) -> None:
    """Long text shows its beginning (not its end) and reads in full in the tooltip."""
    edit.setText(text)
    edit.setCursorPosition(0)
    edit.setToolTip(text)


class _RowsEditor(QWidget):
    """Headed rows of widgets with an "Add…" button under them; subclasses make the rows."""

    changed = Signal()

    def __init__(self, add_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows_layout = QVBoxLayout()
        self._rows_layout.setSpacing(4)
        self.add_button = QPushButton(add_text)

    def _lay_out(self, header: QHBoxLayout) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addLayout(self._rows_layout)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def _remove_widget(self, widget: QWidget) -> None:
        self._rows_layout.removeWidget(widget)
        widget.deleteLater()


# --- scales ---------------------------------------------------------------------------------


@dataclass
class _PointRow:
    widget: QWidget
    number: QLabel
    label: QLineEdit
    description: QLineEdit
    remove: QToolButton
    #: Per-impact-area wording; not edited here, but kept with its point.
    areas: dict[str, str] = field(default_factory=dict)


class ScaleEditor(_RowsEditor):
    """The points of one scale (likelihood or impact), lowest first; values are positions."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(f"Add {name} point", parent)
        self.name = name
        self.rows: list[_PointRow] = []
        self.add_button.clicked.connect(lambda: self.add_point())
        metrics = self.fontMetrics()
        self._number_width = metrics.horizontalAdvance("10") + 12
        self._label_width = metrics.horizontalAdvance("Almost certain") + 24
        self._lay_out(_header(("", self._number_width), ("Label", self._label_width),
                              ("Description", 0)))

    def set_points(self, points: Sequence[ScalePoint]) -> None:
        while self.rows:
            self._drop(self.rows[-1])
        for point in points:
            self._append(point.label, point.description, dict(point.areas))
        self._renumber()

    def points(self) -> tuple[ScalePoint, ...]:
        return tuple(
            ScalePoint(n, row.label.text().strip(), row.description.text().strip(),
                       dict(row.areas))
            for n, row in enumerate(self.rows, start=1)
        )

    def add_point(self, label: str = "", description: str = "") -> None:
        """A new point at the top of the scale (the most likely / most severe end)."""
        if len(self.rows) >= MAX_POINTS:
            return
        row = self._append(label, description, {})
        self._renumber()
        row.label.setFocus()
        self.changed.emit()

    def remove_point(self, index: int) -> None:
        if len(self.rows) <= MIN_POINTS or not 0 <= index < len(self.rows):
            return
        self._drop(self.rows[index])
        self._renumber()
        self.changed.emit()

    def _append(self, label: str, description: str, areas: dict[str, str]) -> _PointRow:
        widget = QWidget()
        number = QLabel()
        number.setFixedWidth(self._number_width)
        number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label_edit = QLineEdit(label)
        label_edit.setFixedWidth(self._label_width)
        description_edit = QLineEdit()
        _show_start(description_edit, description)
        row = _PointRow(widget, number, label_edit, description_edit, QToolButton(), areas)
        row.remove = _remove_button(f"Remove this {self.name} point",
                                    lambda: self.remove_point(self.rows.index(row)))
        line = QHBoxLayout(widget)
        line.setContentsMargins(0, 0, 0, 0)
        for part in (number, label_edit):
            line.addWidget(part)
        line.addWidget(description_edit, 1)
        line.addWidget(row.remove)
        label_edit.textChanged.connect(self.changed)
        description_edit.textChanged.connect(self.changed)
        description_edit.textChanged.connect(description_edit.setToolTip)
        self.rows.append(row)
        self._rows_layout.addWidget(widget)
        return row

    def _drop(self, row: _PointRow) -> None:
        self.rows.remove(row)
        self._remove_widget(row.widget)

    def _renumber(self) -> None:
        for n, row in enumerate(self.rows, start=1):
            row.number.setText(str(n))
            row.label.setAccessibleName(f"{self.name.capitalize()} {n} label")
            row.description.setAccessibleName(f"{self.name.capitalize()} {n} description")
            row.remove.setEnabled(len(self.rows) > MIN_POINTS)
        self.add_button.setEnabled(len(self.rows) < MAX_POINTS)


# --- levels ---------------------------------------------------------------------------------


@dataclass
class _LevelRow:
    widget: QWidget
    name: QLineEdit
    low: QSpinBox
    high: QSpinBox
    colour: QPushButton
    cadence: QSpinBox
    remove: QToolButton
    colour_value: str = "#808080"


def _swatch(colour: str, size: int) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class LevelsEditor(_RowsEditor):
    """The risk levels, mildest first: name, score range, colour and review cadence."""

    #: A level's row was removed (its position): lookup cells naming it must move.
    removed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Add level", parent)
        self.rows: list[_LevelRow] = []
        self._widths = {
            "name": _column_width(self, "Level", "Very high risk", 24),
            "score": _column_width(self, "From score", "100", 44),
            "colour": _column_width(self, "Colour", "#000000", 48),
            "cadence": _column_width(self, "Review every", "3650 days", 44),
        }
        self.add_button.setToolTip("Add a level above the most severe one")
        self.add_button.clicked.connect(lambda: self.add_level())
        widths = self._widths
        self._lay_out(_header(("Level", widths["name"]),
                              ("From score", widths["score"]), ("To score", widths["score"]),
                              ("Colour", widths["colour"]), ("Review every", widths["cadence"]),
                              ("", 0)))

    def set_levels(self, levels: Sequence[Level], cadence: dict[str, int]) -> None:
        while self.rows:
            self._drop(self.rows[-1])
        for level in levels:
            self._append(level, cadence.get(level.name, 365))
        self._update_buttons()

    def levels(self) -> tuple[Level, ...]:
        return tuple(Level(row.name.text().strip(), row.low.value(), row.high.value(),
                           row.colour_value) for row in self.rows)

    def cadence(self) -> dict[str, int]:
        return {row.name.text().strip(): row.cadence.value() for row in self.rows}

    def names(self) -> list[str]:
        return [row.name.text().strip() for row in self.rows]

    def set_scores_editable(self, editable: bool) -> None:
        """Score ranges only mean something for a product matrix (a lookup names levels)."""
        for row in self.rows:
            row.low.setEnabled(editable)
            row.high.setEnabled(editable)

    def add_level(self) -> None:
        top = self.rows[-1] if self.rows else None
        start = top.high.value() + 1 if top else 1
        self._append(Level(f"Level {len(self.rows) + 1}", start, start, "#7b1fa2"),
                     top.cadence.value() if top else 365)
        self.rows[-1].name.setFocus()
        self.rows[-1].name.selectAll()
        self._update_buttons()
        self.changed.emit()

    def remove_level(self, index: int) -> None:
        if len(self.rows) <= 1 or not 0 <= index < len(self.rows):
            return
        self._drop(self.rows[index])
        self._update_buttons()
        self.removed.emit(index)
        self.changed.emit()

    def set_colour(self, index: int, colour: str) -> None:
        row = self.rows[index]
        row.colour_value = colour
        row.colour.setText(colour)
        row.colour.setIcon(_swatch(colour, self.fontMetrics().height()))
        self.changed.emit()

    def choose_colour(self, index: int) -> None:
        row = self.rows[index]
        chosen = ask_colour(self, row.colour_value, f"Colour of the level {row.name.text()}")
        if chosen:
            self.set_colour(index, chosen)

    def _append(self, level: Level, cadence: int) -> None:
        widths = self._widths
        widget = QWidget()
        name = QLineEdit(level.name)
        name.setFixedWidth(widths["name"])
        low, high = QSpinBox(), QSpinBox()
        for box, value in ((low, level.min_score), (high, level.max_score)):
            box.setRange(0, 100)  # 10 x 10 is the largest matrix the criteria allow
            box.setValue(value)
            box.setFixedWidth(widths["score"])
        colour = QPushButton()
        colour.setFixedWidth(widths["colour"])
        days = QSpinBox()
        # 0 is allowed here so that the criteria's own check can say why it is wrong.
        days.setRange(0, 3650)
        days.setSuffix(" days")
        days.setValue(cadence)
        days.setFixedWidth(widths["cadence"])
        row = _LevelRow(widget, name, low, high, colour, days, QToolButton(), level.colour)
        row.remove = _remove_button("Remove this level",
                                    lambda: self.remove_level(self.rows.index(row)))
        colour.clicked.connect(lambda: self.choose_colour(self.rows.index(row)))
        line = QHBoxLayout(widget)
        line.setContentsMargins(0, 0, 0, 0)
        for part in (name, low, high, colour, days):
            line.addWidget(part)
        line.addWidget(row.remove)
        line.addStretch(1)
        name.textChanged.connect(self.changed)
        for box in (low, high, days):
            box.valueChanged.connect(self.changed)
        self.rows.append(row)
        self._rows_layout.addWidget(widget)
        colour.setText(level.colour)
        colour.setIcon(_swatch(level.colour, self.fontMetrics().height()))
        self._label(row)

    def _label(self, row: _LevelRow) -> None:
        n = self.rows.index(row) + 1
        for widget, what in ((row.name, "name"), (row.low, "lowest score"),
                             (row.high, "highest score"), (row.colour, "colour"),
                             (row.cadence, "review cadence")):
            widget.setAccessibleName(f"Level {n} {what}")

    def _drop(self, row: _LevelRow) -> None:
        self.rows.remove(row)
        self._remove_widget(row.widget)

    def _update_buttons(self) -> None:
        for row in self.rows:
            row.remove.setEnabled(len(self.rows) > 1)
            self._label(row)
