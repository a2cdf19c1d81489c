"""Parts of the record editors that list what a record is tied to.

``LinkList``: the records a risk is linked to (its assets, its planned controls), edited in the
form and saved with the editor's one save: Add… picks one more from a list, Remove drops the
selected. ``RecordList``: read-only lines (a risk's treatment actions, an asset's risks and
handling practices), each opening its own editor on double-click or Enter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .choose import ChooseDialog

if TYPE_CHECKING:
    from .record_editor import RecordEditor

#: (text shown, id)
Choices = Sequence[tuple[str, int]]
#: Open the editor ``make`` builds, modally, saying what it edits ("treatment action"); True
#: when it saved. The window's ``run_editor`` puts the save in its undo history.
RunEditor = Callable[[Callable[[], "RecordEditor"], str], bool]


def run_here(make: Callable[[], RecordEditor], _what: str) -> bool:
    """Open an editor with no window around it (a save is not in any undo history)."""
    return make().run()


class LinkList(QWidget):
    """A list of linked records (text, id) with Add… and Remove buttons; ``changed`` fires
    whenever the list does."""

    changed = Signal()

    def __init__(
        self, name: str, add_text: str, prompt: str, choices: Callable[[], Choices],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._name = name
        self._prompt = prompt
        self._choices = choices
        self.list = QListWidget()
        self.list.setAccessibleName(name)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.add_button = QPushButton(add_text)
        self.add_button.clicked.connect(self.ask_add)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip(f"Take the selected out of the {name.lower()}")
        self.remove_button.clicked.connect(self.remove_selected)
        self.list.itemSelectionChanged.connect(self._update_buttons)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.setFocusProxy(self.list)
        self._update_buttons()

    def set_items(self, items: Choices) -> None:
        self.list.clear()
        for text, record_id in items:
            self._append(text, record_id)
        self._update_buttons()
        self.changed.emit()

    def _append(self, text: str, record_id: int) -> None:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, record_id)
        self.list.addItem(item)

    def ids(self) -> list[int]:
        """The linked ids, sorted (as the services compare them)."""
        return sorted(int(self.list.item(n).data(Qt.ItemDataRole.UserRole))
                      for n in range(self.list.count()))

    def texts(self) -> list[str]:
        return [self.list.item(n).text() for n in range(self.list.count())]

    def listed(self) -> list[tuple[str, int]]:
        """(text, id) of the records listed, in list order."""
        return [(self.list.item(n).text(), int(self.list.item(n).data(Qt.ItemDataRole.UserRole)))
                for n in range(self.list.count())]

    def offered(self) -> list[tuple[str, int]]:
        """What Add… offers: the choices not linked yet."""
        linked = set(self.ids())
        return [(text, record_id) for text, record_id in self._choices()
                if record_id not in linked]

    def add(self, record_id: int) -> None:
        """Link the choice with this id (what Add… does once one is picked)."""
        for text, offered_id in self.offered():
            if offered_id == record_id:
                self._append(text, record_id)
                self.list.setCurrentRow(self.list.count() - 1)
                self.changed.emit()
                return

    def ask_add(self) -> None:
        offered = self.offered()
        accepted, chosen = ChooseDialog.ask(self, f"{self.add_button.text().replace('&', '')}",
                                            self._prompt, offered, "Add")
        if accepted and chosen is not None:
            self.add(chosen)

    def remove_selected(self) -> None:
        for item in self.list.selectedItems():
            self.list.takeItem(self.list.row(item))
        self._update_buttons()
        self.changed.emit()

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(bool(self.list.selectedItems()))


class RecordList(QWidget):
    """Read-only rows (one id each) under column headings; double-click or Enter on a row
    calls ``open_row`` with its id. Buttons can be added below (``add_button``)."""

    def __init__(
        self, name: str, headings: Sequence[str], open_row: Callable[[int], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._open_row = open_row
        self.tree = QTreeWidget()
        self.tree.setAccessibleName(name)
        self.tree.setRootIsDecorated(False)
        self.tree.setHeaderLabels(list(headings))
        self.tree.setToolTip("Double-click or press Enter to open")
        self.tree.itemActivated.connect(self._activated)
        self.buttons = QHBoxLayout()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree, 1)
        layout.addLayout(self.buttons)
        self.setFocusProxy(self.tree)

    def add_button(self, text: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(slot)
        self.buttons.addWidget(button)
        return button

    def set_rows(self, rows: Sequence[tuple[int, Sequence[str]]]) -> None:
        self.tree.clear()
        for record_id, cells in rows:
            item = QTreeWidgetItem(list(cells))
            item.setData(0, Qt.ItemDataRole.UserRole, record_id)
            self.tree.addTopLevelItem(item)
        for column in range(self.tree.columnCount()):
            self.tree.resizeColumnToContents(column)

    def _items(self) -> list[QTreeWidgetItem]:
        found = (self.tree.topLevelItem(n) for n in range(self.tree.topLevelItemCount()))
        return [item for item in found if item is not None]

    def row_ids(self) -> list[int]:
        return [int(item.data(0, Qt.ItemDataRole.UserRole)) for item in self._items()]

    def row_texts(self) -> list[list[str]]:
        return [[item.text(c) for c in range(self.tree.columnCount())] for item in self._items()]

    def open(self, record_id: int) -> None:
        self._open_row(record_id)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        self._open_row(int(item.data(0, Qt.ItemDataRole.UserRole)))
