"""One register page: a search box over a table that is filtered and sorted in SQL."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from isms.db import Register

from ..models.register_table import RegisterTableModel
from ..settings import PAGE_COLUMNS, PAGE_HEADER
from ..widgets.tables import read_only_table

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings


@dataclass(frozen=True)
class PageSpec:
    """What a register page is called and shows; the main window lists them."""

    key: str  # settings prefix, and the key of its total in queries.counts()
    noun: str
    plural: str
    label: str  # in the navigation list and the View menu
    searched: str  # what the search box looks in (the queries' search= conditions)
    model: Callable[[Register], RegisterTableModel]
    sort: str | None = None  # the column key sorted by until the user picks one (None: first)
    descending: bool = False


class SearchBox(QLineEdit):
    """A search field that Escape clears (and only then passes Escape on, e.g. to a dialog)."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        super().keyPressEvent(event)


class RegisterPage(QWidget):
    """A register table with search-as-you-type.

    Each keystroke restarts a short timer; only when typing pauses does the model run its SQL
    query, so a fast typist costs one query, not one per letter.
    """

    SEARCH_DELAY_MS = 250

    def __init__(
        self, spec: PageSpec, model: RegisterTableModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.key = spec.key
        self._noun, self._plural = spec.noun, spec.plural
        self._default_sort = spec.sort, spec.descending
        self._total: int | None = None  # rows without search or filter; None: not counted yet
        self._waiting = False  # started, but the rows wait until the page is first shown
        self.model = model
        model.setParent(self)

        self.search = SearchBox()
        self.search.setPlaceholderText(f"Search {spec.plural} by {spec.searched}  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(f"Search {spec.plural}")
        self.summary = QLabel()
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # "12 risks in cell L4 × I3 ✕": the rows picked elsewhere (dashboard); a click clears it.
        self.chip = QToolButton()
        self.chip.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.chip.setAutoRaise(False)
        self.chip.clicked.connect(self.clear_ids_filter)
        self.chip.hide()

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(self.SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self._apply_search)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self._apply_search)

        self.table = self._make_table(model)
        model.modelReset.connect(self._update_summary)

        top = self.top_row = QHBoxLayout()  # pages with actions add their buttons here
        top.addWidget(self.chip)
        top.addWidget(self.search, 1)
        top.addWidget(self.summary)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

    def _make_table(self, model: RegisterTableModel) -> QTableView:
        table = read_only_table(model, self._plural.capitalize())
        table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionsMovable(True)
        text = table.fontMetrics()
        sort_arrow = header.fontMetrics().height()
        for number, column in enumerate(model.columns):
            # Room for a typical value, and for the label with the sort arrow, whichever is wider.
            header.resizeSection(number, max(text.horizontalAdvance(column.sample) + 16,
                                             header.sectionSizeHint(number) + sort_arrow))
        self._stretch = next((n for n, c in enumerate(model.columns) if c.stretch), None)
        self._stretch_min = header.sectionSize(self._stretch) if self._stretch is not None else 0
        sort_key, descending = self._default_sort
        keys = [column.key for column in model.columns]
        header.setSortIndicator(keys.index(sort_key) if sort_key in keys else 0,
                                Qt.SortOrder.DescendingOrder if descending
                                else Qt.SortOrder.AscendingOrder)
        header.sectionResized.connect(self._on_section_resized)
        table.viewport().installEventFilter(self)
        return table

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Resize and watched is self.table.viewport():
            self._fit_stretch_column()
        return False

    def _on_section_resized(self, section: int, _old: int, _new: int) -> None:
        if section != self._stretch:
            self._fit_stretch_column()

    def _fit_stretch_column(self) -> None:
        """Give the name/title column the spare width, but never less than its sample needs.

        Unlike QHeaderView's Stretch mode this keeps the column readable in a narrow window (the
        table scrolls sideways instead) and leaves it resizable.
        """
        if self._stretch is None:
            return
        header = self.table.horizontalHeader()
        others = sum(header.sectionSize(n) for n in range(header.count())
                     if n != self._stretch and not header.isSectionHidden(n))
        spare = self.table.viewport().width() - others
        header.resizeSection(self._stretch, max(self._stretch_min, spare))

    # --- actions -------------------------------------------------------------------------

    def start(self, total: int | None = None) -> None:
        """Restore the column layout and sort the user left; rows load when the page shows.
        ``total`` (its rows without search or filter) is counted when needed if not given."""
        self._total = total
        state = PAGE_HEADER.of(self.key).get()
        if state and PAGE_COLUMNS.of(self.key).get() == self._column_keys():
            self.table.horizontalHeader().restoreState(state)
        self._waiting = True
        if self.isVisible():
            self._load()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._waiting:
            self._load()

    def _load(self) -> None:
        # Pages the user has not looked at cost nothing at start-up: the window paints sooner.
        self._waiting = False
        # Enabling sorting sorts by the header's indicator at once: that is the first query.
        self.table.setSortingEnabled(True)

    def save(self, store: QSettings | None = None) -> None:
        PAGE_HEADER.of(self.key).set(bytes(self.table.horizontalHeader().saveState().data()),
                                     store)
        PAGE_COLUMNS.of(self.key).set(self._column_keys(), store)

    def _column_keys(self) -> str:
        # Saved header layouts only fit the columns they were saved with.
        return ",".join(column.key for column in self.model.columns)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def refresh(self, total: int | None = None) -> None:
        self._total = total
        if not self._waiting:
            self.model.refresh()

    def set_department(self, department: int | None, total: int | None = None) -> None:
        """Show one department's rows (None: the whole council); ``total`` is its count (None:
        counted when the summary needs it)."""
        self._total = total
        self.model.set_department(department)
        self._update_summary()

    def show_only(self, ids: Collection[int], label: str) -> None:
        """Limit the table to ``ids`` with a removable chip saying why (``label``)."""
        self.chip.setText(f"{label}  ✕")
        self.chip.setToolTip("Show every row again")
        self.chip.setAccessibleName(f"Remove the filter: {label}")
        self.chip.show()
        self.model.set_ids_filter(ids)
        if self._waiting:
            self._load()

    def clear_ids_filter(self) -> None:
        self.chip.hide()
        if self.model.ids_filter is not None:
            self.model.set_ids_filter(None)

    def select_id(self, record_id: int) -> None:
        """Select and scroll to the row of ``record_id`` (after a save), if the page shows it."""
        row = self.model.row_of(record_id)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def selected_ids(self) -> list[int]:
        """The ids of the selected rows, in the order shown."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [self.model.row_id(row) for row in rows]

    def _apply_search(self) -> None:
        self._debounce.stop()
        self.model.set_search(self.search.text())

    def _update_summary(self) -> None:
        shown = self.model.rowCount()
        noun = self._noun if shown == 1 else self._plural
        if self.model.search or self.model.ids_filter is not None:
            if self._total is None:
                self._total = self.model.count_all()
            self.summary.setText(f"{shown:,} of {self._total:,} {self._plural} match")
            return
        if self.model.loaded:
            self._total = shown  # every row is shown: the count is free
        if shown == 0:
            self.summary.setText(f"No {self._plural} in this register yet")
        else:
            self.summary.setText(f"{shown:,} {noun}")
