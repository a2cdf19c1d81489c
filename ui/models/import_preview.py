"""Tables of the import wizard: a sheet's first rows as read, and the preview of every row."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QFont

from isms.io.importing.fields import FIELDS_BY_KIND
from isms.io.importing.headers import Header, Row
from isms.io.importing.mapping import column_letter
from isms.io.importing.plan import ImportPlan, RowVerdict

from .list_table import ListColumn, ListTableModel
from .register_table import display_text

#: Row statuses in the order the preview lists and counts them, with their colours: soft fills
#: and dark text, readable on light and dark palettes (as the message bars).
STATUSES = ("new", "update", "unchanged", "warning", "error")
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    "new": ("#e3f4e1", "#1e4620"),
    "update": ("#e8f1fb", "#0d3c61"),
    "unchanged": ("#eeeeee", "#424242"),
    "warning": ("#fff4d6", "#663c00"),
    "error": ("#fdecea", "#611a15"),
}
STATUS_LABELS = {"new": "New", "update": "Update", "unchanged": "Unchanged",
                 "warning": "Warning", "error": "Error"}

#: The preview's filter choices besides single statuses.
ALL, PROBLEMS = "all", "problems"


class SheetRowsModel(ListTableModel[Row]):
    """The first rows of a sheet as read (row number, then one column per sheet column), the
    header rows in bold on a tinted background so the user sees where the column names are."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__((), None, parent)
        self._header: Header | None = None
        self._bold = QFont()
        self._bold.setBold(True)

    def set_sheet(self, rows: Sequence[Row], header: Header | None) -> None:
        width = max((len(cells) for _n, cells in rows), default=0)
        self.beginResetModel()
        self._columns = (
            ListColumn[Row]("Row", lambda r: str(r[0]), "Row number in the sheet", centred=True),
            *(ListColumn[Row](column_letter(i), _cell_text(i)) for i in range(width)),
        )
        self._rows = list(rows)
        self._header = header
        self.endResetModel()

    def _in_header(self, row: Row) -> bool:
        return self._header is not None and (
            self._header.first_row <= row[0] <= self._header.last_row)

    def cell_data(self, row: Row, column: int, role: int) -> Any:
        if not self._in_header(row):
            return None
        if role == Qt.ItemDataRole.FontRole:
            return self._bold
        if role == Qt.ItemDataRole.BackgroundRole:
            return QColor(STATUS_COLOURS["update"][0])
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(STATUS_COLOURS["update"][1])
        return None


def _cell_text(index: int) -> Callable[[Row], str]:
    def text(row: Row) -> str:
        cells = row[1]
        return " ".join(display_text(cells[index]).split()) if index < len(cells) else ""

    return text


class PreviewModel(ListTableModel[RowVerdict]):
    """One line per row of the file: its status (coloured), the record it is, and what happens
    or what to fix. ``set_filter`` shows one status, the rows with problems, or all."""

    def __init__(self, parent: QObject | None = None) -> None:
        columns = (
            ListColumn[RowVerdict]("Row", lambda v: str(v.row), "Row number in the sheet",
                                   centred=True),
            ListColumn[RowVerdict]("Status", lambda v: STATUS_LABELS[v.status],
                                   "New, update, unchanged, warning (taken, with a note) or "
                                   "error (not taken)"),
            ListColumn[RowVerdict]("Record", record_label, "What the row is, as the file has it"),
            ListColumn[RowVerdict]("Details", self.details,
                                   "What to fix (naming the column), or what an update changes"),
        )
        super().__init__(columns, self.details, parent)
        self._plan: ImportPlan | None = None
        self._filter = ALL
        self._labels: dict[str, str] = {}

    def set_plan(self, plan: ImportPlan) -> None:
        self._plan = plan
        self._labels = {f.key: f.label for f in FIELDS_BY_KIND[plan.kind]}
        self._select()

    def set_filter(self, which: str) -> None:
        """``ALL``, ``PROBLEMS`` (warnings and errors) or one of ``STATUSES``."""
        self._filter = which
        self._select()

    def _select(self) -> None:
        rows = self._plan.rows if self._plan is not None else []
        if self._filter != ALL:
            rows = [r for r in rows if shown_under(r, self._filter)]
        self.set_rows(rows)

    def details(self, verdict: RowVerdict) -> str:
        if verdict.issues:
            return verdict.message
        if verdict.action == "update":
            return "Changes " + "; ".join(
                self._change(key, before, after) for key, (before, after) in verdict.changes.items()
            )
        if verdict.action == "unchanged":
            return "Already in the register as the file has it"
        return ""

    def _change(self, key: str, before: object, after: object) -> str:
        name = self._labels.get(key.removesuffix("_id"), key.replace("_", " "))
        if key.endswith("_id"):  # a person, department or marking, held by id
            return f"{name}"
        return f"{name}: {display_text(before) or '(blank)'} → {display_text(after) or '(blank)'}"

    def cell_data(self, row: RowVerdict, column: int, role: int) -> Any:
        if column != 1:
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            return QColor(STATUS_COLOURS[row.status][0])
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(STATUS_COLOURS[row.status][1])
        return None


def shown_under(verdict: RowVerdict, which: str) -> bool:
    """Whether the row belongs under a filter. As in ``ImportPlan.counts``, a row with only a
    warning is still new or an update (it is imported) as well as a warning."""
    if which == PROBLEMS:
        return bool(verdict.issues)
    if which == "error":
        return verdict.has_error
    if which == "warning":
        return bool(verdict.issues) and not verdict.has_error
    return not verdict.has_error and verdict.action == which


def record_label(verdict: RowVerdict) -> str:
    """The row's record in its own words: reference and name (or title, or asset and stage)."""
    values = verdict.values
    parts = [str(values[key]) for key in ("ref", "name", "title", "asset", "stage")
             if values.get(key) not in (None, "")]
    return " · ".join(" ".join(p.split()) for p in parts)
