"""Settings → People… and Departments…: the people in a table, the departments as the tree
they form (each under its parent); double-click (or Enter, or Edit…) opens the person's or
department's editor (``ui.dialogs.org_editors``); New person… / New department… (Ctrl+N) opens
the same editor on a new record, which is then shown selected; Move under… puts a department
under another (or at the top), the save behind ``isms departments move``. Edits and moves are
recorded in the window's undo history (additions are not: undoing one would need a deletion,
and the services keep people and departments for the history)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QHeaderView,
    QMenu,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from isms.db import Register
from isms.errors import IsmsError
from isms.model import Role
from isms.services import edits
from isms.services.edits import reads
from isms.services.read import queries

from ..undo import UndoHistory
from .base import RememberedDialog
from .choose import ChooseDialog
from .org_editors import DepartmentEditor, PersonEditor

#: One row: the record's id and the texts of its columns.
Row = tuple[int, tuple[str, ...]]


class OrgListDialog(RememberedDialog):
    """A read-only list of records; opening one edits it and then refreshes the list.
    Subclasses give the view (``make_view``) and how it is filled and read."""

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
        view = self.make_view()
        view.setAccessibleName(self.title)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(QKeySequence(key), view, self.edit_current,
                      context=Qt.ShortcutContext.WidgetShortcut)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.new_button = self.buttons.addButton(self.new_text,
                                                 QDialogButtonBox.ButtonRole.ActionRole)
        self.new_button.setToolTip(f"{self.new_text.replace('&', '')} (Ctrl+N)")
        self.new_button.clicked.connect(self.add_new)
        QShortcut(QKeySequence.StandardKey.New, self, self.add_new)
        self.edit_button = self.buttons.addButton("&Edit…",
                                                  QDialogButtonBox.ButtonRole.ActionRole)
        self.edit_button.clicked.connect(self.edit_current)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(view)
        layout.addWidget(self.buttons)
        self.load()
        self.restore_or_resize(640, 420)

    def make_view(self) -> QWidget:
        raise NotImplementedError

    def load(self) -> None:
        """Read the records again into the view."""
        raise NotImplementedError

    def current_id(self) -> int | None:
        """The record selected (None when none is)."""
        raise NotImplementedError

    def select_id(self, record_id: int) -> None:
        """Select the record's line and scroll to it."""
        raise NotImplementedError

    def editor(self, record_id: int | None) -> PersonEditor | DepartmentEditor:
        """The record's editor (a new record's, given None), not shown yet."""
        raise NotImplementedError

    def open_editor(self, record_id: int | None) -> int | None:
        """Edit the record (or add one): the id saved, or None when nothing was saved."""
        editor = self.editor(record_id)
        if not editor.run():
            return None
        self.saved(editor.change)
        return editor.created if record_id is None else record_id

    def saved(self, change: edits.Saved | None) -> None:
        """After a save made from the list: into the undo history."""
        if self._history is not None:
            self._history.push(change)
        self.changed = True

    def edit_current(self) -> None:
        record_id = self.current_id()
        if record_id is not None:
            self.edit(record_id)

    def edit(self, record_id: int) -> None:
        if self.open_editor(record_id) is not None:
            self.load()
            self.select_id(record_id)

    def add_new(self) -> None:
        """Add a record in its editor; the list then shows it, selected."""
        added = self.open_editor(None)
        if added is None:
            return
        self.load()
        self.select_id(added)


class TableListDialog(OrgListDialog):
    """The records as the rows of a table."""

    def make_view(self) -> QWidget:
        self.table = QTableWidget(0, len(self.columns))
        self.table.setHorizontalHeaderLabels(list(self.columns))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda index: self.edit_row(index.row()))
        return self.table

    def rows(self) -> list[Row]:
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

    def current_id(self) -> int | None:
        item = self.table.item(self.table.currentRow(), 0)
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def select_id(self, record_id: int) -> None:
        row = self.row_of(record_id)
        if row is not None:
            self.table.setCurrentCell(row, 0)  # selects the row and scrolls to it

    def edit_row(self, row: int) -> None:
        item = self.table.item(row, 0)
        if item is not None:
            self.edit(int(item.data(Qt.ItemDataRole.UserRole)))


class PeopleDialog(TableListDialog):
    geometry_key = "people_list"
    title = "People"
    columns = ("Name", "E-mail", "Department", "Roles", "Verified")

    def rows(self) -> list[Row]:
        with self._register.session() as session:
            return [
                (person.id, (
                    person.name if person.active else f"{person.name} (left)",
                    person.email or "",
                    person.department.code if person.department else "",
                    ", ".join(role.value for role in Role if role in person.roles),
                    # People an import made from a name in a file, until someone confirms.
                    "yes" if person.verified else "unverified"))
                for person in queries.people(session, active_only=False)
            ]

    new_text = "&New person…"

    def editor(self, record_id: int | None) -> PersonEditor:
        return PersonEditor(self._register, record_id, self)


class DepartmentsDialog(OrgListDialog):
    """The departments as a tree: each under the department it sits under."""

    geometry_key = "departments_list"
    title = "Departments"
    columns = ("Code", "Name", "In scope")
    new_text = "&New department…"

    def __init__(
        self, register: Register, parent: QWidget | None = None,
        history: UndoHistory | None = None,
    ) -> None:
        super().__init__(register, parent, history)
        self.move_button = self.buttons.addButton("&Move under…",
                                                  QDialogButtonBox.ButtonRole.ActionRole)
        self.move_button.setToolTip("Put the selected department under another, or at the top")
        self.move_button.clicked.connect(self.ask_move)

    def make_view(self) -> QWidget:
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(list(self.columns))
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.itemDoubleClicked.connect(
            lambda item, _column: self.edit(int(item.data(0, Qt.ItemDataRole.UserRole))))
        return self.tree

    def load(self) -> None:
        """Each department under its parent, by code at each level; expanded."""
        with self._register.session() as session:
            found = [(d.id, d.parent_id, d.code, d.name, d.in_scope)
                     for d in queries.departments(session)]
        kept = self.current_id()
        self.tree.clear()
        known = {department_id for department_id, *_rest in found}
        children: dict[int | None, list[tuple[int, str, str, bool]]] = {}
        for department_id, parent_id, code, name, in_scope in found:
            # A parent the list does not hold (never expected) puts it at the top.
            under = parent_id if parent_id in known else None
            children.setdefault(under, []).append((department_id, code, name, in_scope))
        self._items: dict[int, QTreeWidgetItem] = {}

        def place(parent: QTreeWidget | QTreeWidgetItem, under: int | None) -> None:
            for department_id, code, name, in_scope in sorted(children.get(under, []),
                                                              key=lambda c: c[1].lower()):
                if department_id in self._items:  # a loop (never expected): shown once
                    continue
                item = QTreeWidgetItem(parent, [code, name, "Yes" if in_scope else "No"])
                item.setData(0, Qt.ItemDataRole.UserRole, department_id)
                self._items[department_id] = item
                place(item, department_id)

        place(self.tree, None)
        self.tree.expandAll()
        for column in range(self.tree.columnCount()):
            self.tree.resizeColumnToContents(column)
        if kept is not None and kept in self._items:
            self.select_id(kept)
        else:
            first = self.tree.topLevelItem(0)
            if first is not None:
                self.tree.setCurrentItem(first)

    def current_id(self) -> int | None:
        item = self.tree.currentItem()
        return None if item is None else int(item.data(0, Qt.ItemDataRole.UserRole))

    def select_id(self, record_id: int) -> None:
        item = self._items.get(record_id)
        if item is not None:
            self.tree.setCurrentItem(item)
            self.tree.scrollToItem(item)

    def codes(self) -> list[str]:
        """The codes as the tree shows them, each indented two spaces per level."""
        shown: list[str] = []

        def walk(item: QTreeWidgetItem, depth: int) -> None:
            shown.append("  " * depth + item.text(0))
            for number in range(item.childCount()):
                child = item.child(number)
                if child is not None:
                    walk(child, depth + 1)

        for number in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(number)
            if top is not None:
                walk(top, 0)
        return shown

    def editor(self, record_id: int | None) -> DepartmentEditor:
        return DepartmentEditor(self._register, record_id, self)

    def _below(self, record_id: int) -> set[int]:
        """The department and those under it: not where it can be moved."""
        found = {record_id}
        stack = [self._items[record_id]]
        while stack:
            item = stack.pop()
            for number in range(item.childCount()):
                child = item.child(number)
                if child is not None:
                    found.add(int(child.data(0, Qt.ItemDataRole.UserRole)))
                    stack.append(child)
        return found

    def ask_move(self) -> None:
        """Move under…: choose where the selected department goes, then move it."""
        record_id = self.current_id()
        if record_id is None:
            return
        item = self._items[record_id]
        below = self._below(record_id)
        choices: list[tuple[str, int | None]] = [("(the top of the tree)", None)] + [
            (f"{other.text(0)} {other.text(1)}", other_id)
            for other_id, other in sorted(self._items.items(), key=lambda kv: kv[1].text(0))
            if other_id not in below]
        accepted, parent_id = ChooseDialog.ask(
            self, "Move under…", f"Put {item.text(0)} {item.text(1)} under:", choices, "Move")
        if accepted:
            self.move_under(record_id, parent_id)

    def move_under(self, record_id: int, parent_id: int | None) -> bool:
        """Put the department under ``parent_id`` (None: at the top), one recorded save;
        a refusal is said in a message box. True when it moved."""
        try:
            with self._register.transaction() as session:
                version = reads.department(session, record_id).version
                saved = edits.save(session, "department", record_id, version,
                                   {"parent_id": parent_id})
        except IsmsError as exc:
            QMessageBox.warning(self, "Move under — isms", str(exc))
            return False
        self.saved(saved)
        self.load()
        self.select_id(record_id)
        return True


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
