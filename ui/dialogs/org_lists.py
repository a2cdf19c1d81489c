"""Settings → People… and Departments…: a small list of each, double-click (or Enter, or
Edit…) to open the person's or department's editor (``ui.dialogs.org_editors``); New person… /
New department… (Ctrl+N) opens the same editor on a new record, which is then shown selected.
Edits are recorded in the window's undo history (additions are not: undoing one would need a
deletion, and the services keep people and departments for the history)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QHeaderView,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from isms.db import Register
from isms.model import Role
from isms.services.read import queries

from ..undo import UndoHistory
from .base import RememberedDialog
from .org_editors import DepartmentEditor, PersonEditor

#: One row: the record's id and the texts of its columns.
Row = tuple[int, tuple[str, ...]]


class OrgListDialog(RememberedDialog):
    """A read-only table of records; opening a row edits it and then refreshes the table."""

    title = ""
    columns: tuple[str, ...] = ()
    #: The "New…" button's text.
    new_text = ""

    def __init__(
        self, register: Register, parent: QWidget | None = None,
        history: UndoHistory | None = None,
    ) -> None:
        super().__init__(parent)
        self._register = register
        self._history = history
        #: Whether any editor opened from the list saved a change.
        self.changed = False
        self.setWindowTitle(f"{self.title} — isms")
        self.table = QTableWidget(0, len(self.columns))
        self.table.setAccessibleName(self.title)
        self.table.setHorizontalHeaderLabels(list(self.columns))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda index: self.edit_row(index.row()))
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(QKeySequence(key), self.table, self.edit_current,
                      context=Qt.ShortcutContext.WidgetShortcut)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.new_button = buttons.addButton(self.new_text, QDialogButtonBox.ButtonRole.ActionRole)
        self.new_button.setToolTip(f"{self.new_text.replace('&', '')} (Ctrl+N)")
        self.new_button.clicked.connect(self.add_new)
        QShortcut(QKeySequence.StandardKey.New, self, self.add_new)
        self.edit_button = buttons.addButton("&Edit…", QDialogButtonBox.ButtonRole.ActionRole)
        self.edit_button.clicked.connect(self.edit_current)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.load()
        self.restore_or_resize(640, 420)

    def rows(self) -> list[Row]:
        raise NotImplementedError

    def editor(self, record_id: int | None) -> PersonEditor | DepartmentEditor:
        """The record's editor (a new record's, given None), not shown yet."""
        raise NotImplementedError

    def open_editor(self, record_id: int | None) -> int | None:
        """Edit the record (or add one): the id saved, or None when nothing was saved."""
        editor = self.editor(record_id)
        if not editor.run():
            return None
        if self._history is not None:
            self._history.push(editor.change)
        self.changed = True
        return editor.created if record_id is None else record_id

    def load(self) -> None:
        rows = self.rows()
        self.table.setRowCount(len(rows))
        for number, (record_id, texts) in enumerate(rows):
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, record_id)
                self.table.setItem(number, column, item)
        if rows and self.table.currentRow() < 0:
            self.table.setCurrentCell(0, 0)

    def row_of(self, record_id: int) -> int | None:
        for number in range(self.table.rowCount()):
            item = self.table.item(number, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == record_id:
                return number
        return None

    def edit_current(self) -> None:
        if self.table.currentRow() >= 0:
            self.edit_row(self.table.currentRow())

    def edit_row(self, row: int) -> None:
        item = self.table.item(row, 0)
        if item is None:
            return
        if self.open_editor(int(item.data(Qt.ItemDataRole.UserRole))) is not None:
            self.load()

    def add_new(self) -> None:
        """Add a record in its editor; the list then shows it, selected."""
        added = self.open_editor(None)
        if added is None:
            return
        self.load()
        row = self.row_of(added)
        if row is not None:
            self.table.setCurrentCell(row, 0)  # selects the row and scrolls to it


class PeopleDialog(OrgListDialog):
    geometry_key = "people_list"
    title = "People"
    columns = ("Name", "E-mail", "Department", "Roles")

    def rows(self) -> list[Row]:
        with self._register.session() as session:
            return [
                (person.id, (
                    person.name if person.active else f"{person.name} (left)",
                    person.email or "",
                    person.department.code if person.department else "",
                    ", ".join(role.value for role in Role if role in person.roles)))
                for person in queries.people(session, active_only=False)
            ]

    new_text = "&New person…"

    def editor(self, record_id: int | None) -> PersonEditor:
        return PersonEditor(self._register, record_id, self)


class DepartmentsDialog(OrgListDialog):
    geometry_key = "departments_list"
    title = "Departments"
    columns = ("Code", "Name", "Under", "In scope")

    def rows(self) -> list[Row]:
        with self._register.session() as session:
            return [
                (department.id, (
                    department.code, department.name,
                    department.parent.code if department.parent else "",
                    "Yes" if department.in_scope else "No"))
                for department in queries.departments(session)
            ]

    new_text = "&New department…"

    def editor(self, record_id: int | None) -> DepartmentEditor:
        return DepartmentEditor(self._register, record_id, self)


def add_org_actions(
    menu: QMenu, parent: QWidget, register: Callable[[], Register], refresh: Callable[[], None],
    history: UndoHistory | None = None,
) -> None:
    """Settings → People… and Departments… (on the register open then); ``refresh`` after a
    change; edits are recorded in ``history``."""
    def opener(kind: type[OrgListDialog]) -> Callable[[], None]:
        def open_list() -> None:
            dialog = kind(register(), parent, history)
            dialog.run()
            if dialog.changed:
                refresh()
        return open_list

    menu.addAction("&People…").triggered.connect(opener(PeopleDialog))
    menu.addAction("&Departments…").triggered.connect(opener(DepartmentsDialog))
