"""Bulk actions on the selected assets: assign owner, move department, set classification, retire.

Each asks with a small dialog, then runs one ``isms.services.edits.bulk`` call in one
transaction (all the selected assets change, or none), which also records the change for undo;
large selections run behind a progress dialog so the window never freezes. Expected errors are
shown in plain words.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox

from isms.errors import IsmsError
from isms.services import classification
from isms.services.access import Level
from isms.services.edits import Saved, bulk
from isms.services.edits.bulk import assets_phrase
from isms.services.read import queries

from ..dialogs.choose import Choice, ChooseDialog
from ..operations import Progress, run_with_progress

if TYPE_CHECKING:
    from .register_page import RegisterPage
    from .shell import Shell

log = logging.getLogger(__name__)

#: Selections at least this large run behind a progress dialog.
LARGE = 500


class AssetActions(QObject):
    """The Assets menu and the Assets table's context menu; enabled while assets are selected."""

    def __init__(self, window: Shell, menu: QMenu) -> None:
        super().__init__(window)
        self._window = window
        self.assign_owner = self._add(menu, "Assign &owner…", self.ask_owner)
        self.move_department = self._add(menu, "&Move to department…", self.ask_department)
        self.set_marking = self._add(menu, "Set &classification…", self.ask_marking)
        menu.addSeparator()
        self.retire = self._add(menu, "&Retire", self.ask_retire, QKeySequence.StandardKey.Delete)
        self.actions = [self.assign_owner, self.move_department, self.set_marking, self.retire]
        for action in self.actions:
            action.setEnabled(False)

    def _add(
        self, menu: QMenu, text: str, slot: Callable[[], object],
        shortcut: QKeySequence.StandardKey | None = None,
    ) -> QAction:
        action = menu.addAction(text)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        return action

    def add_action(self, action: QAction) -> None:
        """Another action on the selected assets (the window's): in the context menu too, and
        enabled with these."""
        self.actions.append(action)
        action.setEnabled(False)

    def attach(self, page: RegisterPage) -> None:
        """Wire a (new) Assets page: selection enables the actions; right-click offers them."""
        page.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        page.table.customContextMenuRequested.connect(self._context_menu)
        page.table.selectionModel().selectionChanged.connect(self.update_enabled)
        page.model.modelReset.connect(self.update_enabled)
        self.update_enabled()

    def update_enabled(self) -> None:
        page = self._window.pages.get("assets")
        on_page = page is not None and self._window.stack.currentWidget() is page
        has = bool(on_page and page is not None and page.table.selectionModel().hasSelection())
        allowed = self._window.allows(Level.EDITOR)
        for action in self.actions:
            action.setEnabled(has and allowed)

    def _context_menu(self, position: QPoint) -> None:
        page = self._window.pages["assets"]
        if not page.table.selectionModel().hasSelection():
            return
        menu = QMenu(page.table)
        for action in self.actions:
            menu.addAction(action)
        menu.popup(page.table.viewport().mapToGlobal(position))

    # --- the actions ---------------------------------------------------------------------

    def _selected(self) -> list[int]:
        page = self._window.pages.get("assets")
        return page.selected_ids() if page is not None else []

    def _choices(self, read: Callable[[Any], list[Choice]]) -> list[Choice] | None:
        try:
            with self._window.register.session() as session:
                return read(session)
        except IsmsError as exc:
            self._window.reporter.expected(self._window, exc, "isms — cannot read the choices")
            return None

    def ask_owner(self) -> None:
        ids = self._selected()
        choices = self._choices(lambda s: [(f"{p.name} ({p.email})" if p.email else p.name, p.id)
                                           for p in queries.people(s)])
        if not ids or choices is None:
            return
        accepted, owner = ChooseDialog.ask(
            self._window, "Assign owner…",
            f"Make this person the information asset owner of {assets_phrase(len(ids))}:",
            choices, "Assign owner")
        if accepted and owner is not None:
            self._run(ids, "Assigned an owner to {}.",
                      lambda s: bulk.assign_owner(s, ids, owner))

    def ask_department(self) -> None:
        ids = self._selected()
        choices = self._choices(lambda s: [(f"{d.name} ({d.code})", d.id)
                                           for d in queries.departments(s)])
        if not ids or choices is None:
            return
        accepted, department = ChooseDialog.ask(
            self._window, "Move to department…", f"Move {assets_phrase(len(ids))} to:", choices,
            "Move")
        if accepted and department is not None:
            self._run(ids, "Moved {} to another department.",
                      lambda s: bulk.move_to_department(s, ids, department))

    def ask_marking(self) -> None:
        ids = self._selected()
        choices = self._choices(lambda s: [("No marking", None)] + [
            (m.label, m.id) for m in sorted(classification.current_scheme(s).markings,
                                            key=lambda m: m.rank)])
        if not ids or choices is None:
            return
        accepted, marking = ChooseDialog.ask(
            self._window, "Set classification…",
            f"Protective marking for {assets_phrase(len(ids))}:", choices, "Set marking")
        if accepted:
            self._run(ids, "Set the classification of {}.",
                      lambda s: bulk.set_marking(s, ids, marking))

    def ask_retire(self) -> None:
        ids = self._selected()
        if not ids:
            return
        answer = QMessageBox.question(
            self._window, "Retire assets",
            f"Retire {assets_phrase(len(ids))}? Retired assets leave the register's lists but keep "
            "their history in the change log.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._run(ids, "Retired {}.", lambda s: bulk.retire(s, ids))

    def _run(self, ids: list[int], done: str, change: Callable[[Any], Saved]) -> int | None:
        """Run the bulk action ``change`` in one transaction; refresh, say what changed and
        push the change it recorded on the undo history. The number changed, or None when it
        failed (nothing was written)."""
        register = self._window.register

        def work(progress: Progress) -> Saved:
            progress(f"Updating {assets_phrase(len(ids))}…", 0, 0)
            with register.transaction() as session:
                return change(session)

        try:
            if len(ids) >= LARGE:
                saved = run_with_progress(self._window, "Updating assets",
                                          f"Updating {assets_phrase(len(ids))}…", work)
            else:
                saved = work(lambda *_args: None)
        except IsmsError as exc:
            self._window.reporter.expected(self._window, exc, "isms — nothing was changed")
            return None
        log.info("bulk action on %d assets: %d changed", len(ids), saved.count)
        self._window.undo_history.push(saved)
        self._window.refresh(saved.changed)
        self._window.statusBar().showMessage(done.format(assets_phrase(saved.count)), 10000)
        return saved.count
