"""Settings → People… and Departments…: a small list of each, double-click (or Enter, or
Edit…) to open the person's or department's editor (``ui.dialogs.org_editors``)."""

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
from isms.services import queries

from .base import RememberedDialog
from .org_editors import DepartmentEditor, PersonEditor

#: One row: the record's id and the texts of its columns.
Row = tuple[int, tuple[str, ...]]


class OrgListDialog(RememberedDialog):
    """A read-only table of records; opening a row edits it and then refreshes the table."""

    title = ""
    columns: tuple[str, ...] = ()

    def __init__(self, register: Register, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._register = register
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

    def open_editor(self, record_id: int) -> bool:
        raise NotImplementedError

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
        if self.open_editor(int(item.data(Qt.ItemDataRole.UserRole))):
            self.changed = True
            self.load()


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

    def open_editor(self, record_id: int) -> bool:
        return PersonEditor.ask(self._register, record_id, self)


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

    def open_editor(self, record_id: int) -> bool:
        return DepartmentEditor.ask(self._register, record_id, self)


def add_org_actions(
    menu: QMenu, parent: QWidget, register: Callable[[], Register], refresh: Callable[[], None]
) -> None:
    """Settings → People… and Departments… (on the register open then); ``refresh`` after a
    change."""
    def opener(kind: type[OrgListDialog]) -> Callable[[], None]:
        def open_list() -> None:
            dialog = kind(register(), parent)
            dialog.run()
            if dialog.changed:
                refresh()
        return open_list

    menu.addAction("&People…").triggered.connect(opener(PeopleDialog))
    menu.addAction("&Departments…").triggered.connect(opener(DepartmentsDialog))
