"""One lazy table model for every register: ids first, rows on demand.

The model holds only the ordered ids of the rows that match (one SQL query does the filtering and
sorting) and builds rows for the ids being painted, a page at a time, keeping a few pages in an LRU
cache. A 100,000-row register therefore costs one list of ints plus a few hundred small row
objects, never 100,000 ORM objects; sorting and searching never happen in Python.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Collection, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from isms.errors import IsmsError

from ..colours import text_colour_for

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

ModelIndex = QModelIndex | QPersistentModelIndex


class IdsQuery(Protocol):
    """The ordered ids of the matching rows, filtered and sorted in SQL (``queries.asset_ids``)."""

    def __call__(
        self, session: Session, *, department: int | None, search: str | None, order_by: str,
        descending: bool,
    ) -> list[int]: ...


#: Rows for the given ids (objects with an ``id`` attribute); ids no longer there are left out.
RowsQuery = Callable[["Session", Sequence[int]], Sequence[Any]]

#: A short session for one read, e.g. ``Register.reading``: a database failure inside it comes
#: out as an isms error (StorageError) in plain words.
Sessions = Callable[[], AbstractContextManager["Session"]]


@dataclass(frozen=True)
class Column:
    """One column: which row attribute it shows, its header, and how it sorts and looks.

    Attributes:
        key: attribute of the row object shown in the column.
        header: the header label, in plain words.
        sort_key: what the ids query sorts by for this column (defaults to ``key``).
        sortable: False for columns the ids query cannot sort by.
        sample: a typical widest value; the view sizes the column to fit it (the user can resize).
        stretch: the column that takes up the window's spare width.
        tooltip: header tooltip explaining the column.
        text: turns a non-empty value into the cell's text (default: see ``display_text``).
        colour: a row's cell background as "#rrggbb", or None for the normal background.
        detail: a row's cell tooltip, or None.
    """

    key: str
    header: str
    sort_key: str | None = None
    sortable: bool = True
    sample: str = "0000-00-00"
    stretch: bool = False
    tooltip: str = ""
    text: Callable[[Any], str] | None = None
    colour: Callable[[Any], str | None] | None = None
    detail: Callable[[Any], str | None] | None = None

    @property
    def order_by(self) -> str:
        return self.sort_key or self.key


def display_text(value: object) -> str:
    """A cell value as text: ISO dates, Yes/No, blanks for missing values."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_ROW_ROLES = frozenset({
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.BackgroundRole,
    Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.TextAlignmentRole,
})


class HeadedColumn(Protocol):
    @property
    def header(self) -> str: ...
    @property
    def tooltip(self) -> str: ...


class ReadOnlyTableModel(QAbstractTableModel):
    """What every read-only table answers alike: counts, flags and headers.

    Subclasses set ``_columns`` (anything with a ``header`` and a ``tooltip``) and say how many
    rows they have.
    """

    _columns: Sequence[HeadedColumn]

    def _row_total(self) -> int:
        raise NotImplementedError

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else self._row_total()

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else len(self._columns)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemNeverHasChildren)

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        # Answer directly rather than via super().headerData(): its None return is the C++ ->
        # Python conversion that aborts PySide6 6.12 on Python 3.11 (PERFORMANCE.md).
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section].header
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._columns[section].tooltip or None
        return None


class RegisterTableModel(ReadOnlyTableModel):
    """A read-only table over an ids query and a rows query.

    Each fetch opens its own short session (``sessions()``), so the model never holds a session
    between events and never shares one with another thread. Give ``Register.reading``: a read
    that fails then raises an isms error, which a page of rows shows as blanks and a reason.
    """

    #: Role that gives a row's database id without fetching the row (for editors, selections).
    IdRole = Qt.ItemDataRole.UserRole + 1
    PAGE_SIZE = 200
    CACHED_PAGES = 8

    #: Emitted when rows could not be read (the cells stay blank); carries the reason.
    fetchFailed = Signal(str)

    def __init__(
        self,
        sessions: Sessions,
        columns: Sequence[Column],
        ids: IdsQuery,
        rows: RowsQuery,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._sessions = sessions
        self._columns: tuple[Column, ...] = tuple(columns)
        self._ids_query = ids
        self._rows_query = rows
        self._ids: list[int] = []
        self._pages: OrderedDict[int, list[Any | None]] = OrderedDict()
        self._colours: dict[str, tuple[QColor, QColor]] = {}
        self._search = ""
        self._department: int | None = None
        self._only: frozenset[int] | None = None
        first_sortable = next(c for c in self._columns if c.sortable)
        self._order_by = first_sortable.order_by
        self._descending = False
        self._loaded = False

    # --- what the model shows -------------------------------------------------------------

    @property
    def columns(self) -> tuple[Column, ...]:
        return self._columns

    @property
    def search(self) -> str:
        return self._search

    @property
    def department(self) -> int | None:
        """The department (id) the rows are limited to; None for the whole council."""
        return self._department

    @property
    def ids_filter(self) -> frozenset[int] | None:
        """The ids the rows are limited to (e.g. one heat-map cell), or None."""
        return self._only

    @property
    def ids(self) -> list[int]:
        """The ids of every row, in the order shown (for exports and bulk actions)."""
        return list(self._ids)

    @property
    def sort_state(self) -> tuple[str, bool]:
        """(order_by key, descending) of the current ids query."""
        return self._order_by, self._descending

    @property
    def loaded(self) -> bool:
        """Whether the ids have been queried at least once (a page not shown yet has not)."""
        return self._loaded

    def count_all(self) -> int:
        """Rows of the department chosen, without the search or ids filter (one ids query)."""
        with self._sessions() as session:
            return len(self._ids_query(session, department=self._department, search=None,
                                       order_by=self._order_by, descending=self._descending))

    def row_id(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, row_id: int) -> int | None:
        """The row showing ``row_id`` (to select a record again after a refresh), if shown."""
        try:
            return self._ids.index(row_id)
        except ValueError:
            return None

    # --- loading ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Query the ids again (after a change, F5, a new search) and forget cached rows."""
        self._reset_to(self._fetch_ids())

    def set_search(self, text: str) -> None:
        text = text.strip()
        if self._loaded and text == self._search:
            return
        self._search = text
        self.refresh()

    def set_department(self, department: int | None) -> None:
        """Limit the rows to one department (None: the whole council); a model not loaded yet
        only remembers it for its first query."""
        changed = department != self._department
        self._department = department
        if self._loaded and changed:
            self.refresh()

    def set_ids_filter(self, ids: Collection[int] | None) -> None:
        """Show only these ids (still searched and sorted in SQL); None shows every row."""
        self._only = None if ids is None else frozenset(ids)
        if self._loaded:
            self.refresh()

    def fetch_rows(self, session: Session, ids: Sequence[int]) -> Sequence[Any]:
        """Rows for ``ids`` with the model's own rows query (an export reads them off-thread)."""
        return self._rows_query(session, ids)

    def cell_value(self, row: Any, column: int) -> object:
        """A row's value for a column as an export writes it: numbers and dates as they are,
        everything else as the text the table shows."""
        spec = self._columns[column]
        value = getattr(row, spec.key)
        if value is None:
            return None
        if isinstance(value, int | float | date) and not isinstance(value, bool):
            return value
        return spec.text(value) if spec.text else display_text(value)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in SQL; selections and other persistent indexes follow their rows."""
        if not 0 <= column < len(self._columns) or not self._columns[column].sortable:
            return
        order_by = self._columns[column].order_by
        descending = order == Qt.SortOrder.DescendingOrder
        if self._loaded and (order_by, descending) == (self._order_by, self._descending):
            return
        self._order_by, self._descending = order_by, descending
        new_ids = self._fetch_ids()
        if not self._loaded or len(new_ids) != len(self._ids) or set(new_ids) != set(self._ids):
            # Someone else added or removed rows meanwhile: a layout change cannot express that.
            self._reset_to(new_ids)
            return
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        if old:
            position = {row_id: row for row, row_id in enumerate(new_ids)}
            moved = [self.createIndex(position[self._ids[i.row()]], i.column()) for i in old]
        self._ids = new_ids
        self._pages.clear()
        if old:
            self.changePersistentIndexList(old, moved)
        self.layoutChanged.emit()

    def _fetch_ids(self) -> list[int]:
        with self._sessions() as session:
            ids = self._ids_query(
                session, department=self._department, search=self._search or None,
                order_by=self._order_by, descending=self._descending,
            )
        if self._only is not None:
            # The SQL still filters and sorts; keeping a few chosen ids out of the result is a
            # pass over a list of ints, not a second query.
            return [i for i in ids if i in self._only]
        return list(ids)

    def _reset_to(self, ids: list[int]) -> None:
        self.beginResetModel()
        self._ids = ids
        self._pages.clear()
        self._loaded = True
        self.endResetModel()

    def _row(self, row: int) -> Any | None:
        number = row // self.PAGE_SIZE
        page = self._pages.get(number)
        if page is None:
            page = self._load_page(number)
        else:
            self._pages.move_to_end(number)
        return page[row - number * self.PAGE_SIZE]

    def _load_page(self, number: int) -> list[Any | None]:
        wanted = self._ids[number * self.PAGE_SIZE:(number + 1) * self.PAGE_SIZE]
        try:
            with self._sessions() as session:
                by_id = {r.id: r for r in self._rows_query(session, wanted)}
        except IsmsError as exc:
            # We are inside a paint: raising would repeat with every repaint. Show blanks, say why.
            log.exception("could not read rows %d-%d", number * self.PAGE_SIZE, len(wanted))
            self.fetchFailed.emit(str(exc))  # in plain words, naming the register
            by_id = {}
        page = [by_id.get(row_id) for row_id in wanted]
        self._pages[number] = page
        while len(self._pages) > self.CACHED_PAGES:
            self._pages.popitem(last=False)
        return page

    # --- QAbstractTableModel -----------------------------------------------------------------

    def _row_total(self) -> int:
        return len(self._ids)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._ids):
            return None
        if role == self.IdRole:
            return self._ids[index.row()]
        if role not in _ROW_ROLES:
            return None  # before fetching: views ask for many roles we do not answer
        row = self._row(index.row())
        if row is None:
            return None
        column = self._columns[index.column()]
        value = getattr(row, column.key)
        if role == Qt.ItemDataRole.DisplayRole:
            if value is None:
                return ""
            return column.text(value) if column.text else display_text(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            is_number = isinstance(value, int | float) and not isinstance(value, bool)
            return _RIGHT if is_number else _LEFT
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.detail(row) if column.detail else None
        colours = self._cell_colours(column, row)
        if colours is None:
            return None
        return colours[0] if role == Qt.ItemDataRole.BackgroundRole else colours[1]

    def _cell_colours(self, column: Column, row: Any) -> tuple[QColor, QColor] | None:
        """(background, readable text colour) for a coloured cell, built once per colour."""
        name = column.colour(row) if column.colour else None
        if not name:
            return None
        colours = self._colours.get(name)
        if colours is None:
            background = QColor(name)
            colours = (background, text_colour_for(background))
            self._colours[name] = colours
        return colours
