"""Second page: which sheet, and where its column names are."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from isms.errors import IsmsError
from isms.io.importing.headers import SEARCH_ROWS

from ...models.import_preview import SheetRowsModel
from ...widgets.tables import read_only_table
from .base import ImportPage
from .state import ImportState, look_at_sheet, rows_text

AUTOMATIC = 0  # the header row spin box's "found automatically"


def sheet_label(name: str, hidden: bool, rows: int | None) -> str:
    text = name + (" (hidden)" if hidden else "")
    if rows is not None:
        text += f" — {rows_text(rows)}"
    return text


class SheetPage(ImportPage):
    def __init__(self, state: ImportState, parent: QWidget | None = None) -> None:
        super().__init__(state, "Choose the sheet",
                         "Hidden sheets are listed but not chosen for you. The rows taken as "
                         "column names are highlighted; set the row by hand if they are wrong.",
                         parent)
        self.sheets = QListWidget()
        self.sheets.setAccessibleName("Sheets")
        self.sheets.currentRowChanged.connect(lambda _row: self.look())

        self.header_row = QSpinBox()
        self.header_row.setAccessibleName("Header row")
        self.header_row.setRange(AUTOMATIC, SEARCH_ROWS + 1)
        self.header_row.setSpecialValueText("found automatically")
        self.header_row.setPrefix("row ")
        self.header_row.setToolTip("The row holding the column names (the last one, when they "
                                   "are written over several rows)")
        self.header_row.valueChanged.connect(lambda _value: self.look())
        self.found = QLabel()
        self.found.setWordWrap(True)
        self.found.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.rows_model = SheetRowsModel(self)
        self.rows = read_only_table(self.rows_model, "First rows of the sheet")
        self.rows.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)

        header_line = QHBoxLayout()
        header_line.addWidget(QLabel("Column names on:"))
        header_line.addWidget(self.header_row)
        header_line.addWidget(self.found, 1)
        right = QVBoxLayout()
        right.addLayout(header_line)
        right.addWidget(self.rows, 1)
        left = QVBoxLayout()
        left.addWidget(QLabel("Sheets:"))
        left.addWidget(self.sheets, 1)
        columns = QHBoxLayout()
        columns.addLayout(left)
        columns.addLayout(right, 1)
        self.body.addLayout(columns, 1)

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        state = self.state
        self.sheets.blockSignals(True)
        self.sheets.clear()
        default = 0
        for number, info in enumerate(state.sheets):
            item = QListWidgetItem(sheet_label(info.name, info.hidden, info.rows))
            item.setData(Qt.ItemDataRole.UserRole, info.name)
            if info.hidden:
                item.setToolTip("A hidden sheet in the workbook")
                item.setForeground(self.palette().placeholderText())
            self.sheets.addItem(item)
            if info.name == state.default_sheet:
                default = number
        self.sheets.setCurrentRow(default)
        self.sheets.blockSignals(False)
        widest = max((self.sheets.fontMetrics().horizontalAdvance(self.sheets.item(n).text())
                      for n in range(self.sheets.count())), default=0)
        self.sheets.setFixedWidth(min(max(widest + 32, 140), 280))
        self.header_row.blockSignals(True)
        self.header_row.setValue(AUTOMATIC)
        self.header_row.blockSignals(False)
        self.look()

    @property
    def sheet(self) -> str:
        item = self.sheets.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else ""

    def choose_sheet(self, name: str) -> None:
        for row in range(self.sheets.count()):
            if self.sheets.item(row).data(Qt.ItemDataRole.UserRole) == name:
                self.sheets.setCurrentRow(row)

    def look(self) -> None:
        """Find the header of the chosen sheet (or take the row set by hand) and show it."""
        state = self.state
        if state.path is None or not self.sheet:
            return
        by_hand = self.header_row.value() or None
        try:
            look = look_at_sheet(state.register, state.path, state.kind, self.sheet, by_hand,
                                 state.department_id, state.encoding)
        except IsmsError as exc:
            state.look = None
            self.rows_model.set_sheet([], None)
            self.found.setText("")
            self.message.error(str(exc) + ("" if by_hand else
                                           " Set the row of column names by hand."),
                               focus=self.header_row)
        else:
            state.look = look
            self.message.clear()
            self.rows_model.set_sheet(look.first_rows, look.header)
            header = look.header
            rows = (f"row {header.first_row}" if header.first_row == header.last_row
                    else f"rows {header.first_row}–{header.last_row}")
            self.found.setText(f"Column names taken from {rows}, as you set." if by_hand
                               else f"Column names found on {rows} (highlighted).")
            self._fit_columns(header.first_row)
        self.completeChanged.emit()

    def _fit_columns(self, first_row: int) -> None:
        """Columns as wide as the header and data need; a title above the header (one text in
        the row) spans the row instead of widening its column."""
        metrics = self.rows.fontMetrics()
        model = self.rows_model
        self.rows.clearSpans()
        lines = []
        for n in range(model.rowCount()):
            number, cells = model.row(n)
            if number >= first_row:
                lines.append(n)
            elif model.columnCount() > 2 and sum(1 for v in cells if v not in (None, "")) == 1:
                filled = next(i for i, v in enumerate(cells) if v not in (None, ""))
                self.rows.setSpan(n, filled + 1, 1, model.columnCount() - filled - 1)
        bold = self.rows.font()
        bold.setBold(True)  # the header rows are drawn in bold, and are wider
        bold_metrics = QFontMetrics(bold)
        for column in range(model.columnCount()):
            widest = bold_metrics.horizontalAdvance(
                str(model.headerData(column, Qt.Orientation.Horizontal)))
            for n in lines:
                index = model.index(n, column)
                font_metrics = bold_metrics if index.data(Qt.ItemDataRole.FontRole) else metrics
                widest = max(widest, font_metrics.horizontalAdvance(str(index.data() or "")))
            self.rows.setColumnWidth(column, min(max(widest + 20, 40), 240))

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        return self.state.look is not None
