"""A department's round-trip workbook coming back (File → Import → Department round trip…): each
row compared with what was exported, the changed cells highlighted, and a tick per row saying
which rows to take. Conflicts (the register changed the asset since the export) start unticked
and show what the register changed; rows with errors cannot be ticked.

The comparison and the writing are ``isms.services.imports`` calls, the same as ``isms import
assets FILE`` makes on a round-trip file.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from isms.db import Register
from isms.errors import IsmsError
from isms.services.imports import round_trip
from isms.services.imports.batch_writer import ImportResult
from isms.services.imports.comparison import open_comparison, write_round_trip

from ..widgets.message_bar import MessageBar
from .base import RememberedDialog

#: A cell the department changed, and one the register changed since the export (a conflict).
CHANGED = QColor("#fff0a8")
REGISTER_CHANGED = QColor("#ffcfc2")
#: The columns before the exported ones.
TAKE, ROW, STATUS = 0, 1, 2
_FIRST_CELL = 3


def _status_text(row: round_trip.ComparedRow) -> str:
    return "CONFLICT" if row.status == "conflict" else row.status


class RoundTripDialog(RememberedDialog):
    geometry_key = "round_trip_dialog"

    def __init__(self, register: Register, comparison: round_trip.Comparison,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.register = register
        self.comparison = comparison
        #: What the import wrote, once it has.
        self.result_of_import: ImportResult | None = None
        stamp = comparison.stamp
        self.setWindowTitle(f"Round trip: {comparison.plan.file_name} — isms")
        where = f"department {stamp.department}" if stamp.department else "the whole council"
        counts = comparison.counts
        summary = QLabel(
            f"The file {where} was sent on {stamp.exported_at[:10]}, compared row by row with "
            f"what was sent: {counts['changed']} changed, {counts['new']} new, "
            f"{counts['conflict']} in conflict with changes made in the register since, "
            f"{counts['error']} with errors, {counts['unchanged']} unchanged (not listed). "
            "Changed cells are highlighted; tick the rows to take.")
        summary.setWordWrap(True)
        self.summary = summary
        self.missing = QLabel(
            "Sent but no longer in the file (not retired by this): "
            + ", ".join(comparison.missing) if comparison.missing else "")
        self.missing.setWordWrap(True)
        self.missing.setVisible(bool(comparison.missing))
        self.rows = [r for r in comparison.rows if r.status != "unchanged"]
        self.table = self._table(stamp.columns)
        self.message = MessageBar()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self.reject)
        self.import_button = QPushButton("&Import ticked rows")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.import_ticked)
        buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.missing)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.table.itemChanged.connect(lambda _item: self._ticks_changed())
        self._ticks_changed()
        self.restore_or_resize(1100, 520)

    def _table(self, columns: tuple[str, ...]) -> QTableWidget:
        table = QTableWidget(len(self.rows), _FIRST_CELL + len(columns))
        table.setAccessibleName("Rows compared with the export")
        table.setHorizontalHeaderLabels(["Take", "Row", "Status", *columns])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for line, row in enumerate(self.rows):
            take = QTableWidgetItem()
            flags = Qt.ItemFlag.ItemIsUserCheckable
            if row.status != "error":
                flags |= Qt.ItemFlag.ItemIsEnabled
            take.setFlags(flags)
            take.setCheckState(Qt.CheckState.Checked if row.status in ("changed", "new")
                               else Qt.CheckState.Unchecked)
            table.setItem(line, TAKE, take)
            table.setItem(line, ROW, QTableWidgetItem(str(row.row)))
            status = QTableWidgetItem(_status_text(row))
            status.setToolTip("\n".join(row.problems + [
                f"Changed in the register since: {c.column} {c.before or '(blank)'} → "
                f"{c.after or '(blank)'}" for c in row.register_changes]))
            table.setItem(line, STATUS, status)
            changed = {c.column: c for c in row.changes}
            theirs = {c.column: c for c in row.register_changes}
            for offset, (column, text) in enumerate(zip(columns, row.cells, strict=False)):
                item = QTableWidgetItem(text)
                tips = []
                if column in changed and row.status != "new":
                    item.setBackground(QBrush(CHANGED))
                    tips.append(f"Sent as: {changed[column].before or '(blank)'}")
                if column in theirs:
                    item.setBackground(QBrush(REGISTER_CHANGED))
                    tips.append(f"The register has changed it since to: "
                                f"{theirs[column].after or '(blank)'}")
                item.setToolTip("\n".join(tips))
                table.setItem(line, _FIRST_CELL + offset, item)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        return table

    def ticked(self) -> set[int]:
        """The sheet row numbers ticked."""
        return {row.row for line, row in enumerate(self.rows)
                if (item := self.table.item(line, TAKE)) is not None
                and item.checkState() == Qt.CheckState.Checked}

    def set_ticked(self, row_number: int, ticked: bool) -> None:
        for line, row in enumerate(self.rows):
            item = self.table.item(line, TAKE)
            if row.row == row_number and item is not None:
                item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)

    def _ticks_changed(self) -> None:
        count = len(self.ticked())
        self.import_button.setEnabled(count > 0)
        self.import_button.setText(f"&Import {count} ticked row{'' if count == 1 else 's'}")

    def import_ticked(self) -> None:
        """Write the ticked rows as one import batch; a refusal is said and nothing written."""
        try:
            rows = round_trip.chosen_rows(self.comparison, self.ticked(), set(), False)
            with self.register.transaction() as session:
                self.result_of_import = round_trip.apply_comparison(
                    session, self.comparison, rows)
        except IsmsError as exc:
            self.message.error(str(exc))
            return
        self.accept()

    @classmethod
    def ask(cls, register: Register, path: Path,
            parent: QWidget | None = None) -> ImportResult | None:
        """Compare the workbook at ``path`` and show the comparison; what was imported, if
        anything. A file that cannot be compared is said in a message box."""
        try:
            with register.session() as session:
                comparison = open_comparison(session, path)
        except IsmsError as exc:
            QMessageBox.warning(parent, "Round trip — isms", str(exc))
            return None
        dialog = cls(register, comparison, parent)
        dialog.run()
        return dialog.result_of_import

    @classmethod
    def choose_and_ask(cls, register: Register,
                       parent: QWidget | None = None) -> ImportResult | None:
        """Ask for the workbook a department sent back, then compare it."""
        name, _filter = QFileDialog.getOpenFileName(
            parent, "Department round trip — isms", "", "Round-trip workbooks (*.xlsx)")
        return cls.ask(register, Path(name), parent) if name else None


def send_to_department(register: Register, department_id: int | None, code: str | None,
                       parent: QWidget | None = None) -> tuple[Path, int] | None:
    """Ask where to save the department's round-trip workbook and write it; (path, assets
    written), or None when the user cancelled or it could not be written (said in a box)."""
    name, _filter = QFileDialog.getSaveFileName(
        parent, "Send a department its assets — isms", f"{code or 'council'}-assets.xlsx",
        "Round-trip workbooks (*.xlsx)")
    if not name:
        return None
    path = Path(name) if name.lower().endswith(".xlsx") else Path(name + ".xlsx")
    try:
        with register.session() as session:
            count = write_round_trip(session, path, department_id)
    except (IsmsError, OSError) as exc:
        QMessageBox.warning(parent, "Send a department its assets — isms", str(exc))
        return None
    return path, count
