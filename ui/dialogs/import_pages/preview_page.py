"""Fourth page: what the import would do to each row, before anything is written."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QWidget,
)

from isms.errors import IsmsError
from isms.io.importing.plan import ImportPlan

from ...desktop import open_folder
from ...models.import_preview import (
    ALL,
    PROBLEMS,
    STATUS_COLOURS,
    STATUS_LABELS,
    STATUSES,
    PreviewModel,
)
from ...widgets.tables import read_only_table
from .base import ImportPage
from .state import ImportState, rows_text, write_errors


def ask_save_path(parent: QWidget, suggested: Path) -> Path | None:
    """Where the user wants the error workbook, or None when they cancel (tests replace this)."""
    chosen, _ = QFileDialog.getSaveFileName(parent, "Write the error workbook", str(suggested),
                                            "Excel workbook (*.xlsx)")
    if not chosen:
        return None
    path = Path(chosen)
    return path if path.suffix.lower() == ".xlsx" else path.with_name(path.name + ".xlsx")


def plan_summary(plan: ImportPlan, noun: str, plural: str) -> str:
    """'8 rows: 3 new assets, 3 to update, 1 unchanged. 1 row has errors: it is not imported.'"""
    counts = plan.counts
    text = (f"{rows_text(counts['rows'])} read from sheet {plan.sheet}: {counts['new']:,} new "
            f"{noun if counts['new'] == 1 else plural}, {counts['update']:,} to update, "
            f"{counts['unchanged']:,} unchanged.")
    if counts["warning"]:
        has = "has a warning" if counts["warning"] == 1 else "have warnings"
        text += f" {rows_text(counts['warning'])} {has}: imported, with a note."
    if counts["error"]:
        has = "has errors" if counts["error"] == 1 else "have errors"
        text += f" {rows_text(counts['error'])} {has}: not imported."
    return text


def _chip(status: str, count: int) -> QLabel:
    background, text = STATUS_COLOURS[status]
    chip = QLabel(f"{STATUS_LABELS[status]}  <b>{count:,}</b>")
    chip.setStyleSheet(f"QLabel {{ background: {background}; color: {text}; border-radius: 9px;"
                       " padding: 2px 10px; }")
    chip.setAccessibleName(f"{STATUS_LABELS[status]}: {count}")
    return chip


class PreviewPage(ImportPage):
    def __init__(self, state: ImportState, parent: QWidget | None = None) -> None:
        super().__init__(state, "Check the preview",
                         "Nothing has been written yet. Rows with errors are not imported; the "
                         "error workbook lists them for the department to correct.", parent)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.chips = QHBoxLayout()
        self.show_filter = QComboBox()
        self.show_filter.setAccessibleName("Show rows")
        self.show_filter.currentIndexChanged.connect(self._filter_changed)
        chips_row = QHBoxLayout()
        chips_row.addLayout(self.chips)
        chips_row.addStretch(1)
        chips_row.addWidget(QLabel("Show:"))
        chips_row.addWidget(self.show_filter)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.model = PreviewModel(self)
        self.table = read_only_table(self.model, "Preview of the rows", single=True)
        self.table.selectionModel().currentRowChanged.connect(self._show_details)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAccessibleName("The selected row in full")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.write_button = QPushButton("&Write error workbook…")
        self.write_button.setToolTip("An .xlsx of the file's rows, each with its status and what "
                                     "to fix, to send back to the department")
        self.write_button.clicked.connect(self.write_error_workbook)
        buttons = QHBoxLayout()
        buttons.addWidget(self.write_button)
        buttons.addStretch(1)

        self.body.addWidget(self.summary)
        self.body.addLayout(chips_row)
        self.body.addWidget(self.notes)
        self.body.addWidget(self.table, 1)
        self.body.addWidget(self.details)
        self.body.addLayout(buttons)

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        plan = self.state.plan
        assert plan is not None
        self.message.clear()
        self.model.set_plan(plan)
        self.summary.setText(plan_summary(plan, self.state.noun, self.state.plural))
        counts = plan.counts
        while self.chips.count():
            item = self.chips.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for status in STATUSES:
            if counts[status]:
                self.chips.addWidget(_chip(status, counts[status]))
        self.show_filter.blockSignals(True)
        self.show_filter.clear()
        self.show_filter.addItem(f"All rows ({len(plan.rows):,})", ALL)
        problems = counts["warning"] + counts["error"]
        self.show_filter.addItem(f"Rows with problems ({problems:,})", PROBLEMS)
        for status in STATUSES:
            self.show_filter.addItem(f"{STATUS_LABELS[status]} ({counts[status]:,})", status)
        # Problems first when there are any: they are what the user has to act on.
        self.show_filter.setCurrentIndex(1 if problems else 0)
        self.show_filter.blockSignals(False)
        self._filter_changed()
        notes = list(plan.notes)
        self.notes.setText("\n".join(f"• {note}" for note in notes))
        self.notes.setVisible(bool(notes))
        self.write_button.setEnabled(bool(problems))
        self._size_columns()

    def _size_columns(self) -> None:
        metrics = self.fontMetrics()
        widths = (metrics.horizontalAdvance("00000") + 24,
                  metrics.horizontalAdvance("Unchanged") + 24,
                  metrics.horizontalAdvance("ENV-0042 · Public rights of way definitive") + 24)
        for column, width in enumerate(widths):
            self.table.setColumnWidth(column, width)

    def show_status(self, which: str) -> None:
        """Filter the table: ``ALL``, ``PROBLEMS`` or one status."""
        self.show_filter.setCurrentIndex(max(self.show_filter.findData(which), 0))

    def _filter_changed(self) -> None:
        which = self.show_filter.currentData()
        self.model.set_filter(which if isinstance(which, str) else ALL)
        if self.model.rowCount():
            self.table.selectRow(0)
        else:
            self.details.clear()

    def _show_details(self, current: QModelIndex) -> None:
        """The selected row's message in full: the table cuts long ones short."""
        if not current.isValid():
            self.details.clear()
            return
        verdict = self.model.row(current.row())
        self.details.setText(f"Row {verdict.row}: "
                             f"{self.model.details(verdict) or 'imported as new.'}")

    def write_error_workbook(self) -> None:
        state, plan = self.state, self.state.plan
        assert plan is not None and state.path is not None
        suggested = state.path.with_name(f"{state.path.stem} - rows to correct.xlsx")
        target = ask_save_path(self, suggested)
        if target is None:
            return
        try:
            written = write_errors(plan, state.path, target, state.encoding)
        except IsmsError as exc:
            self.message.error(str(exc))
            return
        except OSError as exc:
            self.message.error(f"Could not write {target.name}: {exc.strerror or exc}.")
            return
        self.message.show_message(
            "info", f"Wrote {written.name}: every row with its status and what to fix.",
            ("Open folder", lambda: open_folder(self, written.parent)),
        )
